"""Failures no patch can fix: data that arrived wrong from its source, which someone must correct there."""

import re
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, http_status, node_input, walk_strings

KIND = "other"
UNPROCESSABLE = 422
_SINGLE_EXPRESSION = re.compile(r"\s*\{\{\s*(.*?)\s*\}\}\s*", re.DOTALL)
# Catalog findings about a value's format, not its type: the value is present but wrong.
_FORMAT_FINDING = re.compile(r"expected an? (email address|URL|date)[^,]*, got text")


def diagnose(context: FailureContext) -> list[Candidate]:
    """Ask for the source data to be fixed when the node passed on a malformed or empty upstream value."""
    finding = _malformed_value(context) or _required_value_empty(context)
    if finding is None or context.failed_node_id is None:
        return []
    return [
        Candidate(
            description=f"Fix the source data: {finding}. No change to the workflow makes this run succeed.",
            failure_kind=KIND,
            action={"type": "fix_source_data", "detail": finding},
            evidence=[f"node {context.failed_node_id} failed: {context.error.get('message')}", finding],
            specificity=0.7,
        )
    ]


def _malformed_value(context: FailureContext) -> str | None:
    """A field that only copies upstream data and resolved to a value of the wrong format."""
    if error_code(context) != "INVALID_CONFIG" or not context.detail.get("resolved"):
        return None
    config = ((context.failed_node or {}).get("data") or {}).get("config") or {}
    for issue in context.detail.get("issues") or []:
        message = str(issue.get("message") or "")
        template = _value_at_pointer(config, str(issue.get("pointer") or ""))
        if _FORMAT_FINDING.search(message) and isinstance(template, str) and _SINGLE_EXPRESSION.fullmatch(template):
            return f"`{_SINGLE_EXPRESSION.fullmatch(template).group(1)}` resolved to a malformed value ({message})"
    return None


def _required_value_empty(context: FailureContext) -> str | None:
    """A 422 answer naming a field that the node's input holds as null or empty text."""
    if http_status(context) != UNPROCESSABLE:
        return None
    named = {str(key) for keys, _text in walk_strings(context.failed_output()) for key in keys if isinstance(key, str)}
    empty = _empty_fields(node_input(context))
    fields = sorted(field for field in named & empty if field not in ("body", "errors", "error", "message"))
    if not fields:
        return None
    return f"the upstream rejected the request (HTTP 422) over {', '.join(fields)}, which the input holds empty"


def _empty_fields(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            if child is None or child == "":
                found.add(key)
            found |= _empty_fields(child)
    elif isinstance(value, list):
        for child in value:
            found |= _empty_fields(child)
    return found


def _value_at_pointer(config: dict[str, Any], pointer: str) -> Any:
    value: Any = config
    for token in pointer.split("/")[1:]:
        if isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        elif isinstance(value, dict) and token in value:
            value = value[token]
        else:
            return None
    return value
