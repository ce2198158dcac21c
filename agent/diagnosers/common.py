"""Helpers the diagnosers share: reading the reproduced error and rewriting references."""

import re
from collections.abc import Iterator
from typing import Any

from tools.expressions import ExpressionError, evaluate, find_expression_spans
from tools.expressions.errors import ExpressionSyntaxError
from tools.patching import format_data_path

from agent.context import FailureContext

PathKey = str | int
_PATH_CONTINUES = r"(?![\w$-])"


def error_code(context: FailureContext) -> str | None:
    return context.error.get("code")


def http_status(context: FailureContext) -> int | None:
    """Return the failed node's HTTP status: from the reproduced error, else the last recorded attempt."""
    status = context.detail.get("status_code")
    if isinstance(status, int):
        return status
    codes = [attempt.status_code for attempt in context.attempts if attempt.status_code is not None]
    return codes[-1] if codes else None


def response_header(output: Any, name: str) -> str | None:
    """Read a response header of an HTTP node's output, ignoring the header name's case."""
    headers = output.get("headers") if isinstance(output, dict) else None
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else str(value)
    return None


def missing_path(context: FailureContext) -> dict[str, Any] | None:
    """Return the MissingPathError detail of the reproduced failure, or None for other failures."""
    detail = context.detail
    if error_code(context) == "EXPRESSION_ERROR" and detail.get("code") == "missing_path":
        return detail
    return None


def walk_strings(value: Any, keys: tuple[PathKey, ...] = ()) -> Iterator[tuple[tuple[PathKey, ...], str]]:
    """Yield each text leaf of a JSON value with the keys that lead to it."""
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from walk_strings(child, (*keys, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_strings(child, (*keys, index))


def replace_in_expressions(template: str, old: str, new: str) -> str:
    """Replace the expression path `old` with `new` inside the `{{ }}` spans of a template.

    A longer path that only starts with `old` (`body.email_verified` for `body.email`) is kept.
    """
    try:
        spans = find_expression_spans(template)
    except ExpressionSyntaxError:
        return template

    pattern = re.compile(r"(?<![\w$.\]])" + re.escape(old) + _PATH_CONTINUES)
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(template[position:start])
        pieces.append(pattern.sub(lambda _match: new, template[start:end]))
        position = end
    pieces.append(template[position:])
    return "".join(pieces)


def rewrite_reference(context: FailureContext, old: str, new: str) -> list[dict[str, Any]]:
    """Build the edits that rewrite every expression reading `old` to read `new`, in every node."""
    edits = []
    for node in context.definition["nodes"]:
        changes = {}
        for keys, text in walk_strings(node.get("data") or {}):
            rewritten = replace_in_expressions(text, old, new)
            if rewritten != text:
                changes[format_data_path(list(keys))] = rewritten
        if changes:
            edits.append({"node": node["id"], "set": changes})
    return edits


def edited_nodes(edits: list[dict[str, Any]]) -> list[str]:
    return [edit["node"] for edit in edits if "node" in edit]


def child_path(parent: str, key: str) -> str:
    """Extend an expression path by a key, in dotted form when the key is a plain name."""
    if re.fullmatch(r"[A-Za-z_$][\w$]*", key):
        return f"{parent}.{key}"
    return f"{parent}[{key!r}]"


def pointer_data_path(pointer: str) -> tuple[int, list[PathKey]] | None:
    """Split a definition pointer such as /nodes/2/data/config/url into the node index and data keys."""
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]
    if len(tokens) < 4 or tokens[0] != "nodes" or not tokens[1].isdigit() or tokens[2] != "data":
        return None
    return int(tokens[1]), tokens[3:]


def value_at(value: Any, keys: list[PathKey]) -> tuple[bool, Any, list[PathKey]]:
    """Follow keys into a JSON value; list indexes arrive as text from pointers and become ints."""
    typed: list[PathKey] = []
    for key in keys:
        if isinstance(value, list) and str(key).isdigit() and int(key) < len(value):
            value = value[int(key)]
            typed.append(int(key))
        elif isinstance(value, dict) and key in value:
            value = value[key]
            typed.append(key)
        else:
            return False, None, typed
    return True, value, typed


def retry_policy(node: dict[str, Any] | None) -> dict[str, Any]:
    retry = ((node or {}).get("data") or {}).get("retry")
    return retry if isinstance(retry, dict) else {}


def run_context(context: FailureContext) -> dict[str, Any]:
    """Return the values the failed node's expressions read: the trigger, env and each earlier node's output."""
    return context.snapshot.context() if context.snapshot is not None else {}


def lookup(context: FailureContext, path: str) -> tuple[bool, Any]:
    """Evaluate an expression path against the failed node's run context; (False, None) when it fails."""
    values = run_context(context)
    if not values:
        return False, None
    try:
        return True, evaluate(path, values)
    except ExpressionError:
        return False, None


def node_input(context: FailureContext) -> Any:
    """Return the failed node's input in the reproduction, else None."""
    run = context.reproduction.nodes.get(context.failed_node_id or "")
    return run.input if run is not None else None


def parent_path(path: str) -> str | None:
    """Drop the last key or index of an expression path: `a.b[0]` gives `a.b`, a bare root gives None."""
    match = re.fullmatch(r"(.+?)(\.[A-Za-z_$][\w$]*|\[[^\[\]]*\])", path)
    return match.group(1) if match else None
