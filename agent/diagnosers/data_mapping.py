"""A mapping that reads a key that is not there: misspelt, nested differently, or in another node's output."""

from collections.abc import Iterator
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import (
    child_path,
    edited_nodes,
    lookup,
    missing_path,
    parent_path,
    rewrite_reference,
    run_context,
)

KIND = "data_mapping"
# How deep below the object it pointed at a misplaced key is looked for.
MAX_NESTING = 3
_RESERVED_ROOTS = {"env", "credential", "workflow", "execution"}


def diagnose(context: FailureContext) -> list[Candidate]:
    """Rewrite a reference to a missing key to where the data is, in every node that reads it.

    A key of close spelling wins. Otherwise the key is looked for where a wrong nesting would put
    it (`a_b` as `a.b`, below the object, above it) and then at the same place in another node's
    output. A key the last successful run still had is left to the schema-change rule.
    """
    detail = missing_path(context)
    if detail is None or detail.get("reason") != "missing_key" or not detail["path"].startswith(detail["at_path"]):
        return []
    if detail.get("closest"):
        return _closest_candidate(context, detail)
    if _existed_in_last_success(context, detail):
        return []

    for new, reason, specificity in _relocations(context, detail):
        edits = rewrite_reference(context, detail["path"], new)
        if edits:
            return [_relocated_candidate(context, detail, new, reason, specificity, edits)]
    return []


def _closest_candidate(context: FailureContext, detail: dict[str, Any]) -> list[Candidate]:
    old = f"{detail['at_path']}.{detail['missing_key']}"
    if not detail["path"].startswith(old):
        return []
    new = child_path(detail["at_path"], detail["closest"]) + detail["path"][len(old) :]
    edits = rewrite_reference(context, detail["path"], new)
    if not edits:
        return []

    keys = ", ".join(detail.get("available_keys") or [])
    return [
        Candidate(
            description=(
                f"Read `{new}` instead of `{detail['path']}` in {', '.join(edited_nodes(edits))}: "
                f"the key `{detail['missing_key']}` does not exist in {detail['at_path']}, "
                f"and `{detail['closest']}` is the closest key that does."
            ),
            failure_kind=KIND,
            edits=edits,
            evidence=[
                f"node {context.failed_node_id} failed evaluating `{detail['expression']}`",
                f"keys in {detail['at_path']}: {keys}",
                f"closest key to `{detail['missing_key']}`: `{detail['closest']}`",
            ],
            specificity=0.9,
        )
    ]


def _existed_in_last_success(context: FailureContext, detail: dict[str, Any]) -> bool:
    if context.diff is None or not detail.get("node"):
        return False
    node_diff = context.diff.node(detail["node"])
    if node_diff is None or node_diff.output is None:
        return False
    return any(_last_key(path) == detail["missing_key"] for path, _kind in node_diff.output.removed)


def _last_key(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def _relocations(context: FailureContext, detail: dict[str, Any]) -> Iterator[tuple[str, str, float]]:
    """Yield each place the missing key may sit, as (new path, reason, specificity), surest first.

    A rule yields only when it finds exactly one place, so an ambiguous key gets no candidate.
    """
    at_path, key = detail["at_path"], detail["missing_key"]
    rest = detail["path"][len(child_path(at_path, key)) :]
    rules = (
        (_split_key(context, at_path, key), f"`{key}` is nested in {at_path}", 0.8),
        (_below(context, at_path, key), f"`{key}` sits deeper in {at_path}", 0.8),
        (_above(context, at_path, key), f"`{key}` sits higher than {at_path}", 0.75),
        (_other_node(context, detail, key), f"`{key}` is in another node's output, not in {at_path}", 0.7),
    )
    for found, reason, specificity in rules:
        resolvable = [path for path in found if lookup(context, path + rest)[0]]
        if len(resolvable) == 1:
            yield resolvable[0] + rest, reason, specificity


def _split_key(context: FailureContext, at_path: str, key: str) -> list[str]:
    """Read `company_name` as `company.name` when that path exists."""
    parts = key.split("_")
    paths = []
    for cut in range(1, len(parts)):
        path = child_path(child_path(at_path, "_".join(parts[:cut])), "_".join(parts[cut:]))
        if lookup(context, path)[0]:
            paths.append(path)
    return paths


def _below(context: FailureContext, at_path: str, key: str) -> list[str]:
    found, value = lookup(context, at_path)
    return list(_paths_to_key(value, at_path, key, MAX_NESTING)) if found else []


def _paths_to_key(value: Any, path: str, key: str, depth: int) -> Iterator[str]:
    if depth == 0 or not isinstance(value, dict):
        return
    for name, child in value.items():
        if name == key and path:
            continue
        inner = child_path(path, name)
        if isinstance(child, dict) and key in child:
            yield child_path(inner, key)
        elif isinstance(child, dict):
            yield from _paths_to_key(child, inner, key, depth - 1)


def _above(context: FailureContext, at_path: str, key: str) -> list[str]:
    parent = parent_path(at_path)
    while parent is not None:
        path = child_path(parent, key)
        if lookup(context, path)[0]:
            return [path]
        parent = parent_path(parent)
    return []


def _other_node(context: FailureContext, detail: dict[str, Any], key: str) -> list[str]:
    """Find the key at the same place in the outputs of other nodes, preferring the failed node's predecessors."""
    pointed = detail.get("node") or detail.get("root")
    relative = detail["at_path"][len(pointed) :] if pointed and detail["at_path"].startswith(pointed) else None
    if relative is None:
        return []
    roots = [root for root in run_context(context) if root not in _RESERVED_ROOTS and root != pointed]
    found = [root for root in roots if lookup(context, child_path(root + relative, key))[0]]
    predecessors = {edge["source"] for edge in context.definition.get("edges", []) if edge["target"] == context.failed_node_id}
    nearest = [root for root in found if root in predecessors]
    return [child_path(root + relative, key) for root in (nearest or found)]


def _relocated_candidate(
    context: FailureContext, detail: dict[str, Any], new: str, reason: str, specificity: float, edits: list
) -> Candidate:
    return Candidate(
        description=(
            f"Read `{new}` instead of `{detail['path']}` in {', '.join(edited_nodes(edits))}: "
            f"the key `{detail['missing_key']}` does not exist in {detail['at_path']}; {reason}."
        ),
        failure_kind=KIND,
        edits=edits,
        evidence=[
            f"node {context.failed_node_id} failed evaluating `{detail['expression']}`",
            f"keys in {detail['at_path']}: {', '.join(detail.get('available_keys') or [])}",
            f"`{new}` exists in the data the node saw",
        ],
        specificity=specificity,
    )
