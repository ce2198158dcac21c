"""Node-by-node differences between two executions of one workflow, to explain "it worked yesterday".

Outputs are compared by shape, not value: which key paths exist and what type each contains. A
list is compared by the shape of its first element. Paths are dotted, and a list's first element
is `[0]`. A key that is not an identifier is written in brackets as a JSON string
(`headers["X-Api-Key"]`). The output itself is the empty path.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tools.formats import Execution, ExecutionNode
from tools.time_travel import as_execution, ordered_records

DEFAULT_MAX_DEPTH = 6
MAX_CHANGES_PER_LINE = 6
LIST_NOTE = "lists are compared by the shape of their first element"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEGMENT = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def type_name(value: Any) -> str:
    """Name a JSON value's type: object, list, text, number, boolean or null.

    Raises:
        TypeError: the value is not JSON data.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    raise TypeError(f"expected JSON data, got a {type(value).__name__}")


def shape_of(value: Any, max_depth: int = DEFAULT_MAX_DEPTH) -> dict[str, str]:
    """Map each key path of a JSON value to its type name, down to `max_depth` segments.

    The value itself is the empty path. A list contributes its first element as `[0]`, so an
    empty list has no element paths.
    """
    return {path: kind for path, kind, _ in _walk(value, "", 0, max_depth)}


def child_path(parent: str, key: Any) -> str:
    """Extend a path by one object key, bracketing and quoting a key that is not an identifier."""
    text = str(key)
    if _IDENTIFIER.fullmatch(text):
        return f"{parent}.{text}" if parent else text
    return f"{parent}[{json.dumps(text, ensure_ascii=False)}]"


def split_path(path: str) -> list[str | int]:
    """Split a path written by `shape_of` into its keys and list indexes.

    Raises:
        ValueError: the path is not in that form.
    """
    segments: list[str | int] = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        dotted = match is not None and match.group(0).startswith(".")
        if match is None or dotted != (position > 0 and match.group(1) is not None):
            raise ValueError(f'invalid key path {path!r} at character {position}: expected .key, [index] or ["key"]')
        name, index, quoted = match.groups()
        if name is not None:
            segments.append(name)
        elif index is not None:
            segments.append(int(index))
        else:
            segments.append(json.loads(quoted))
        position = match.end()
    return segments


def moved_keys(removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """Pair each removed path with an added path that ends in the same key, such as body.email with body.contact.email.

    Each added path is used once. Among several candidates the one sharing the longest leading
    part with the removed path wins, then the one closest in depth, then the first. When an
    object moves, its children move with it and are not listed again. Pairs follow the order of
    `removed`.

    Raises:
        ValueError: a path is not in the form `shape_of` writes.
    """
    removed_segments = [split_path(path) for path in removed]
    added_segments = [split_path(path) for path in added]
    used: set[int] = set()
    pairs: dict[int, tuple[str, str]] = {}
    moved_parents: list[tuple[list[str | int], list[str | int]]] = []

    # Parents are paired first, so their children can be recognised as part of the same move.
    for index in sorted(range(len(removed)), key=lambda position: len(removed_segments[position])):
        segments = removed_segments[index]
        if _consume_child_of_move(segments, moved_parents, added_segments, used):
            continue

        match = _best_candidate(segments, added_segments, used)
        if match is not None:
            used.add(match)
            pairs[index] = (removed[index], added[match])
            moved_parents.append((segments, added_segments[match]))
    return [pairs[index] for index in sorted(pairs)]


def _consume_child_of_move(
    segments: list[str | int],
    moved_parents: list[tuple[list[str | int], list[str | int]]],
    added_segments: list[list[str | int]],
    used: set[int],
) -> bool:
    for old_parent, new_parent in moved_parents:
        if len(segments) > len(old_parent) and segments[: len(old_parent)] == old_parent:
            moved = new_parent + segments[len(old_parent) :]
            for index, candidate in enumerate(added_segments):
                if index not in used and candidate == moved:
                    used.add(index)
                    return True
    return False


def _best_candidate(segments: list[str | int], added_segments: list[list[str | int]], used: set[int]) -> int | None:
    if not segments or not isinstance(segments[-1], str):
        return None

    candidates = [
        index
        for index, candidate in enumerate(added_segments)
        if index not in used and candidate and candidate[-1] == segments[-1] and candidate != segments
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda index: (
            -_common_prefix_length(segments, added_segments[index]),
            abs(len(added_segments[index]) - len(segments)),
            index,
        ),
    )


def _common_prefix_length(first: list[str | int], second: list[str | int]) -> int:
    length = 0
    for left, right in zip(first, second, strict=False):
        if left != right:
            break
        length += 1
    return length


@dataclass(frozen=True)
class OutputDiff:
    """Shape changes of one node's output between two runs, as key paths with their type names."""

    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    type_changed: list[tuple[str, str, str]] = field(default_factory=list)
    emptied_lists: list[tuple[str, str]] = field(default_factory=list)
    values_changed: int = 0
    compared_lists: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.type_changed or self.emptied_lists)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [{"path": path, "type": kind} for path, kind in self.added],
            "removed": [{"path": path, "type": kind} for path, kind in self.removed],
            "type_changed": [{"path": path, "before": old, "after": new} for path, old, new in self.type_changed],
            "emptied_lists": [{"path": path, "empty_in": side} for path, side in self.emptied_lists],
            "values_changed": self.values_changed,
        }


@dataclass(frozen=True)
class NodeDiff:
    """One node across two runs: its status in each (None where it has no record) and its output's shape.

    `output` is None when the outputs were not compared: the node has a record in one run only,
    or it recorded no output in a run where it did not complete.
    """

    node_id: str
    status_before: str | None
    status_after: str | None
    output: OutputDiff | None = None

    @property
    def only_in(self) -> str | None:
        if self.status_before is None:
            return "after"
        if self.status_after is None:
            return "before"
        return None

    @property
    def changed(self) -> bool:
        return self.status_before != self.status_after or (self.output is not None and self.output.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "status_before": self.status_before,
            "status_after": self.status_after,
            "only_in": self.only_in,
            "output": self.output.to_dict() if self.output is not None else None,
        }


@dataclass(frozen=True)
class ExecutionDiff:
    """The node-by-node differences between two executions of one workflow."""

    workflow_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    nodes: list[NodeDiff]

    @property
    def only_in_before(self) -> list[str]:
        return [node.node_id for node in self.nodes if node.only_in == "before"]

    @property
    def only_in_after(self) -> list[str]:
        return [node.node_id for node in self.nodes if node.only_in == "after"]

    def node(self, node_id: str) -> NodeDiff | None:
        """Find a node's differences by its id, or None."""
        return next((node for node in self.nodes if node.node_id == node_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "before": self.before,
            "after": self.after,
            "nodes": [node.to_dict() for node in self.nodes],
            "only_in_before": self.only_in_before,
            "only_in_after": self.only_in_after,
            "notes": [LIST_NOTE],
        }

    def summary(self) -> list[str]:
        """Describe each difference in one short line, such as `fetch_customer: completed -> failed`."""
        lines = []
        if self.before["workflow_version"] != self.after["workflow_version"]:
            lines.append(f"workflow version {self.before['workflow_version']} -> {self.after['workflow_version']}")
        for node in self.nodes:
            lines += _node_lines(node, self.before["execution_id"], self.after["execution_id"])

        if not lines:
            return ["no node changed its status or the shape of its output"]
        if any(node.output is not None and node.output.compared_lists and node.output.changed for node in self.nodes):
            lines.append(f"note: {LIST_NOTE}")
        return lines


def diff_executions(
    before: Execution | Mapping[str, Any],
    after: Execution | Mapping[str, Any],
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ExecutionDiff:
    """Compare two executions of one workflow node by node: statuses, and output shapes down to `max_depth`.

    Nodes are listed in the order `before` recorded them, then those only `after` recorded. A
    node recorded more than once counts with its last record.

    Raises:
        ValueError: the executions ran different workflows.
    """
    earlier = as_execution(before)
    later = as_execution(after)
    if earlier.workflow_id != later.workflow_id:
        raise ValueError(
            f"executions {earlier.execution_id} and {later.execution_id} ran different workflows "
            f'("{earlier.workflow_id}" and "{later.workflow_id}"); only runs of one workflow can be compared'
        )

    records_before = _last_records(earlier)
    records_after = _last_records(later)
    node_ids = list(dict.fromkeys([*records_before, *records_after]))
    nodes = [
        _diff_node(node_id, records_before.get(node_id), records_after.get(node_id), max_depth) for node_id in node_ids
    ]

    return ExecutionDiff(
        workflow_id=earlier.workflow_id,
        before=_run_metadata(earlier),
        after=_run_metadata(later),
        nodes=nodes,
    )


def diff_outputs(before: Any, after: Any, max_depth: int = DEFAULT_MAX_DEPTH) -> OutputDiff:
    """Compare the shapes of two JSON values: key paths added, removed and changed type.

    Under a path that changed type, children are not listed, since every one of them differs.
    A list empty on one side has no element shape there, so its elements are not compared and
    the list is reported in `emptied_lists`. Values that changed but kept their type are only
    counted.
    """
    walked_before = {path: (kind, value) for path, kind, value in _walk(before, "", 0, max_depth)}
    walked_after = {path: (kind, value) for path, kind, value in _walk(after, "", 0, max_depth)}
    shape_before = {path: kind for path, (kind, _) in walked_before.items()}
    shape_after = {path: kind for path, (kind, _) in walked_after.items()}

    type_changed = [
        (path, kind, shape_after[path])
        for path, kind in shape_before.items()
        if path in shape_after and shape_after[path] != kind
    ]
    emptied = _emptied_lists(shape_before, shape_after)
    hidden = [path for path, _, _ in type_changed] + [path for path, _ in emptied]

    return OutputDiff(
        added=_missing_from(shape_after, shape_before, hidden),
        removed=_missing_from(shape_before, shape_after, hidden),
        type_changed=[change for change in type_changed if not _is_under(change[0], hidden)],
        emptied_lists=emptied,
        values_changed=_count_changed_values(walked_before, walked_after, hidden),
        compared_lists=any(kind == "list" for kind in [*shape_before.values(), *shape_after.values()]),
    )


def _walk(value: Any, path: str, depth: int, max_depth: int) -> Iterator[tuple[str, str, Any]]:
    try:
        kind = type_name(value)
    except TypeError as error:
        raise TypeError(f"{error} at key path {path!r}") from None
    yield path, kind, value

    if depth >= max_depth:
        return
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _walk(child, child_path(path, key), depth + 1, max_depth)
    elif isinstance(value, list | tuple) and value:
        yield from _walk(value[0], f"{path}[0]", depth + 1, max_depth)


def _missing_from(shape: dict[str, str], other: dict[str, str], hidden: list[str]) -> list[tuple[str, str]]:
    return [(path, kind) for path, kind in shape.items() if path not in other and not _is_under(path, hidden)]


def _emptied_lists(shape_before: dict[str, str], shape_after: dict[str, str]) -> list[tuple[str, str]]:
    emptied = []
    for path, kind in shape_before.items():
        if kind != "list" or shape_after.get(path) != "list":
            continue
        element = f"{path}[0]"
        if element in shape_before and element not in shape_after:
            emptied.append((path, "after"))
        elif element in shape_after and element not in shape_before:
            emptied.append((path, "before"))
    return emptied


def _is_under(path: str, parents: list[str]) -> bool:
    for parent in parents:
        if parent == "" and path != "":
            return True
        if path.startswith(parent) and len(path) > len(parent) and path[len(parent)] in ".[":
            return True
    return False


def _count_changed_values(
    walked_before: dict[str, tuple[str, Any]], walked_after: dict[str, tuple[str, Any]], hidden: list[str]
) -> int:
    count = 0
    for path, (kind, value) in walked_before.items():
        if kind in ("object", "list") or path not in walked_after or _is_under(path, hidden):
            continue
        other_kind, other_value = walked_after[path]
        if other_kind == kind and other_value != value:
            count += 1
    return count


def _last_records(run: Execution) -> dict[str, ExecutionNode]:
    records: dict[str, ExecutionNode] = {}
    for record in ordered_records(run):
        records[record.node_id] = record
    return records


def _diff_node(node_id: str, before: ExecutionNode | None, after: ExecutionNode | None, max_depth: int) -> NodeDiff:
    status_before = before.status if before is not None else None
    status_after = after.status if after is not None else None
    if before is None or after is None or _output_missing(before) or _output_missing(after):
        return NodeDiff(node_id, status_before, status_after)
    return NodeDiff(node_id, status_before, status_after, diff_outputs(before.output, after.output, max_depth))


def _output_missing(record: ExecutionNode) -> bool:
    # A node that failed or never ran has no output to compare, and its status shows the change.
    return record.output is None and record.status != "completed"


def _run_metadata(run: Execution) -> dict[str, Any]:
    version = run.workflow_version
    if version is None and run.workflow is not None:
        version = run.workflow.version
    return {"execution_id": run.execution_id, "workflow_version": version, "status": run.status}


def _node_lines(node: NodeDiff, before_id: str, after_id: str) -> list[str]:
    if node.only_in == "before":
        return [f"{node.node_id}: recorded only in execution {before_id} (before), as {node.status_before}"]
    if node.only_in == "after":
        return [f"{node.node_id}: recorded only in execution {after_id} (after), as {node.status_after}"]

    lines = []
    if node.status_before != node.status_after:
        lines.append(f"{node.node_id}: {node.status_before} -> {node.status_after}")
    if node.output is not None and node.output.changed:
        lines.append(f"{node.node_id}: output {_describe_output(node.output)}")
    return lines


def _describe_output(output: OutputDiff) -> str:
    removed = _leaves([path for path, _ in output.removed])
    added_types = dict(output.added)
    added = _leaves(list(added_types))

    changes = [f"{path} removed" for path in removed]
    changes += [f"{path} added ({added_types[path]})" for path in added]
    # The output's own path is empty, and "output changed from object to null" reads on its own.
    changes += [f"{path} changed from {old} to {new}".lstrip() for path, old, new in output.type_changed]
    changes += [
        f"{path} is empty in {side}, so its elements were not compared".lstrip() for path, side in output.emptied_lists
    ]

    listed = changes[:MAX_CHANGES_PER_LINE]
    if len(changes) > len(listed):
        listed.append(f"and {len(changes) - len(listed)} more")
    return "; ".join(listed)


def _leaves(paths: list[str]) -> list[str]:
    """Keep the paths with no descendant in the list: the fields an expression would name.

    The paths come in the walk's order, where a path's descendants follow it directly.
    """
    return [
        path for index, path in enumerate(paths) if index + 1 == len(paths) or not _is_under(paths[index + 1], [path])
    ]
