"""Findings of the catalog's checks, located by RFC 6901 JSON pointers."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Severity = Literal["error", "warning"]


class IssueCode(StrEnum):
    """Stable machine-readable codes of issues; diagnosers and tests match on these."""

    SCHEMA_VIOLATION = "schema_violation"
    BAD_ENUM = "bad_enum"
    UNKNOWN_KEY = "unknown_key"
    UNKNOWN_NODE_TYPE = "unknown_node_type"
    INVALID_NODE_ID = "invalid_node_id"
    DUPLICATE_NODE_ID = "duplicate_node_id"
    DUPLICATE_EDGE_ID = "duplicate_edge_id"
    MISSING_NODE = "missing_node"
    CYCLE = "cycle"
    NO_TRIGGER = "no_trigger"
    MULTIPLE_TRIGGERS = "multiple_triggers"
    CONDITION_WITHOUT_BRANCHES = "condition_without_branches"
    CONDITION_EDGE_WITHOUT_HANDLE = "condition_edge_without_handle"
    BAD_BRANCH_HANDLE = "bad_branch_handle"
    URL_WITHOUT_SCHEME = "url_without_scheme"
    UNSUPPORTED_URL_SCHEME = "unsupported_url_scheme"
    INVALID_URL = "invalid_url"
    INVALID_JSON_BODY = "invalid_json_body"


@dataclass(frozen=True)
class Issue:
    """One finding: where it is, what is wrong, how serious it is, and its stable code.

    The message starts with the pointer (unless the pointer is the whole document), so it
    reads on its own in logs and in the model's context.
    """

    pointer: str
    message: str
    severity: Severity
    code: str


def join_pointer(base: str, *tokens: str | int) -> str:
    """Extend a JSON pointer by reference tokens, escaping ~ and / as RFC 6901 requires."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return base + "".join(f"/{token}" for token in escaped)


def make_issue(pointer: str, text: str, code: str, *, severity: Severity = "error") -> Issue:
    """Build an issue whose message is the text prefixed with the pointer."""
    message = f"{pointer}: {text}" if pointer else text
    return Issue(pointer=pointer, message=message, severity=severity, code=code)


def has_errors(issues: Iterable[Issue]) -> bool:
    """Tell whether any of the issues is an error rather than a warning."""
    return any(issue.severity == "error" for issue in issues)
