"""Path resolution outside the fast dict lookup, and the errors a broken path raises.

Resolution rules: `trigger`, `env`, `credential`, `workflow` and `execution` read the context key
of that name, and an absent one reads as an empty object. `nodes` reads the context's `nodes`
mapping. Any other bare name is a node id looked up in `nodes`. Only when no node has that id is it
read as a top-level key of the context, so replay can pass extra roots without shadowing a node.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tools.expressions.errors import (
    ExpressionTypeError,
    MissingPathError,
    closest_match,
    describe_value,
    list_keys,
)
from tools.expressions.pathtext import format_path_key
from tools.expressions.values import is_list, is_number, js_number_text

if TYPE_CHECKING:
    from tools.expressions.syntax_tree import Path, Scope

ROOT_RESERVED = "reserved"
ROOT_NODES = "nodes"
ROOT_NAME = "name"
ROOT_EXPRESSION = "expression"

MISSING: Any = object()
_EMPTY_ROOT: Mapping[str, Any] = {}


def resolve_root(path: "Path", scope: "Scope") -> Any:
    """Find the value a path starts from."""
    kind = path.kind
    if kind == ROOT_NAME:
        return _resolve_name(path, scope)
    if kind == ROOT_RESERVED:
        return scope.context.get(path.name, _EMPTY_ROOT)
    if kind == ROOT_NODES:
        return scope.nodes
    return path.base.evaluate(scope)


def step(path: "Path", scope: "Scope", value: Any, key: Any, index: int) -> Any:
    """Read `key` from `value` at step `index` of `path`, or raise an error that explains why not.

    Returns None where JavaScript gives undefined and the path is lenient: a missing last key or
    index.
    """
    if path.kind == ROOT_NODES and index == 0:
        return _select_node(path, scope, key)
    if value is None:
        raise _null_error(path, scope, key, index)
    if isinstance(value, Mapping):
        return _read_object(path, scope, value, key, index)
    if is_list(value):
        return _read_list(path, scope, value, key, index)
    if isinstance(value, str):
        return _read_text(path, scope, value, key, index)
    raise _not_an_object_error(path, scope, value, key, index)


def _resolve_name(path: "Path", scope: "Scope") -> Any:
    value = scope.nodes.get(path.name, MISSING)
    if value is MISSING:
        value = scope.context.get(path.name, MISSING)
    if value is not MISSING:
        return value
    if path.lenient and not path.segments:
        return None
    raise _unknown_node_error(path, scope, path.name)


def _select_node(path: "Path", scope: "Scope", key: Any) -> Any:
    node_id = _object_key(path, scope, key, 0)
    value = scope.nodes.get(node_id, MISSING)
    if value is not MISSING:
        return value
    if path.lenient and len(path.segments) == 1:
        return None
    raise _unknown_node_error(path, scope, node_id)


def _read_object(path: "Path", scope: "Scope", value: Mapping[Any, Any], key: Any, index: int) -> Any:
    name = _object_key(path, scope, key, index)
    try:
        return value[name]
    except KeyError:
        pass
    if path.lenient and index == len(path.segments) - 1:
        return None
    raise _missing_key_error(path, scope, value, name, index)


def _read_list(path: "Path", scope: "Scope", value: list[Any] | tuple[Any, ...], key: Any, index: int) -> Any:
    if key == "length":
        return len(value)
    position = _list_index(key)
    if position is None:
        if isinstance(key, str):
            raise _not_an_object_error(path, scope, value, key, index)
        raise _key_type_error(path, scope, key, index, "an index, a whole number")
    if 0 <= position < len(value):
        return value[position]
    if path.lenient and index == len(path.segments) - 1:
        return None
    raise _out_of_range_error(path, scope, position, len(value), index, "a list")


def _read_text(path: "Path", scope: "Scope", value: str, key: Any, index: int) -> Any:
    if key == "length":
        return len(value)
    position = _list_index(key)
    if position is None:
        raise _not_an_object_error(path, scope, value, key, index)
    if 0 <= position < len(value):
        return value[position]
    raise _out_of_range_error(path, scope, position, len(value), index, "text")


def _object_key(path: "Path", scope: "Scope", key: Any, index: int) -> str:
    # JavaScript converts a number key to its text: obj[1] reads obj["1"].
    if isinstance(key, str):
        return key
    if is_number(key):
        return js_number_text(key)
    raise _key_type_error(path, scope, key, index, "text or a number")


def _list_index(key: Any) -> int | None:
    if is_number(key):
        return int(key) if float(key).is_integer() else None
    if isinstance(key, str) and key.isdigit() and key.isascii() and (key == "0" or not key.startswith("0")):
        return int(key)
    return None


def _origin(path: "Path", scope: "Scope", index: int) -> tuple[str | None, str | None]:
    """Return the root a path reads from and the node id it points into, for an error at `index`."""
    if path.kind == ROOT_RESERVED:
        return path.name, None
    if path.kind == ROOT_NAME:
        if path.name in scope.nodes:
            return "nodes", path.name
        return path.name, None
    if path.kind == ROOT_NODES:
        first = path.segments[0] if path.segments and index > 0 else None
        if first is None:
            return "nodes", None
        key = first.key if first.key_node is None else first.key_node.evaluate(scope)
        return "nodes", str(key)
    return None, None


def _at_path(path: "Path", scope: "Scope", index: int) -> str:
    """Write the path up to step `index`, with computed keys replaced by their values."""
    parts = [path.root_text]
    for segment in path.segments[:index]:
        if segment.key_node is None:
            parts.append(segment.text)
            continue
        key = segment.key_node.evaluate(scope)
        parts.append(format_path_key(key if isinstance(key, int | str) else str(key)))
    return "".join(parts)


def _node_note(node: str | None) -> str:
    return f" (node {node})" if node else ""


def _missing_key_error(
    path: "Path", scope: "Scope", value: Mapping[Any, Any], key: str, index: int
) -> MissingPathError:
    root, node = _origin(path, scope, index)
    at_path = _at_path(path, scope, index)
    keys = sorted(str(name) for name in value)
    closest = closest_match(key, keys)

    keys_text = f"keys there: {list_keys(keys)}" if keys else f"{at_path} is an empty object"
    suggestion = f'; did you mean "{closest}"?' if closest else ""
    message = f'{path.text}: no key "{key}" in {at_path}{_node_note(node)}; {keys_text}{suggestion}'
    return MissingPathError(
        message,
        path=path.text,
        root=root,
        node=node,
        missing_key=key,
        at_path=at_path,
        available_keys=keys,
        closest=closest,
        reason="missing_key",
    )


def _out_of_range_error(
    path: "Path", scope: "Scope", position: int, length: int, index: int, noun: str
) -> MissingPathError:
    root, node = _origin(path, scope, index)
    at_path = _at_path(path, scope, index)
    if length == 0:
        size = f"{noun} of length 0"
    elif length == 1:
        size = f"{noun} of length 1, so the only index is 0"
    else:
        size = f"{noun} of length {length}, so indexes run from 0 to {length - 1}"

    message = f"{path.text}: index {position} is out of range, {at_path}{_node_note(node)} is {size}"
    return MissingPathError(
        message,
        path=path.text,
        root=root,
        node=node,
        missing_key=position,
        at_path=at_path,
        available_keys=[],
        closest=None,
        reason="index_out_of_range",
        length=length,
    )


def _null_error(path: "Path", scope: "Scope", key: Any, index: int) -> MissingPathError:
    root, node = _origin(path, scope, index)
    at_path = _at_path(path, scope, index)
    message = f"{path.text}: {at_path} is null{_node_note(node)}, cannot read {_key_phrase(key)}"
    return MissingPathError(
        message,
        path=path.text,
        root=root,
        node=node,
        missing_key=_reported_key(key),
        at_path=at_path,
        available_keys=[],
        closest=None,
        reason="null",
    )


def _not_an_object_error(path: "Path", scope: "Scope", value: Any, key: Any, index: int) -> MissingPathError:
    root, node = _origin(path, scope, index)
    at_path = _at_path(path, scope, index)
    message = (
        f"{path.text}: {at_path} is {describe_value(value)}{_node_note(node)}, cannot read {_key_phrase(key)}"
    )
    if is_list(value) and value:
        rest = "".join(segment.text for segment in path.segments[index:])
        message += f"; to read it from an item, index the list first, as in {at_path}[0]{rest}"
    return MissingPathError(
        message,
        path=path.text,
        root=root,
        node=node,
        missing_key=_reported_key(key),
        at_path=at_path,
        available_keys=[],
        closest=None,
        reason="not_an_object",
        length=len(value) if is_list(value) or isinstance(value, str) else None,
    )


def _unknown_node_error(path: "Path", scope: "Scope", node_id: str) -> MissingPathError:
    node_ids = sorted(str(name) for name in scope.nodes)
    closest = _hyphenated_node(node_id, node_ids) or closest_match(node_id, node_ids)

    listing = f"; nodes there: {list_keys(node_ids)}" if node_ids else "; no node has output yet"
    suggestion = f'; did you mean "{closest}"?' if closest else ""
    if closest and "-" in closest:
        suggestion += f" An id with \"-\" must be written as nodes['{closest}']"
    message = (
        f'{path.text}: no node "{node_id}" in the run context (no node has that id, or it was skipped '
        f"or has not run yet){listing}{suggestion}"
    )
    return MissingPathError(
        message,
        path=path.text,
        root="nodes",
        node=node_id,
        missing_key=node_id,
        at_path="nodes",
        available_keys=node_ids,
        closest=closest,
        reason="unknown_node",
    )


def _hyphenated_node(name: str, node_ids: list[str]) -> str | None:
    # `fetch-customer.body` parses as `fetch - customer.body`, so the name seen is one part of the id.
    for node_id in node_ids:
        if node_id.startswith(f"{name}-") or node_id.endswith(f"-{name}"):
            return node_id
    return None


def _key_type_error(path: "Path", scope: "Scope", key: Any, index: int, expected: str) -> ExpressionTypeError:
    at_path = _at_path(path, scope, index)
    got = describe_value(key)
    return ExpressionTypeError(
        f"{path.text}: cannot read {got} from {at_path}, a key must be {expected}",
        expected=expected,
        got=got,
    )


def _key_phrase(key: Any) -> str:
    if isinstance(key, str):
        return f'"{key}"'
    if is_number(key):
        return f"index {js_number_text(key)}"
    return describe_value(key)


def _reported_key(key: Any) -> str | int:
    if isinstance(key, str) or (is_number(key) and isinstance(key, int)):
        return key
    return str(key)
