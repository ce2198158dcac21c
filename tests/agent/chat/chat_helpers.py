"""Shared pieces of the chat tests: the sample analysis, scripted steps and edits."""

from typing import Any

from langchain_core.messages import AIMessage

from agent.chat import ChatAnalysis
from tests.agent.samples import prepared_sample
from tests.agent.scripted_model import tool_call

SAMPLE = "incident_alert_data_mapping.json"

# A different valid rewrite of post_alert's text than the data_mapping diagnoser's.
CHAT_TEXT_EDIT = {
    "node": "post_alert",
    "set": {"config.text": "{{ fetch_incidents.body.incidents[0].severity }} incident {{ fetch_incidents.body.incidents[0].id }}"},
}

# The patch guard rejects a literal bearer token written into a header.
SECRET_HEADER_EDIT = {
    "node": "fetch_incidents",
    "set": {"config.headers.Authorization": "Bearer not-a-real-token-0123456789abcdef"},
}


def sample_analysis(*, bundle: dict[str, Any] | None = None, suggestions: list[dict[str, Any]] | None = None) -> ChatAnalysis:
    return ChatAnalysis(
        analysis_id="7d5c3a52-5f0e-4c59-9a0e-3f1f3c2b9a10",
        diagnosis="Node post_alert (action_slack_message) failed: no key serverity",
        failure_kind="data_mapping",
        suggestions=suggestions or [],
        bundle=bundle or prepared_sample(SAMPLE),
    )


def propose(call_id: str, edits: list[dict[str, Any]], *, description: str = "Read severity in the alert text") -> AIMessage:
    args = {"description": description, "edits": edits, "evidence": ["incidents[0] has severity"], "stated_confidence": 0.7}
    return tool_call("propose_suggestion", args, call_id)


def answer(text: str) -> AIMessage:
    return AIMessage(content=text, usage_metadata={"input_tokens": 50, "output_tokens": 10, "total_tokens": 60})
