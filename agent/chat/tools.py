"""The chat's tools: the analysis's read-only tools and dry_run_patch, plus propose_suggestion.

propose_suggestion takes one suggestion in submit_suggestions' shape and sends it through the
analysis's own verification and scoring, so a fix proposed in the chat is judged as any other.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import ValidationError

from agent.chat.state import ChatRuntime
from agent.state import Proposal
from agent.steps.finish import public_suggestion
from agent.steps.score import score_suggestion
from agent.steps.verify import verify_proposal
from agent.toolkit import SUBMIT_SUGGESTIONS, call_tool, model_tools
from tools.agent_tools import ToolError
from tools.agent_tools.edit_language import edit_tool_error
from tools.agent_tools.registry import invalid_arguments_error
from tools.agent_tools.submit_suggestions import SuggestionArgs, credential_names
from tools.patching import EditError, build_patch
from tools.redaction import redact

PROPOSE_SUGGESTION = "propose_suggestion"
CHAT_SOURCE = "chat"

# A proposal without evidence of its own counts as middling, as the model's do in the analysis.
_CHAT_SPECIFICITY = 0.5

_PROPOSE_DESCRIPTION = (
    "Add one new fix to the analysis, when the owner asks for a fix the analysis does not have. "
    "Give edits (the same language as dry_run_patch) or a reconnect_credential action, never both. "
    "The server verifies it by replay and scores it. It is added unless the patch guard, validation "
    "or the patch itself rejects it; the result says which, and the suggestion's index when added."
)


@dataclass
class ToolOutcome:
    """One tool call's result for the model, and the suggestion it added or the proposal it rejected."""

    result: dict[str, Any]
    added: dict[str, Any] | None = None
    rejected: dict[str, Any] | None = None
    failed: bool = field(init=False)

    def __post_init__(self) -> None:
        self.failed = "error" in self.result


def chat_tools() -> list[StructuredTool]:
    """Describe the chat's tools to the model; `run_chat_tool` dispatches the calls."""
    return list(_described_chat_tools())


def chat_tool_names() -> list[str]:
    return [tool.name for tool in _described_chat_tools()]


@cache
def _described_chat_tools() -> tuple[StructuredTool, ...]:
    tools = [tool for tool in model_tools() if tool.name != SUBMIT_SUGGESTIONS]
    tools.append(
        StructuredTool.from_function(
            func=_not_dispatched, name=PROPOSE_SUGGESTION, description=_PROPOSE_DESCRIPTION, args_schema=SuggestionArgs
        )
    )
    return tuple(tools)


def run_chat_tool(
    name: str, raw_args: dict[str, Any], runtime: ChatRuntime, added_so_far: list[dict[str, Any]]
) -> ToolOutcome:
    """Run one tool call of the chat; unknown tools and bad arguments become structured errors."""
    if name == PROPOSE_SUGGESTION:
        return propose_suggestion(raw_args, runtime, added_so_far)
    if name == SUBMIT_SUGGESTIONS or name not in chat_tool_names():
        error = ToolError(
            "unknown_tool",
            f"there is no tool named {name!r} in the chat; the tools are {', '.join(chat_tool_names())}",
            retryable=True,
        )
        return ToolOutcome({"error": error.to_dict()})
    return ToolOutcome(call_tool(name, raw_args, session=runtime.session, context=runtime.context))


def propose_suggestion(
    raw_args: dict[str, Any], runtime: ChatRuntime, added_so_far: list[dict[str, Any]]
) -> ToolOutcome:
    """Check, verify and score one proposed fix; return it as added unless it was rejected or a duplicate."""
    try:
        args = _checked_args(raw_args, runtime)
    except ToolError as error:
        return ToolOutcome({"error": redact(error.to_dict()).value})

    checked = verify_proposal(_proposal(args, runtime), runtime.session)
    if checked["verification"]["status"] == "refused":
        detail = checked["verification"]["detail"]
        result = {"added": False, "reason": "rejected", "detail": detail}
        return ToolOutcome(result, rejected={"description": args.description, "detail": detail})

    suggestion = public_suggestion(score_suggestion(checked, runtime.calibration))
    existing = [*runtime.suggestions, *added_so_far]
    duplicate = _same_change_index(suggestion, existing)
    if duplicate is not None:
        return ToolOutcome({"added": False, "reason": "duplicate", "detail": f"suggestion {duplicate} makes the same change"})

    result = {"added": True, "suggestion_index": len(existing), "suggestion": suggestion}
    return ToolOutcome(result, added=suggestion)


def _checked_args(raw_args: dict[str, Any], runtime: ChatRuntime) -> SuggestionArgs:
    try:
        args = SuggestionArgs.model_validate(raw_args if raw_args is not None else {})
    except ValidationError as error:
        raise invalid_arguments_error(PROPOSE_SUGGESTION, error) from error

    if args.edits is not None:
        try:
            build_patch(runtime.session.definition, args.edits)
        except EditError as error:
            raise edit_tool_error(error) from error
    elif args.action is not None:
        known = credential_names(runtime.session)
        if args.action.credential not in known:
            raise ToolError(
                "credential_not_found",
                f"credential {args.action.credential!r} is neither in the bundle's credentials nor referenced "
                f"by the workflow. Known credentials: {', '.join(known) or 'none'}",
                retryable=True,
                details={"known_credentials": known},
            )
    return args


def _proposal(args: SuggestionArgs, runtime: ChatRuntime) -> Proposal:
    return Proposal(
        description=args.description,
        failure_kind=args.failure_kind or runtime.failure_kind,
        source=CHAT_SOURCE,
        evidence=list(args.evidence),
        specificity=_CHAT_SPECIFICITY,
        stated_confidence=args.stated_confidence,
        edits=args.edits,
        action=args.action.model_dump(mode="json") if args.action is not None else None,
    )


def _same_change_index(suggestion: dict[str, Any], existing: list[dict[str, Any]]) -> int | None:
    key = "patch" if suggestion["kind"] == "patch" else "action"
    for index, other in enumerate(existing):
        if other.get("kind") == suggestion["kind"] and other.get(key) == suggestion[key]:
            return index
    return None


def _not_dispatched(**_: Any) -> str:
    raise RuntimeError(f"tool {PROPOSE_SUGGESTION} is dispatched by agent.chat.tools.run_chat_tool")
