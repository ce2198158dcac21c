"""Apply RFC 6902 patches to workflow definitions with the jsonpatch package, and describe them."""

import copy
from typing import Any

import jsonpatch
from jsonpointer import JsonPointerException, resolve_pointer

from tools.patching.pointers import display_tokens, node_index, pointer_tokens
from tools.patching.values import preview

_ABSENT: Any = object()


class PatchError(Exception):
    """A patch that cannot be applied.

    `op_index` is the 0-based place of the failing operation, or None when the patch as a whole is
    malformed; `path` is that operation's path.
    """

    def __init__(self, message: str, *, op_index: int | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.op_index = op_index
        self.path = path

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """Serialize the error as JSON-ready data."""
        return {"code": "patch_error", "message": self.message, "op_index": self.op_index, "path": self.path}


class PatchConflict(PatchError):
    """A `test` operation that failed, because the workflow changed since the patch was made.

    `expected` is the value the patch pinned and `actual` the path's value now. `found` is False
    when the path no longer exists, and then `actual` is None.
    """

    def __init__(self, message: str, *, op_index: int, path: str, expected: Any, actual: Any, found: bool) -> None:
        super().__init__(message, op_index=op_index, path=path)
        self.expected = expected
        self.actual = actual
        self.found = found

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "code": "patch_conflict",
            "expected": self.expected,
            "actual": self.actual,
            "found": self.found,
        }


def apply_patch(definition: dict[str, Any], patch: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply a patch to a deep copy of a definition and return the copy; the input is not changed.

    Raises:
        PatchConflict: a `test` operation failed.
        PatchError: the patch is malformed or another operation failed.
    """
    if not isinstance(patch, list):
        raise PatchError(f"a patch is a list of operations, got {type(patch).__name__}")

    document: Any = copy.deepcopy(definition)
    for index, operation in enumerate(patch):
        document = apply_operation(document, operation, index=index)
    return document


def apply_operation(document: Any, operation: dict[str, Any], *, index: int = 0) -> Any:
    """Apply one operation to `document` in place and return the document.

    The returned object is a new one only when the operation replaces the whole document
    (path ""). `index` is the operation's place in its patch, for error messages.

    Raises:
        PatchConflict: a `test` operation failed.
        PatchError: the operation is malformed or failed.
    """
    _check_operation_shape(operation, index)
    try:
        return jsonpatch.JsonPatch([operation]).apply(document, in_place=True)
    except jsonpatch.JsonPatchTestFailed as error:
        raise _conflict(document, operation, index) from error
    except (jsonpatch.JsonPatchException, JsonPointerException) as error:
        message = f"operation {index} ({operation['op']} {operation['path']}) failed: {error}"
        raise PatchError(message, op_index=index, path=operation["path"]) from error


def describe_patch(patch: list[dict[str, Any]]) -> list[str]:
    """Write one short line per change of a patch, naming nodes by id where the patch pins them.

    `test` operations are preconditions and get no line. A node index is named by the id that an
    earlier `test` of `/nodes/<i>/id` pins; without one it reads `node <i>`.
    """
    pinned_nodes: dict[int, str] = {}
    pinned_edges: dict[int, dict[str, Any]] = {}
    lines = []

    for operation in patch:
        if not isinstance(operation, dict):
            lines.append(f"invalid operation {preview(operation)}")
            continue
        if operation.get("op") == "test":
            _remember_pin(operation, pinned_nodes, pinned_edges)
            continue
        lines.append(_describe_operation(operation, pinned_nodes, pinned_edges))
    return lines


def _check_operation_shape(operation: Any, index: int) -> None:
    if not isinstance(operation, dict):
        raise PatchError(f"operation {index} is {preview(operation)}, not an object", op_index=index)
    for member in ("op", "path"):
        if not isinstance(operation.get(member), str):
            raise PatchError(f"operation {index} has no text {member!r} member: {preview(operation)}", op_index=index)


def _conflict(document: Any, operation: dict[str, Any], index: int) -> PatchConflict:
    path = operation["path"]
    expected = operation.get("value")
    try:
        actual = resolve_pointer(document, path, _ABSENT)
    except JsonPointerException:
        actual = _ABSENT

    prefix = f"test operation {index} failed, because the workflow changed since the patch was made"
    if actual is _ABSENT:
        message = f"{prefix}: {path} no longer exists; expected {preview(expected)}"
        return PatchConflict(message, op_index=index, path=path, expected=expected, actual=None, found=False)

    message = f"{prefix}: {path} is now {preview(actual)}; expected {preview(expected)}"
    return PatchConflict(message, op_index=index, path=path, expected=expected, actual=actual, found=True)


def _remember_pin(operation: dict[str, Any], nodes: dict[int, str], edges: dict[int, dict[str, Any]]) -> None:
    try:
        tokens = pointer_tokens(operation.get("path"))
    except ValueError:
        return
    value = operation.get("value")
    if len(tokens) == 3 and tokens[0] == "nodes" and tokens[1].isdigit() and tokens[2] == "id":
        nodes[int(tokens[1])] = str(value)
    elif len(tokens) == 2 and tokens[0] == "edges" and tokens[1].isdigit() and isinstance(value, dict):
        edges[int(tokens[1])] = value


def _describe_operation(operation: dict[str, Any], nodes: dict[int, str], edges: dict[int, dict[str, Any]]) -> str:
    op = operation.get("op")
    path = operation.get("path")
    try:
        tokens = pointer_tokens(path)
    except ValueError:
        return f"{op} {path}"

    if tokens[:1] == ["nodes"]:
        return _describe_node_operation(operation, tokens, nodes)
    if tokens[:1] == ["edges"]:
        return _describe_edge_operation(operation, tokens, edges)
    if tokens[:1] == ["settings"] and op in ("add", "replace", "remove"):
        return "settings: " + _describe_change(op, display_tokens(tokens[1:]) or "all", operation.get("value"))

    source = f" from {operation.get('from')}" if op in ("move", "copy") else ""
    return f"{op} {path}{source}"


def _describe_node_operation(operation: dict[str, Any], tokens: list[str], nodes: dict[int, str]) -> str:
    op = operation.get("op")
    value = operation.get("value")
    if tokens == ["nodes", "-"] and op == "add" and isinstance(value, dict):
        return f"add node {value.get('id')} ({value.get('type')})"

    index = node_index(tokens)
    if index is None or op not in ("add", "replace", "remove"):
        return f"{op} {operation.get('path')}"

    label = nodes.get(index, f"node {index}")
    if len(tokens) == 2:
        return f"{op} node {label}"
    where = display_tokens(tokens[3:]) if tokens[2] == "data" else display_tokens(tokens[2:])
    return f"{label}: " + _describe_change(op, where or "data", value)


def _describe_edge_operation(operation: dict[str, Any], tokens: list[str], edges: dict[int, dict[str, Any]]) -> str:
    op = operation.get("op")
    value = operation.get("value")
    if op == "add" and len(tokens) == 2 and isinstance(value, dict):
        return f"add edge {value.get('source')} -> {value.get('target')}"
    if op == "remove" and len(tokens) == 2 and tokens[1].isdigit():
        pinned = edges.get(int(tokens[1]))
        if pinned:
            return f"remove edge {pinned.get('source')} -> {pinned.get('target')}"
        return f"remove edge {tokens[1]}"
    return f"{op} {operation.get('path')}"


def _describe_change(op: str, where: str, value: Any) -> str:
    if op == "remove":
        return f"remove {where}"
    if op == "add":
        return f"add {where}: {preview(value, 60)}"
    return f"set {where} to {preview(value, 60)}"
