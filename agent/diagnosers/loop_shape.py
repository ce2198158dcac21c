"""A loop whose items resolve to an object: point it at the list inside that object."""

import json
import re

from rapidfuzz import fuzz

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import child_path, error_code, lookup, replace_in_expressions, walk_strings
from tools.expressions import ExpressionError, evaluate

KIND = "loop_shape"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Rewrite the loop's items to the field of the arrived object that holds a list, or parse a JSON text list."""
    node = context.failed_node
    detail = context.detail
    fields = detail.get("list_fields") or []
    if error_code(context) != "LOOP_ITEMS_NOT_A_LIST" or node is None or not detail.get("source"):
        return []
    if not fields:
        return _json_text_items(context, node, detail["source"])

    field = max(fields, key=lambda name: _score(context, node, name))
    items = (node.get("data") or {}).get("config", {}).get("items")
    if not isinstance(items, str):
        return []
    new_items = replace_in_expressions(items, detail["source"], child_path(detail["source"], field))
    if new_items == items:
        return []

    return [
        Candidate(
            description=(
                f"Loop over `{child_path(detail['source'], field)}` in config.items of {node['id']}: "
                f"{detail['source']} is an object, and its field `{field}` holds the list."
            ),
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {"config.items": new_items}}],
            evidence=[
                f"node {node['id']} failed: items {detail['source']} is {detail.get('got')}",
                f"fields there that hold lists: {', '.join(fields)}",
            ],
            specificity=0.85 if len(fields) == 1 or _score(context, node, field) >= 100 else 0.7,
        )
    ]


def _score(context: FailureContext, node: dict, field: str) -> float:
    """Rank a list field by how much the loop body reads of its items, then by its name against the loop's."""
    item_keys = _item_keys_read(context, node["id"])
    words = f"{node['id']} {(node.get('data') or {}).get('label') or ''}".lower()
    name_score = fuzz.partial_ratio(field.lower().rstrip("s"), words)
    return (100 if item_keys and item_keys <= _item_keys(context, field) else 0) + name_score


def _item_keys_read(context: FailureContext, loop_id: str) -> set[str]:
    pattern = re.compile(re.escape(loop_id) + r"\.item\.([A-Za-z_$][\w$]*)")
    return {
        match
        for node in context.definition["nodes"]
        for _keys, text in walk_strings(node.get("data") or {})
        for match in pattern.findall(text)
    }


def _item_keys(context: FailureContext, field: str) -> set[str]:
    if context.snapshot is None:
        return set()
    try:
        value = evaluate(child_path(context.detail["source"], field), context.snapshot.context())
    except ExpressionError:
        return set()
    return {key for item in value if isinstance(item, dict) for key in item} if isinstance(value, list) else set()


def _json_text_items(context: FailureContext, node: dict, source: str) -> list[Candidate]:
    """Loop over jsonParse() of the items when they arrived as text holding a JSON list."""
    found, value = lookup(context, source)
    if not found or not isinstance(value, str):
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    items = (node.get("data") or {}).get("config", {}).get("items")
    new_items = replace_in_expressions(items, source, f"jsonParse({source})") if isinstance(items, str) else items
    if not isinstance(parsed, list) or new_items == items:
        return []

    return [
        Candidate(
            description=f"Loop over `jsonParse({source})` in config.items of {node['id']}: {source} holds the list as JSON text.",
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {"config.items": new_items}}],
            evidence=[
                f"node {node['id']} failed: items {source} is {context.detail.get('got')}",
                f"that text parses as a JSON list of {len(parsed)} item(s)",
            ],
            specificity=0.85,
        )
    ]
