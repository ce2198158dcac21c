"""The model's edit language, turned into RFC 6902 patches by the server.

Models get array indexes and patch syntax wrong far more often than node ids, so the model writes
edits that name a node and a path inside its `data`, and `build_patch` writes the patch:

    {"node": "send_invoice", "set": {"config.to[0]": "{{ fetch_customer.body.email }}"}}
    {"node": "send_invoice", "unset": ["onError"]}
    {"insert_node": {"id": "wait_for_quota", "type": "logic_delay", "data": {...}},
     "between": ["fetch_customer", "send_invoice"]}

Each edit's operations start with `test` operations that pin what the edit assumes: the node's
id at its index and the old value of each path it replaces or removes. An added key pins only the
node's id, because RFC 6902 cannot test that a key is absent. A masked secret (a value containing
`[REDACTED]`) is never pinned, written, replaced or removed: a client applying the patch to its
own copy, which contains the real value, must keep that value.
"""

import copy
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tools.expressions.errors import closest_match
from tools.formats.workflow import NODE_ID_PATTERN, NODE_TYPES, TRIGGER_TYPES, Position
from tools.patching.apply import apply_operation, apply_patch
from tools.patching.errors import EditError
from tools.patching.insertion import insertion_operations
from tools.patching.locate import MISSING, Change, find_node_index, plan_set, plan_unset
from tools.patching.paths import PathKey, parse_data_path
from tools.patching.values import contains_mask, value_kind
from tools.redaction import SECRET_MASK, format_json_pointer

_ACTIONS = ("set", "unset", "insert_node")


class SetEdit(BaseModel):
    """Set values in one node's data; each key of `set` is a data path such as `config.to[0]`."""

    model_config = ConfigDict(extra="forbid")

    node: str = Field(min_length=1)
    set: dict[str, Any] = Field(min_length=1)

    def targets(self) -> list[tuple[str, list[PathKey], Any]]:
        """List (path as written, parsed keys, value) in the order the edit gives them."""
        return [(text, _parse_path(text, self.node), value) for text, value in self.set.items()]


class UnsetEdit(BaseModel):
    """Remove keys or list items from one node's data, each named by a data path."""

    model_config = ConfigDict(extra="forbid")

    node: str = Field(min_length=1)
    unset: list[str] = Field(min_length=1)

    def targets(self) -> list[tuple[str, list[PathKey], Any]]:
        """List (path as written, parsed keys, None) in the order the edit gives them."""
        return [(text, _parse_path(text, self.node), None) for text in self.unset]


class NewNode(BaseModel):
    """A node that `insert_node` adds."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    data: dict[str, Any] = Field(default_factory=dict)
    position: Position | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not re.fullmatch(NODE_ID_PATTERN, value):
            raise ValueError(f"node id {value!r} is invalid: use only letters, digits, _ and -")
        return value

    @field_validator("type")
    @classmethod
    def _check_type(cls, value: str) -> str:
        if value in TRIGGER_TYPES:
            raise ValueError(f"{value} is a trigger, which starts a workflow and cannot sit between two nodes")
        if value not in NODE_TYPES:
            closest = closest_match(value, NODE_TYPES)
            hint = f"did you mean {closest}? " if closest else ""
            known = ", ".join(node_type for node_type in NODE_TYPES if node_type not in TRIGGER_TYPES)
            raise ValueError(f"unknown node type {value!r}; {hint}use one of: {known}")
        return value


class InsertNodeEdit(BaseModel):
    """Add a node on the edge from `between[0]` to `between[1]`."""

    model_config = ConfigDict(extra="forbid")

    insert_node: NewNode
    between: tuple[str, str]

    @field_validator("between", mode="before")
    @classmethod
    def _check_between(cls, value: Any) -> Any:
        names_two = isinstance(value, list | tuple) and len(value) == 2
        if not names_two or not all(isinstance(node_id, str) and node_id for node_id in value):
            raise ValueError("between names the two node ids an edge joins: [source, target]")
        if value[0] == value[1]:
            raise ValueError(f"between names {value[0]} twice; name the source and the target of one edge")
        return value


Edit = SetEdit | UnsetEdit | InsertNodeEdit

_MODELS: dict[str, type[SetEdit] | type[UnsetEdit] | type[InsertNodeEdit]] = {
    "set": SetEdit,
    "unset": UnsetEdit,
    "insert_node": InsertNodeEdit,
}


def parse_edit(obj: Any) -> Edit:
    """Validate one edit and parse its paths.

    Raises:
        EditError: the edit has the wrong shape or a path does not parse; the message names what to fix.
    """
    if not isinstance(obj, dict):
        raise EditError(f"an edit is an object with one of {', '.join(_ACTIONS)}; got {value_kind(obj)}")

    actions = [action for action in _ACTIONS if action in obj]
    if len(actions) != 1:
        found = ", ".join(actions) if actions else f"only {', '.join(map(str, obj)) or 'no keys'}"
        raise EditError(f"an edit has exactly one of {', '.join(_ACTIONS)}, found {found}; write one edit per change")

    try:
        edit = _MODELS[actions[0]].model_validate(obj)
    except ValidationError as error:
        node = obj.get("node") if isinstance(obj.get("node"), str) else None
        raise EditError(_validation_message(error, actions[0]), node=node) from error

    if not isinstance(edit, InsertNodeEdit):
        edit.targets()
    return edit


def build_patch(definition: dict[str, Any], edits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn edits into one RFC 6902 patch, each edit's `test` operations before its changes.

    Edits apply in order to a working copy, so a later edit works on what the earlier ones did. The
    definition itself is not changed.

    Raises:
        EditError: an edit is invalid or does not fit the workflow; `edit_index` is its place in `edits`.
    """
    if not isinstance(edits, list):
        raise EditError(f"edits is a list of edit objects, got {value_kind(edits)}")

    working = copy.deepcopy(definition)
    patch: list[dict[str, Any]] = []
    for index, raw in enumerate(edits):
        try:
            operations = _edit_operations(working, parse_edit(raw))
        except EditError as error:
            error.edit_index = index
            raise
        # Applying each edit with its pins also proves the pins hold on the state it was built from.
        working = apply_patch(working, operations)
        patch.extend(operations)
    return patch


def _edit_operations(definition: dict[str, Any], edit: Edit) -> list[dict[str, Any]]:
    if isinstance(edit, InsertNodeEdit):
        new_node = edit.insert_node.model_dump(exclude_none=True)
        return insertion_operations(definition, new_node, edit.between)
    return _node_edit_operations(definition, edit)


def _node_edit_operations(definition: dict[str, Any], edit: SetEdit | UnsetEdit) -> list[dict[str, Any]]:
    """Plan each path of a set or unset edit on a scratch copy of the node, pinning start values."""
    index = find_node_index(definition, edit.node)
    start = definition["nodes"][index]
    scratch = copy.deepcopy(start)
    prefix = ("nodes", index)

    tests = [_operation("test", (*prefix, "id"), edit.node)]
    changes: list[dict[str, Any]] = []
    footprints: list[tuple[PathKey, ...]] = []

    for text, keys, value in edit.targets():
        change = _plan_change(scratch, edit, text, keys, value)
        pinned = _pinned_value(start, change, footprints)
        if pinned is not MISSING:
            tests.append(_operation("test", (*prefix, *change.keys), pinned))

        scratch = apply_operation(scratch, _operation(change.op, change.keys, change.value))
        footprints.append(_footprint(change))
        changes.append(_operation(change.op, (*prefix, *change.keys), change.value))

    return tests + changes


def _plan_change(node: dict[str, Any], edit: SetEdit | UnsetEdit, text: str, keys: list[PathKey], value: Any) -> Change:
    try:
        if isinstance(edit, SetEdit):
            _check_written_value(text, value)
            change = plan_set(node, keys, value)
        else:
            change = plan_unset(node, keys)
        _check_old_value(text, change)
    except EditError as error:
        error.node = edit.node
        error.path = text
        raise
    return change


def _check_written_value(text: str, value: Any) -> None:
    if contains_mask(value):
        raise EditError(
            f"the value for {text} contains {SECRET_MASK}, the mask of a secret; writing it would replace "
            "the user's value with the mask. Reference a credential instead, such as {{ credential.NAME }}",
            code="masked_value",
        )


def _check_old_value(text: str, change: Change) -> None:
    if change.op in ("replace", "remove") and contains_mask(change.old):
        verb = "removing" if change.op == "remove" else "replacing"
        raise EditError(
            f"{text} contains a masked secret ({SECRET_MASK}); {verb} it would destroy the user's secret. "
            "Leave it unchanged: the user must move it into a credential",
            code="masked_value",
        )


def _pinned_value(start: dict[str, Any], change: Change, footprints: list[tuple[PathKey, ...]]) -> Any:
    """Return the start value a `test` should pin for a change, or MISSING when none is pinned.

    Tests run before the edit's changes, so they must hold on the node as it was at the start of
    the edit. A path under an earlier change of the same edit, or under a list whose indexes an
    earlier change shifted, has no start value to pin. An ancestor of such a path still has its
    start value at the same place, so it is pinned.
    """
    if change.op == "add":
        return MISSING
    if any(change.keys[: len(footprint)] == footprint for footprint in footprints):
        return MISSING

    value = _value_at(start, change.keys)
    if value is MISSING or contains_mask(value):
        return MISSING
    return value


def _footprint(change: Change) -> tuple[PathKey, ...]:
    """Name what a change makes stale: its path, or the whole list when indexes shift."""
    shifts_list = change.op in ("add", "remove") and isinstance(change.keys[-1], int)
    return change.keys[:-1] if shifts_list else change.keys


def _value_at(value: Any, keys: tuple[PathKey, ...]) -> Any:
    for key in keys:
        if not _has_key(value, key):
            return MISSING
        value = value[key]
    return value


def _has_key(container: Any, key: PathKey) -> bool:
    if isinstance(container, dict):
        return isinstance(key, str) and key in container
    if isinstance(container, list):
        return isinstance(key, int) and 0 <= key < len(container)
    return False


def _operation(
    op: Literal["test", "add", "replace", "remove"], keys: tuple[PathKey, ...], value: Any = None
) -> dict[str, Any]:
    operation: dict[str, Any] = {"op": op, "path": format_json_pointer(keys)}
    if op != "remove":
        operation["value"] = copy.deepcopy(value)
    return operation


def _parse_path(text: str, node: str) -> list[PathKey]:
    try:
        return parse_data_path(text)
    except EditError as error:
        error.node = node
        raise


def _validation_message(error: ValidationError, action: str) -> str:
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "the edit"
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{location}: {message}")
    return f"invalid {action} edit: " + "; ".join(problems)
