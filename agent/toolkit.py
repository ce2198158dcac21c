"""The tools the model may call, as LangChain tools over the plain functions in tools/.

match_known_failures runs the deterministic diagnosers, which live in agent/, so it is defined
here; every other tool is a thin wrapper over tools.agent_tools.
"""

from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel

from agent.context import FailureContext
from agent.diagnosers import rank, run_diagnosers
from tools.agent_tools import TOOL_SPECS, ToolSession, run_tool

MATCH_KNOWN_FAILURES = "match_known_failures"
SUBMIT_SUGGESTIONS = "submit_suggestions"


class MatchKnownFailuresArgs(BaseModel):
    """No arguments: the diagnosers read the failure the analysis gathered."""


_MATCH_DESCRIPTION = (
    "Run Auto-Fix's deterministic diagnosers on this failure and return their candidate fixes, "
    "each with its failure kind, edits or action, evidence and specificity (0 to 1). "
    "Candidates are not yet verified: prove one with dry_run_patch before submitting it."
)


def model_tools() -> list[StructuredTool]:
    """Describe every tool to the model; calls are dispatched by `call_tool`, not by these objects."""
    described = [
        _described_tool(name, args_model, description) for name, (args_model, description) in TOOL_SPECS.items()
    ]
    described.append(_described_tool(MATCH_KNOWN_FAILURES, MatchKnownFailuresArgs, _MATCH_DESCRIPTION))
    return described


def call_tool(name: str, raw_args: dict[str, Any], *, session: ToolSession, context: FailureContext) -> dict[str, Any]:
    """Run one tool call; bad arguments and unknown tools come back as a structured error."""
    if name == MATCH_KNOWN_FAILURES:
        return {"candidates": [_candidate_view(candidate) for candidate in rank(run_diagnosers(context))]}
    return run_tool(name, session, raw_args)


def _described_tool(name: str, args_model: type[BaseModel], description: str) -> StructuredTool:
    def not_dispatched(**_: Any) -> str:
        raise RuntimeError(f"tool {name} is dispatched by agent.toolkit.call_tool")

    return StructuredTool.from_function(
        func=not_dispatched, name=name, description=description, args_schema=args_model
    )


def _candidate_view(candidate: Any) -> dict[str, Any]:
    return {
        "failure_kind": candidate.failure_kind,
        "description": candidate.description,
        "edits": candidate.edits,
        "action": candidate.action,
        "evidence": candidate.evidence,
        "specificity": candidate.specificity,
    }
