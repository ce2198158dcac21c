"""The submit_suggestions tool: the model's final diagnosis and up to three fixes."""

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tools.agent_tools.edit_language import EDITS_DESCRIPTION, edit_tool_error
from tools.agent_tools.errors import ToolError
from tools.agent_tools.session import ToolSession
from tools.expressions import (
    ExpressionError,
    find_expressions,
    has_expression,
    referenced_paths,
)
from tools.formats.suggestion import FailureKind
from tools.json_values import iter_strings
from tools.patching import EditError, PathSyntaxError, build_patch, parse_data_path
from tools.redaction import redact

MAX_SUGGESTIONS = 3
MAX_DIAGNOSIS_CHARS = 2_000
MAX_DESCRIPTION_CHARS = 500
MAX_EVIDENCE_ITEMS = 10
MAX_EVIDENCE_CHARS = 500


class ReconnectCredential(BaseModel):
    """A fix that is not an edit: the user reconnects (renews) a credential."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["reconnect_credential"] = Field(description='Always "reconnect_credential".')
    credential: str = Field(
        min_length=1, description="The credential's name, as in the bundle's credentials or {{ credential.NAME }}."
    )


class SuggestionArgs(BaseModel):
    """One fix: either edits to the workflow or an action, never both."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        min_length=1,
        max_length=MAX_DESCRIPTION_CHARS,
        description="What the fix changes and why, in one or two sentences a workflow owner understands.",
    )
    edits: list[dict[str, Any]] | None = Field(
        default=None, min_length=1, max_length=20, description=f"Give edits or action, not both. {EDITS_DESCRIPTION}"
    )
    action: ReconnectCredential | None = Field(
        default=None,
        description=(
            'Give edits or action, not both. Example: {"type": "reconnect_credential", "credential": "crm_token"}.'
        ),
    )
    failure_kind: FailureKind | None = Field(
        default=None, description="The failure kind this fix addresses, when it differs from the diagnosis's."
    )
    evidence: list[Annotated[str, Field(min_length=1, max_length=MAX_EVIDENCE_CHARS)]] = Field(
        default_factory=list,
        max_length=MAX_EVIDENCE_ITEMS,
        description=f"Facts from the tools that support the fix, each at most {MAX_EVIDENCE_CHARS} characters.",
    )
    stated_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=(
            "Your probability, from 0 to 1, that the fix makes a re-run succeed and still do the workflow's job."
        ),
    )

    @model_validator(mode="after")
    def _edits_or_action(self) -> "SuggestionArgs":
        if (self.edits is None) == (self.action is None):
            found = "both" if self.edits is not None else "neither"
            raise ValueError(f"a suggestion has exactly one of edits or action; this one has {found}")
        return self


class Args(BaseModel):
    """The analysis's final result: diagnosis, failure kind and suggestions."""

    model_config = ConfigDict(extra="forbid")

    diagnosis: str = Field(
        min_length=1,
        max_length=MAX_DIAGNOSIS_CHARS,
        description=(
            "What failed, where, and why, citing the evidence (node, data seen, log lines, last successful run)."
        ),
    )
    failure_kind: FailureKind = Field(description="The kind of failure.")
    suggestions: list[SuggestionArgs] = Field(
        max_length=MAX_SUGGESTIONS,
        description=(
            f"Up to {MAX_SUGGESTIONS} fixes, best first. Submit an empty list when nothing fits rather than guess."
        ),
    )


def run(session: ToolSession, args: Args) -> dict[str, Any]:
    """Submit the diagnosis and up to three suggested fixes, best first; call this once, last.

    Each suggestion has edits (the same language as dry_run_patch) or a reconnect_credential
    action. Edits must name existing nodes and valid paths, and an action must name a known
    credential. A submission that breaks these rules returns an error to fix and resubmit. The server verifies every
    suggestion by replay and scores its confidence.
    """
    known_credentials = credential_names(session)
    suggestions = [
        _checked_suggestion(session, index, suggestion, known_credentials)
        for index, suggestion in enumerate(args.suggestions)
    ]
    proposal = {"diagnosis": args.diagnosis, "failure_kind": args.failure_kind, "suggestions": suggestions}
    return redact(proposal).value


def credential_names(session: ToolSession) -> list[str]:
    """List the credential names the bundle and the workflow know, in first-seen order."""
    names = [credential["name"] for credential in session.credentials]
    for node in session.definition.get("nodes", []):
        data = node.get("data") if isinstance(node, dict) else None
        if isinstance(data, dict) and isinstance(data.get("credential"), str):
            names.append(data["credential"])
        names.extend(_template_credentials(data))
    return list(dict.fromkeys(names))


def _checked_suggestion(
    session: ToolSession, index: int, suggestion: SuggestionArgs, known_credentials: list[str]
) -> dict[str, Any]:
    if suggestion.edits is not None:
        try:
            build_patch(session.definition, suggestion.edits)
        except EditError as error:
            raise edit_tool_error(error, suggestion_index=index) from error
    elif suggestion.action is not None and suggestion.action.credential not in known_credentials:
        raise ToolError(
            "credential_not_found",
            f"suggestion {index}: credential {suggestion.action.credential!r} is neither in the bundle's "
            f"credentials nor referenced by the workflow. Known credentials: {', '.join(known_credentials) or 'none'}",
            retryable=True,
            details={"suggestion_index": index, "known_credentials": known_credentials},
        )
    return suggestion.model_dump(mode="json")


def _template_credentials(value: Any) -> Iterator[str]:
    """Yield NAME for each {{ credential.NAME }} in a value's strings; unparsable expressions are skipped."""
    for text in iter_strings(value):
        if not has_expression(text):
            continue
        try:
            paths = [path for expression in find_expressions(text) for path in referenced_paths(expression)]
        except ExpressionError:
            # The validator reports broken expressions; here they only name no credential.
            continue
        for path in paths:
            name = _credential_name(path)
            if name is not None:
                yield name


def _credential_name(path: str) -> str | None:
    try:
        keys = parse_data_path(path)
    except PathSyntaxError:
        return None
    if len(keys) >= 2 and keys[0] == "credential" and isinstance(keys[1], str):
        return keys[1]
    return None
