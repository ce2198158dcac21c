"""Type mismatches in expressions: JSON text read as an object, number text passed where a number is needed."""

import json
import re
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import (
    edited_nodes,
    error_code,
    lookup,
    missing_path,
    pointer_data_path,
    rewrite_reference,
    value_at,
    walk_strings,
)
from tools.patching import format_data_path

KIND = "type_mismatch"
SET_NODE = "transform_set"
_NUMBER_TEXT = re.compile(r'text "(-?\d+(?:\.\d+)?)"')
_SINGLE_EXPRESSION = re.compile(r"\s*\{\{\s*(.*?)\s*\}\}\s*", re.DOTALL)
_INTEGER_TEXT = re.compile(r'expected an integer, got text "(-?\d+)"')
_NUMBER_EXPECTED = re.compile(r'expected a number, got text "(-?\d+(?:\.\d+)?)"')


def json_text_path(context: FailureContext) -> list[Candidate]:
    """Read through jsonParse() a path whose value is JSON text, where an expression reads keys from it."""
    detail = missing_path(context)
    if detail is None or detail.get("reason") != "not_an_object":
        return []
    found, value = lookup(context, detail["at_path"])
    if not found or not isinstance(value, str) or not isinstance(_parsed(value), dict | list):
        return []

    at_path = detail["at_path"]
    edits = rewrite_reference(context, at_path, f"jsonParse({at_path})")
    if not edits:
        return []
    return [
        Candidate(
            description=(
                f"Read `{at_path}` through jsonParse() in {', '.join(edited_nodes(edits))}: it holds JSON as text, "
                f"and the expressions read `{detail['missing_key']}` from it."
            ),
            failure_kind=KIND,
            edits=edits,
            evidence=[
                f"node {context.failed_node_id} failed evaluating `{detail['expression']}`",
                f"{at_path} is text that parses as a JSON {type(_parsed(value)).__name__.replace('dict', 'object')}",
            ],
            specificity=0.85,
        )
    ]


def function_argument(context: FailureContext) -> list[Candidate]:
    """Wrap in toNumber() a function argument that arrived as number text."""
    detail = context.detail
    if error_code(context) != "EXPRESSION_ERROR" or detail.get("code") != "type_mismatch" or not detail.get("function"):
        return []
    if detail.get("expected") != "a number" or not _NUMBER_TEXT.fullmatch(str(detail.get("got") or "")):
        return []
    new_expression = _wrap_argument(detail["expression"], detail["function"], int(detail.get("argument") or 1))
    if new_expression is None:
        return []

    changes = _replace_expression(context.failed_node, detail["expression"], new_expression)
    if not changes:
        return []
    return [
        _candidate(
            context,
            [{"node": context.failed_node_id, "set": changes}],
            f"Convert argument {detail.get('argument')} of {detail['function']}() with toNumber() in "
            f"{context.failed_node_id}: it arrived as {detail['got']}.",
            [f"node {context.failed_node_id} failed: {detail.get('message')}"],
            0.85,
        )
    ]


def resolved_config_number(context: FailureContext) -> list[Candidate]:
    """Wrap in toNumber() a configuration field that resolved to number text where the catalog needs a number.

    An integer field that received a decimal (`249.00`) gets nothing: whether the text is in minor or
    major units is not in the data.
    """
    if error_code(context) != "INVALID_CONFIG" or not context.detail.get("resolved"):
        return []
    index = context.node_index(context.failed_node_id or "")
    changes, evidence = {}, []
    for issue in context.detail.get("issues") or []:
        message = str(issue.get("message") or "")
        if not (_INTEGER_TEXT.search(message) or _NUMBER_EXPECTED.search(message)):
            continue
        located = pointer_data_path(f"/nodes/{index}/data/config{issue.get('pointer', '')}")
        found, template, typed = value_at(context.failed_node.get("data"), located[1]) if located else (False, None, [])
        match = _SINGLE_EXPRESSION.fullmatch(template) if found and isinstance(template, str) else None
        if match is None:
            continue
        changes[format_data_path(typed)] = "{{ toNumber(" + match.group(1) + ") }}"
        evidence.append(f"catalog: {message}")
    if not changes:
        return []

    fields = ", ".join(changes)
    return [
        _candidate(
            context,
            [{"node": context.failed_node_id, "set": changes}],
            f"Convert {fields} of {context.failed_node_id} with toNumber(): the field resolves to number text, "
            "and the node needs a number.",
            [f"node {context.failed_node_id} failed: {context.error.get('message')}", *evidence],
            0.8,
        )
    ]


def compared_number_text(context: FailureContext) -> list[Candidate]:
    """Convert number text that a condition compares with a number, where a transform_set produced it, else in the condition."""
    detail = context.detail
    node = context.failed_node
    if error_code(context) != "TYPE_MISMATCH" or node is None or not _NUMBER_TEXT.fullmatch(str(detail.get("left") or "")):
        return []
    if not str(detail.get("right") or "").startswith("the number"):
        return []
    found, rule, typed = value_at(node.get("data"), ["config", *_field_keys(detail.get("field"))])
    template = rule.get("field") if found and isinstance(rule, dict) else None
    match = _SINGLE_EXPRESSION.fullmatch(template) if isinstance(template, str) else None
    if match is None:
        return []

    edits = _convert_at_source(context, match.group(1)) or [
        {"node": node["id"], "set": {format_data_path([*typed, "field"]): "{{ toNumber(" + match.group(1) + ") }}"}}
    ]
    return [
        _candidate(
            context,
            edits,
            f"Convert `{match.group(1)}` with toNumber() in {', '.join(edited_nodes(edits))}: {node['id']} compares "
            f"it with {detail['right']}, but it is {detail['left']}.",
            [f"node {node['id']} failed: {context.error.get('message')}"],
            0.8,
        )
    ]


def _convert_at_source(context: FailureContext, path: str) -> list[dict[str, Any]]:
    """Convert where a transform_set node builds the value, so every reader of it gets a number."""
    source_id, _dot, key = path.partition(".")
    source = context.node(source_id)
    if source is None or source.get("type") != SET_NODE or not re.fullmatch(r"[A-Za-z_$][\w$]*", key):
        return []
    values = ((source.get("data") or {}).get("config") or {}).get("values")
    for position, entry in enumerate(values if isinstance(values, list) else []):
        expression = _SINGLE_EXPRESSION.fullmatch(entry.get("value") or "") if isinstance(entry, dict) else None
        if entry.get("key") == key and expression is not None:
            changed = "{{ toNumber(" + expression.group(1) + ") }}"
            return [{"node": source_id, "set": {format_data_path(["config", "values", position, "value"]): changed}}]
    return []


def _field_keys(field: Any) -> list[str | int]:
    """Split a reported field such as `conditions[0]` into keys."""
    if not isinstance(field, str):
        return []
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", field)]


def _wrap_argument(expression: str, function: str, argument: int) -> str | None:
    """Wrap the given argument (1-based) of the first call of `function` in toNumber(), or return None."""
    match = re.search(r"(?<![\w$.])" + re.escape(function) + r"\s*\(", expression)
    if match is None:
        return None
    spans = _argument_spans(expression, match.end())
    if spans is None or len(spans) < argument:
        return None
    start, end = spans[argument - 1]
    text = expression[start:end].strip()
    if text.startswith("toNumber("):
        return None
    left = start + (len(expression[start:end]) - len(expression[start:end].lstrip()))
    return expression[:left] + f"toNumber({text})" + expression[left + len(text) :]


def _argument_spans(expression: str, start: int) -> list[tuple[int, int]] | None:
    """Locate each argument of a call whose opening parenthesis ends at `start`, skipping nested calls and text."""
    spans, depth, quote, position, begin = [], 0, None, start, start
    while position < len(expression):
        char = expression[position]
        if quote:
            quote = None if char == quote and expression[position - 1] != "\\" else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char == "," and depth == 0:
            spans.append((begin, position))
            begin = position + 1
        elif char == ")":
            spans.append((begin, position))
            return spans
        position += 1
    return None


def _replace_expression(node: dict[str, Any] | None, old: str, new: str) -> dict[str, str]:
    changes = {}
    for keys, text in walk_strings((node or {}).get("data") or {}):
        if old in text:
            changes[format_data_path(list(keys))] = text.replace(old, new)
    return changes


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _candidate(
    context: FailureContext, edits: list[dict[str, Any]], description: str, evidence: list[str], specificity: float
) -> Candidate:
    return Candidate(description=description, failure_kind=KIND, edits=edits, evidence=evidence, specificity=specificity)
