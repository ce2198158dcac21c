"""Find what an edit points at: the node by id, and the place inside its data that a path names.

The planners return a `Change` relative to the node (its keys start with `data`), so the caller can
put the node's index in front and pin what the change assumes.
"""

from dataclasses import dataclass
from typing import Any

from tools.expressions.errors import closest_match, list_keys
from tools.patching.errors import EditError
from tools.patching.paths import PathKey, format_data_path
from tools.patching.values import value_kind

MISSING: Any = object()


@dataclass(frozen=True)
class Change:
    """One add, replace or remove inside a node; `old` is the value replaced or removed, else MISSING."""

    op: str
    keys: tuple[PathKey, ...]
    value: Any = None
    old: Any = MISSING


def find_node_index(definition: dict[str, Any], node_id: str) -> int:
    """Return the index of the node with this id in `definition["nodes"]`.

    Raises:
        EditError: no node has this id; the message lists the ids and the closest one.
    """
    ids = node_ids(definition)
    if node_id in ids:
        return ids.index(node_id)

    closest = closest_match(node_id, ids)
    message = f"node {node_id!r} not found."
    if closest:
        message += f" Did you mean {closest}?"
    message += f" The workflow's nodes are: {list_keys(ids)}." if ids else " The workflow has no nodes."
    raise EditError(message, code="node_not_found", node=node_id, details={"nodes": ids, "closest": closest})


def node_ids(definition: dict[str, Any]) -> list[str]:
    """List the workflow's node ids in order; entries without a text id are skipped."""
    nodes = definition.get("nodes")
    if not isinstance(nodes, list):
        return []
    return [node["id"] for node in nodes if isinstance(node, dict) and isinstance(node.get("id"), str)]


def plan_set(node: dict[str, Any], keys: list[PathKey], value: Any) -> Change:
    """Plan `set` of one path: replace an existing value, add a missing key, or append to a list.

    Missing objects on the way are created (`retry.max_attempts` on a node without `retry` adds
    `retry` as `{"max_attempts": ...}`), but a missing list is not, because its index would be a guess.

    Raises:
        EditError: the path runs through a value that is not an object or a list, or an index is
            past the end of its list.
    """
    full = ("data", *keys)
    container: Any = node

    for depth in range(len(full) - 1):
        _check_container(node, container, full, depth)
        child = _child(container, full[depth])
        if child is MISSING and isinstance(container, dict):
            return _add_missing(node, full, depth, value)
        if child is MISSING:
            raise _index_error(node, full, depth, container, can_append=False)
        container = child

    return _set_last(node, container, full, value)


def plan_unset(node: dict[str, Any], keys: list[PathKey]) -> Change:
    """Plan `unset` of one path, which must exist.

    Raises:
        EditError: the path does not exist or runs through a value that is not an object or a list.
    """
    full = ("data", *keys)
    container: Any = node

    for depth in range(len(full)):
        _check_container(node, container, full, depth)
        child = _child(container, full[depth])
        if child is MISSING and isinstance(container, dict):
            raise _missing_key_error(node, full, depth, container)
        if child is MISSING:
            raise _index_error(node, full, depth, container, can_append=False)
        container = child

    return Change("remove", full, old=container)


def _child(container: Any, key: PathKey) -> Any:
    if isinstance(container, dict):
        return container.get(key, MISSING)
    if 0 <= key < len(container):
        return container[key]
    return MISSING


def _set_last(node: dict[str, Any], container: Any, full: tuple[PathKey, ...], value: Any) -> Change:
    depth = len(full) - 1
    _check_container(node, container, full, depth)
    key = full[depth]

    if isinstance(container, dict):
        if key in container:
            return Change("replace", full, value, old=container[key])
        return Change("add", full, value)
    if key < len(container):
        return Change("replace", full, value, old=container[key])
    if key == len(container):
        return Change("add", full, value)
    raise _index_error(node, full, depth, container, can_append=True)


def _add_missing(node: dict[str, Any], full: tuple[PathKey, ...], depth: int, value: Any) -> Change:
    """Add the first missing key with the rest of the path built as nested objects around the value."""
    rest = full[depth + 1 :]
    if any(isinstance(key, int) for key in rest):
        missing = _display(full[: depth + 1])
        raise EditError(
            f"{missing} does not exist on node {node.get('id')}, so {_display(full)} cannot be set; "
            f"set {missing} to the whole list instead",
            code="missing_key",
            node=node.get("id"),
            path=_display(full),
        )

    for key in reversed(rest):
        value = {key: value}
    return Change("add", full[: depth + 1], value)


def _check_container(node: dict[str, Any], container: Any, full: tuple[PathKey, ...], depth: int) -> None:
    """Raise unless `container` can hold the key at `depth`: an object for a name, a list for an index."""
    key = full[depth]
    expected_type = list if isinstance(key, int) else dict
    if isinstance(container, expected_type):
        return

    where = _display(full[:depth])
    message = f"{where} is {value_kind(container)}, not {'a list' if expected_type is list else 'an object'}"
    if isinstance(container, list):
        message += f"; use an index, such as {_display((*full[:depth], 0))}"
    elif isinstance(container, dict):
        keys = sorted(str(name) for name in container)
        message += f"; use one of its keys: {list_keys(keys)}" if keys else "; it has no keys yet"
    elif depth > 1:
        message += f"; set {where} to {'a list' if expected_type is list else 'an object'} instead"

    raise EditError(message, code="not_a_container", node=node.get("id"), path=_display(full))


def _missing_key_error(
    node: dict[str, Any], full: tuple[PathKey, ...], depth: int, container: dict[str, Any]
) -> EditError:
    node_id = node.get("id")
    if depth == 0:
        return EditError(f"node {node_id} has no data", code="missing_key", node=node_id, path=_display(full))

    keys = sorted(str(name) for name in container)
    closest = closest_match(str(full[depth]), keys)
    where = "its data" if depth == 1 else _display(full[:depth])
    message = f"{_display(full[: depth + 1])} does not exist on node {node_id}"
    message += f"; {where} has keys {list_keys(keys)}" if keys else f"; {where} is an empty object"
    if closest:
        message += f"; did you mean {_display((*full[:depth], closest))}?"
    return EditError(
        message,
        code="missing_key",
        node=node_id,
        path=_display(full),
        details={"available_keys": keys, "closest": closest},
    )


def _index_error(
    node: dict[str, Any], full: tuple[PathKey, ...], depth: int, container: list[Any], *, can_append: bool
) -> EditError:
    where = _display(full[:depth])
    size = len(container)
    if size == 0:
        state = f"{where} is an empty list"
        hint = f"; append with {where}[0]" if can_append else ""
    else:
        state = f"{where} has {'1 item' if size == 1 else f'{size} items'}"
        hint = "; use index 0" if size == 1 else f"; use an index from 0 to {size - 1}"
        hint += f", or {size} to append" if can_append else ""
    return EditError(
        f"{_display(full[: depth + 1])} is out of range: {state}{hint}",
        code="index_out_of_range",
        node=node.get("id"),
        path=_display(full),
        details={"length": size},
    )


def _display(full: tuple[PathKey, ...]) -> str:
    """Write node-relative keys as the model wrote them, relative to `data`."""
    if len(full) <= 1:
        return "the node's data"
    return format_data_path(full[1:])
