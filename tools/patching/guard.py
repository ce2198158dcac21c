"""The patch guard: which patches may be applied at all, and which need a person's approval.

A patch is refused (`allowed` is False) when it does what no fix should. It writes a literal
secret, touches a masked secret, changes a node's id or type, uses `move` or `copy`, edits outside
nodes, edges and settings, or does not start with `test` operations. An allowed patch is still never safe
to apply unattended, whoever proposed it, when it removes nodes or edges, suppresses errors,
changes credentials, changes workflow settings, or sends data to a URL host, email recipient or
message channel that neither the workflow nor its recorded runs used.
"""

import copy
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError

from tools.formats.workflow import Node
from tools.patching.apply import PatchError, apply_operation
from tools.patching.destinations import known_destinations
from tools.patching.locate import node_ids
from tools.patching.node_changes import (
    credential_reasons,
    destination_reasons,
    node_changes,
    suppression_reasons,
)
from tools.patching.pointers import display_tokens, pointer_tokens
from tools.patching.values import contains_mask, nearest_name, preview
from tools.patching.written_secrets import find_written_secrets
from tools.redaction import SECRET_MASK

_ABSENT: Any = object()


@dataclass
class GuardVerdict:
    """The guard's decision on one patch.

    `allowed` is False when the patch is refused outright; `safe_unattended` is True only for an
    allowed patch that may be applied without a person's approval. `reasons` gives why the patch
    was refused, or why it is not safe unattended (empty for a safe patch). `touched_nodes` lists,
    by id and in patch order, the nodes whose data the patch edits, the nodes it adds or removes,
    and the ends of the edges it adds or removes.
    """

    allowed: bool
    safe_unattended: bool
    reasons: list[str] = field(default_factory=list)
    touched_nodes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Serialize the verdict as JSON-ready data, the guard tool's result."""
        return asdict(self)


@dataclass
class _Review:
    """Findings of a walk over a patch's operations, and the definition as the operations left it."""

    state: Any
    refusals: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)
    removed_edges: list[tuple[Any, Any]] = field(default_factory=list)

    def touch(self, *node_ids: Any) -> None:
        for node_id in node_ids:
            if isinstance(node_id, str) and node_id not in self.touched:
                self.touched.append(node_id)


def check_patch(
    definition: dict[str, Any], patch: list[dict[str, Any]], *, recorded_runs: list[dict[str, Any]] | None = None
) -> GuardVerdict:
    """Decide whether a patch may be applied, and whether it may be applied unattended.

    `recorded_runs` are executions of the workflow as dicts (the failed run and its history); the
    hosts, recipients and channels they used count as known destinations.
    """
    refusals = _shape_refusals(patch)
    if refusals:
        return GuardVerdict(allowed=False, safe_unattended=False, reasons=refusals)

    review = _review_operations(definition, patch)
    if review.refusals:
        return GuardVerdict(False, False, _unique(review.refusals), review.touched)

    unsafe = [
        *review.unsafe,
        *_edge_removal_reasons(definition, review),
        *_data_reasons(definition, review.state, recorded_runs or []),
    ]
    return GuardVerdict(True, not unsafe, _unique(unsafe), review.touched)


def _shape_refusals(patch: Any) -> list[str]:
    if not isinstance(patch, list):
        return [f"a patch is a list of operations, got {type(patch).__name__}"]
    if not patch:
        return ["the patch is empty, so it changes nothing"]

    for index, operation in enumerate(patch):
        if not isinstance(operation, dict) or not all(isinstance(operation.get(key), str) for key in ("op", "path")):
            return [f"operation {index} is not an object with text op and path: {preview(operation)}"]

    if patch[0]["op"] != "test":
        return [
            (
                "the patch does not start with test operations, so it could edit a workflow "
                "that changed since the patch was made"
            )
        ]
    if all(operation["op"] == "test" for operation in patch):
        return ["the patch only tests values and changes nothing"]
    return []


def _review_operations(definition: dict[str, Any], patch: list[dict[str, Any]]) -> _Review:
    """Check each operation against the definition as the earlier operations left it, applying as it goes."""
    review = _Review(state=copy.deepcopy(definition))

    for index, operation in enumerate(patch):
        refused_before = len(review.refusals)
        try:
            tokens = pointer_tokens(operation["path"])
        except ValueError as error:
            review.refusals.append(f"operation {index}: {error}")
            continue

        _review_operation(review, index, operation, tokens)
        if len(review.refusals) > refused_before:
            continue

        try:
            review.state = apply_operation(review.state, operation, index=index)
        except PatchError as error:
            # After a refused operation was skipped, later failures only echo that refusal.
            if not review.refusals:
                review.refusals.append(f"the patch does not apply to this workflow: {error}")
            break
    return review


def _review_operation(review: _Review, index: int, operation: dict[str, Any], tokens: list[str]) -> None:
    kind = operation["op"]
    if kind == "test":
        if contains_mask(operation.get("value")):
            review.refusals.append(
                f"operation {index} pins a masked secret with test at {operation['path']}; "
                "a patch never pins a masked value"
            )
        return
    if kind in ("move", "copy"):
        review.refusals.append(f"operation {index} is {kind}; a fix uses only test, add, replace and remove")
        return
    if kind not in ("add", "replace", "remove"):
        review.refusals.append(f"operation {index} has the unknown op {kind!r}")
        return
    if not tokens:
        review.refusals.append(f"operation {index} ({kind}) changes the whole workflow definition")
        return

    section = _SECTIONS.get(tokens[0])
    if section is None:
        review.refusals.append(
            f"operation {index} changes the top-level key {tokens[0]!r}; "
            "a patch may change only nodes, edges and settings"
        )
        return
    section(review, index, operation, tokens)
    _review_values(review, index, operation, tokens)


def _review_node_operation(review: _Review, index: int, operation: dict[str, Any], tokens: list[str]) -> None:
    kind = operation["op"]
    if len(tokens) == 1:
        review.refusals.append(f"operation {index} ({kind}) changes the whole node list; edit one node at a time")
        return
    if len(tokens) == 2 and kind == "add":
        _review_new_node(review, index, tokens[1], operation.get("value"))
        return

    node_id = _node_id_at(review.state, tokens[1])
    if node_id is None:
        review.refusals.append(f"operation {index} ({kind}) names {operation['path']}, which is not a node")
        return

    if len(tokens) == 2 and kind == "remove":
        review.unsafe.append(f"removes node {node_id}")
        review.touch(node_id)
    elif len(tokens) == 2:
        review.refusals.append(f"operation {index} replaces the whole node {node_id}; edit inside its data instead")
    elif tokens[2] == "data":
        review.touch(node_id)
    elif tokens[2] in ("id", "type"):
        review.refusals.append(
            f"operation {index} changes the {tokens[2]} of node {node_id}; "
            f"a fix edits a node's data, never its {tokens[2]}"
        )
    else:
        review.refusals.append(
            f"operation {index} changes {tokens[2]} of node {node_id}; a patch may change only a node's data"
        )


def _review_new_node(review: _Review, index: int, position: str, value: Any) -> None:
    if position != "-":
        review.refusals.append(
            f"operation {index} inserts a node at /nodes/{position}, which moves the nodes after it; "
            "add new nodes at /nodes/-"
        )
        return
    try:
        node = Node.model_validate(value)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        location = ".".join(str(part) for part in first["loc"]) or "the node"
        review.refusals.append(f"operation {index} adds an invalid node: {location}: {first['msg']}")
        return

    if node.id in node_ids(review.state):
        review.refusals.append(f"operation {index} adds node {node.id}, but a node with that id already exists")
        return
    review.touch(node.id)


def _review_edge_operation(review: _Review, index: int, operation: dict[str, Any], tokens: list[str]) -> None:
    kind = operation["op"]
    if len(tokens) != 2 or kind == "replace":
        review.refusals.append(
            f"operation {index} ({kind} {operation['path']}) changes edges in place; "
            "a patch removes an edge and adds a new one"
        )
        return

    if kind == "add":
        value = operation.get("value")
        if not isinstance(value, dict) or not all(isinstance(value.get(end), str) for end in ("source", "target")):
            review.refusals.append(f"operation {index} adds an edge without text source and target: {preview(value)}")
            return
        review.touch(value["source"], value["target"])
        return

    edge = _value_at(review.state, tokens)
    if not isinstance(edge, dict):
        review.refusals.append(f"operation {index} removes {operation['path']}, which is not an edge")
        return
    review.removed_edges.append((edge.get("source"), edge.get("target")))
    review.touch(edge.get("source"), edge.get("target"))


def _review_settings_operation(review: _Review, index: int, operation: dict[str, Any], tokens: list[str]) -> None:
    review.unsafe.append(f"changes workflow settings ({operation['op']} {operation['path']})")


_SECTIONS = {
    "nodes": _review_node_operation,
    "edges": _review_edge_operation,
    "settings": _review_settings_operation,
}


def _review_values(review: _Review, index: int, operation: dict[str, Any], tokens: list[str]) -> None:
    """Refuse writing a secret or the mask, and overwriting or removing a masked value."""
    kind = operation["op"]
    where = _location(review.state, tokens, operation)

    if kind in ("add", "replace"):
        value = operation.get("value")
        if contains_mask(value):
            review.refusals.append(
                f"operation {index} writes the secret mask {SECRET_MASK} at {where}, "
                "which would replace the user's secret"
            )
        findings = find_written_secrets(nearest_name(tokens), value)
        if findings:
            review.refusals.append(
                f"operation {index} writes a literal secret ({', '.join(findings)}) at {where}; "
                "store it as a credential and reference it as {{ credential.NAME }}"
            )

    if contains_mask(_overwritten_value(review.state, tokens, kind)):
        verb = "removes" if kind == "remove" else "overwrites"
        review.refusals.append(
            f"operation {index} {verb} a masked secret at {where}; a patch must leave masked values as they are"
        )


def _overwritten_value(state: Any, tokens: list[str], kind: str) -> Any:
    """Return the value an operation replaces or removes; `add` replaces only an existing object member."""
    if kind in ("replace", "remove"):
        return _value_at(state, tokens)
    parent = _value_at(state, tokens[:-1])
    if isinstance(parent, dict):
        return parent.get(tokens[-1], _ABSENT)
    return _ABSENT


def _value_at(state: Any, tokens: list[str]) -> Any:
    value = state
    for token in tokens:
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return _ABSENT
    return value


def _node_id_at(state: Any, position: str) -> str | None:
    node = _value_at(state, ["nodes", position])
    node_id = node.get("id") if isinstance(node, dict) else None
    return node_id if isinstance(node_id, str) else None


def _location(state: Any, tokens: list[str], operation: dict[str, Any]) -> str:
    """Name where an operation writes: `node send_invoice, config.to[0]`, else its JSON Pointer."""
    if tokens[:1] != ["nodes"] or len(tokens) < 2:
        return operation["path"]
    if tokens[1] == "-":
        value = operation.get("value")
        return f"new node {value.get('id') if isinstance(value, dict) else preview(value)}"

    node = _node_id_at(state, tokens[1]) or f"at index {tokens[1]}"
    rest = tokens[3:] if tokens[2:3] == ["data"] else tokens[2:]
    return f"node {node}, {display_tokens(rest)}" if rest else f"node {node}"


def _edge_removal_reasons(before: dict[str, Any], review: _Review) -> list[str]:
    new_nodes = set(node_ids(review.state)) - set(node_ids(before))
    edges = review.state.get("edges") if isinstance(review.state, dict) else None
    edges = [edge for edge in edges if isinstance(edge, dict)] if isinstance(edges, list) else []

    reasons = []
    for source, target in review.removed_edges:
        through = _route_through_new_nodes(edges, source, target, new_nodes)
        if through:
            reasons.append(
                f"rewires edge {source} -> {target} through new node {', '.join(through)}, removing that edge"
            )
        else:
            reasons.append(f"removes edge {source} -> {target}")
    return reasons


def _route_through_new_nodes(edges: list[dict[str, Any]], source: Any, target: Any, new_nodes: set[str]) -> list[str]:
    """Find new nodes that join source to target after the patch, breadth first; empty when none do."""
    came_from: dict[Any, Any] = {source: None}
    queue = deque([source])

    while queue:
        current = queue.popleft()
        for edge in edges:
            if edge.get("source") != current:
                continue
            next_node = edge.get("target")
            if next_node == target and current != source:
                return _route(came_from, current)
            if next_node in new_nodes and next_node not in came_from:
                came_from[next_node] = current
                queue.append(next_node)
    return []


def _route(came_from: dict[Any, Any], last: Any) -> list[str]:
    route = []
    while came_from[last] is not None:
        route.append(last)
        last = came_from[last]
    return list(reversed(route))


def _data_reasons(before: dict[str, Any], after: dict[str, Any], recorded_runs: list[dict[str, Any]]) -> list[str]:
    changes = node_changes(before, after)
    reasons = []
    for change in changes:
        reasons += suppression_reasons(change)
        reasons += credential_reasons(change)
    reasons += destination_reasons(changes, known_destinations(before, recorded_runs))
    return reasons


def _unique(reasons: list[str]) -> list[str]:
    return list(dict.fromkeys(reasons))
