"""Propose: the model works with tools until it submits, then the diagnosers add their candidates.

Every way the model can fail is recorded on the analysis and ends its turn; the diagnosers'
candidates are always added, so an analysis never fails because the model did.
"""

import time
from typing import Any

import httpx
import openai
import structlog
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent.diagnosers import rank, run_diagnosers
from agent.model_input import to_model_json
from agent.state import AnalysisState, ModelFailure, Proposal
from agent.toolkit import SUBMIT_SUGGESTIONS, call_tool, model_tools

log = structlog.stdlib.get_logger(__name__)

_SUBMIT_REMINDER = "Call a tool. When you are done, call submit_suggestions; with nothing that fits, submit none."


def model_turn(state: AnalysisState) -> dict[str, Any]:
    """Ask the model for its next step, unless a bound on steps, tokens or time is reached."""
    exhausted = _bound_reached(state)
    if exhausted is not None:
        return _end_model(state, exhausted)

    try:
        response = state["chat_model"].bind_tools(model_tools()).invoke(state["messages"])
    except Exception as error:  # noqa: BLE001 - the model is an outside service: any failure ends its turn
        return _end_model(state, _classify(error))

    update: dict[str, Any] = {
        "messages": [*state["messages"], response],
        "model_steps": state["model_steps"] + 1,
        "tokens_used": state["tokens_used"] + _tokens_of(response),
    }
    if not _tool_calls_of(response):
        failure = ModelFailure(kind="no_tool_call", detail="the model answered in text instead of calling a tool")
        update["messages"].append(HumanMessage(content=_SUBMIT_REMINDER))
        update["model_failures"] = [*state["model_failures"], failure]
    return update


def run_tools(state: AnalysisState) -> dict[str, Any]:
    """Run the tool calls of the model's last message and reply to each with a tool message."""
    response = state["messages"][-1]
    messages = list(state["messages"])
    failures = list(state["model_failures"])
    update: dict[str, Any] = {}

    for invalid in getattr(response, "invalid_tool_calls", []) or []:
        detail = f"arguments of {invalid.get('name')} are not valid JSON: {invalid.get('error') or 'parse failed'}"
        failures.append(ModelFailure(kind="invalid_tool_arguments", detail=detail))
        messages.append(_tool_message(invalid.get("id"), {"error": {"code": "invalid_json", "message": detail}}))

    for call in response.tool_calls:
        result = call_tool(call["name"], call["args"], session=state["session"], context=state["context"])
        messages.append(_tool_message(call["id"], result, state))

        if "error" in result:
            failures.append(ModelFailure(kind=_failure_kind(call["name"], result), detail=result["error"].get("message", "")))
        elif call["name"] == SUBMIT_SUGGESTIONS:
            update["model_done"] = True
            update["model_diagnosis"] = result["diagnosis"]
            update["proposals"] = [*state["proposals"], *_submitted_proposals(result)]

    update.update({"messages": messages, "model_failures": failures})
    return update


def propose_with_rules(state: AnalysisState) -> dict[str, Any]:
    """Add the diagnosers' candidates, ranked by how specific their evidence is."""
    candidates = rank(run_diagnosers(state["context"]))
    proposals = [
        Proposal(
            description=candidate.description,
            failure_kind=candidate.failure_kind,
            source=candidate.source,
            evidence=list(candidate.evidence),
            specificity=candidate.specificity,
            stated_confidence=None,
            edits=candidate.edits,
            action=candidate.action,
        )
        for candidate in candidates
    ]
    return {"proposals": [*state["proposals"], *proposals]}


def after_model_turn(state: AnalysisState) -> str:
    if state.get("model_done"):
        return "rules"
    last = state["messages"][-1]
    return "tools" if _tool_calls_of(last) else "model"


def after_tools(state: AnalysisState) -> str:
    return "rules" if state.get("model_done") else "model"


def _bound_reached(state: AnalysisState) -> ModelFailure | None:
    config = state["config"]
    if state["model_steps"] >= config.max_steps:
        return ModelFailure(kind="step_limit", detail=f"no submit_suggestions within {config.max_steps} model steps")
    if state["tokens_used"] >= config.max_tokens:
        return ModelFailure(kind="token_limit", detail=f"used {state['tokens_used']} of {config.max_tokens} tokens")
    elapsed = time.monotonic() - state["started_monotonic"]
    if elapsed >= config.max_seconds:
        return ModelFailure(kind="time_limit", detail=f"{elapsed:.1f} s spent, the limit is {config.max_seconds} s")
    return None


def _end_model(state: AnalysisState, failure: ModelFailure) -> dict[str, Any]:
    log.warning("model path ended, diagnosers take over", failure=failure["kind"], detail=failure["detail"][:200])
    return {"model_done": True, "model_failures": [*state["model_failures"], failure]}


def _classify(error: Exception) -> ModelFailure:
    """Name the model failure from the client's exception type, not from its message."""
    if isinstance(error, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        kind = "timeout"
    elif isinstance(error, openai.RateLimitError):
        kind = "rate_limited"
    elif isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        kind = "server_error"
    elif isinstance(error, openai.APIConnectionError):
        kind = "connection_error"
    elif isinstance(error, openai.APIStatusError):
        kind = f"http_{error.status_code}"
    else:
        kind = "unexpected_error"
    return ModelFailure(kind=kind, detail=f"{type(error).__name__}: {str(error)[:300]}")


def _submitted_proposals(result: dict[str, Any]) -> list[Proposal]:
    return [
        Proposal(
            description=item["description"],
            failure_kind=item.get("failure_kind") or result["failure_kind"],
            source="model",
            evidence=list(item.get("evidence") or []),
            specificity=0.5,
            stated_confidence=item.get("stated_confidence"),
            edits=item.get("edits"),
            action=item.get("action"),
        )
        for item in result["suggestions"]
    ]


def _failure_kind(tool_name: str, result: dict[str, Any]) -> str:
    code = result["error"].get("code", "tool_error")
    if tool_name == SUBMIT_SUGGESTIONS:
        return f"invalid_submission:{code}"
    return code


def _tool_message(call_id: str | None, result: dict[str, Any], state: AnalysisState | None = None) -> ToolMessage:
    masked = state["policy"].redaction_fields if state else ()
    return ToolMessage(content=to_model_json(result, masked_fields=masked), tool_call_id=call_id or "unknown")


def _tool_calls_of(message: Any) -> bool:
    return isinstance(message, AIMessage) and bool(message.tool_calls or message.invalid_tool_calls)


def _tokens_of(response: Any) -> int:
    usage = getattr(response, "usage_metadata", None) or {}
    return int(usage.get("total_tokens", 0))
