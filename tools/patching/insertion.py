"""Operations for `insert_node`: add a node and rewire the edge between two nodes through it."""

import copy
from typing import Any

from tools.patching.errors import EditError
from tools.patching.locate import find_node_index, node_ids
from tools.patching.values import contains_mask
from tools.redaction import SECRET_MASK, format_json_pointer


def insertion_operations(
    definition: dict[str, Any], new_node: dict[str, Any], between: tuple[str, str]
) -> list[dict[str, Any]]:
    """Build the operations that put `new_node` on every edge from `between[0]` to `between[1]`.

    `new_node` has `id`, `type`, `data` and, optionally, `position`; without a position the node
    is placed halfway between its neighbours when both have one.

    The patch pins each edge it removes with a `test`, adds the node at the end of `nodes`, removes
    the edges, then adds source -> new (keeping the old edge's handle and condition, so the node
    stays on the same branch) and new -> target.

    Raises:
        EditError: the id is in use, a node is missing, no edge joins the two nodes, or an edge or
            the new node's data contains a masked secret.
    """
    source, target = between
    _check_new_id(definition, new_node["id"])
    source_index = find_node_index(definition, source)
    target_index = find_node_index(definition, target)

    edges = definition.get("edges") if isinstance(definition.get("edges"), list) else []
    joined = [index for index, edge in enumerate(edges) if _joins(edge, source, target)]
    if not joined:
        raise _not_joined_error(edges, source, target)
    _check_no_masks(new_node, [edges[index] for index in joined])

    nodes = definition["nodes"]
    node_value = _node_value(new_node, nodes[source_index], nodes[target_index])
    tests = [_operation("test", ("edges", index), edges[index]) for index in joined]
    removals = [_operation("remove", ("edges", index)) for index in reversed(joined)]
    new_edges = _rewired_edges(edges, joined, new_node["id"])
    additions = [_operation("add", ("edges", "-"), edge) for edge in new_edges]
    return [*tests, _operation("add", ("nodes", "-"), node_value), *removals, *additions]


def _check_new_id(definition: dict[str, Any], node_id: str) -> None:
    if node_id in node_ids(definition):
        raise EditError(
            f"node id {node_id} already exists; choose an id that no node has",
            code="node_exists",
            node=node_id,
        )


def _joins(edge: Any, source: str, target: str) -> bool:
    return isinstance(edge, dict) and edge.get("source") == source and edge.get("target") == target


def _not_joined_error(edges: list[Any], source: str, target: str) -> EditError:
    targets = [edge.get("target") for edge in edges if isinstance(edge, dict) and edge.get("source") == source]
    if any(_joins(edge, target, source) for edge in edges):
        message = (
            f"no edge goes from {source} to {target}, but one goes from {target} to {source}; "
            f'write "between": ["{target}", "{source}"]'
        )
    elif targets:
        message = f"no edge goes from {source} to {target}; edges from {source} go to {', '.join(map(str, targets))}"
    else:
        message = f"no edge goes from {source} to {target}; {source} has no outgoing edges"
    return EditError(message, code="edge_not_found", node=source, details={"targets": targets})


def _check_no_masks(new_node: dict[str, Any], removed_edges: list[dict[str, Any]]) -> None:
    """Reject copying a masked secret, because the copy would carry the mask, not the user's value."""
    if contains_mask(new_node.get("data")):
        raise EditError(
            f"the data of node {new_node['id']} contains {SECRET_MASK}, the mask of a secret; "
            "reference a credential instead, such as {{ credential.NAME }}",
            code="masked_value",
            node=new_node["id"],
        )
    for edge in removed_edges:
        if contains_mask(edge):
            raise EditError(
                f"the edge from {edge.get('source')} to {edge.get('target')} contains a masked secret, "
                "and rewiring it would replace the user's value with the mask",
                code="masked_value",
                node=edge.get("source"),
            )


def _node_value(new_node: dict[str, Any], source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = {"id": new_node["id"], "type": new_node["type"]}
    position = new_node.get("position") or _midpoint(source, target)
    if position is not None:
        value["position"] = copy.deepcopy(position)
    value["data"] = copy.deepcopy(new_node.get("data", {}))
    return value


def _midpoint(source: dict[str, Any], target: dict[str, Any]) -> dict[str, float] | None:
    """Place the new node halfway between its neighbours, when both have a position."""
    points = [node.get("position") for node in (source, target)]
    if not all(isinstance(point, dict) for point in points):
        return None
    coordinates = [(point.get("x"), point.get("y")) for point in points]
    if not all(
        isinstance(number, int | float) and not isinstance(number, bool) for pair in coordinates for number in pair
    ):
        return None
    (x1, y1), (x2, y2) = coordinates
    return {"x": (x1 + x2) / 2, "y": (y1 + y2) / 2}


def _rewired_edges(edges: list[Any], joined: list[int], new_id: str) -> list[dict[str, Any]]:
    """Build source -> new for each removed edge's branch, then one new -> target edge."""
    source = edges[joined[0]]["source"]
    target = edges[joined[0]]["target"]
    used_ids = {edge.get("id") for edge in edges if isinstance(edge, dict)}

    branches: list[dict[str, Any]] = []
    for index in joined:
        extras = {key: value for key, value in edges[index].items() if key not in ("id", "source", "target")}
        if extras not in branches:
            branches.append(extras)

    rewired = [
        {"id": _fresh_id(f"e_{source}_{new_id}", used_ids), "source": source, "target": new_id, **copy.deepcopy(extras)}
        for extras in branches
    ]
    rewired.append({"id": _fresh_id(f"e_{new_id}_{target}", used_ids), "source": new_id, "target": target})
    return rewired


def _fresh_id(base: str, used_ids: set[Any]) -> str:
    candidate = base
    suffix = 2
    while candidate in used_ids:
        candidate = f"{base}_{suffix}"
        suffix += 1
    used_ids.add(candidate)
    return candidate


def _operation(op: str, keys: tuple[Any, ...], value: Any = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"op": op, "path": format_json_pointer(keys)}
    if op != "remove":
        operation["value"] = copy.deepcopy(value)
    return operation
