"""Time-travel snapshots: the run context of a recorded execution at one node, without replay.

A snapshot rebuilds from the recording alone what a node saw: the trigger data, the records of
the nodes that ran before it, the environment and the workflow and execution metadata that
expressions read.
"""

import copy
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tools.compact import compact
from tools.formats import Execution, ExecutionNode, WorkflowDefinition
from tools.formats.workflow import TRIGGER_TYPES

REDACTED = "[REDACTED]"
MAX_NAMES_IN_MESSAGE = 20

# Room for the `"truncated":false,` that to_dict adds after compacting.
_TRUNCATED_FLAG_BYTES = len('"truncated":false,')

Moment = Literal["before_run", "after_record"]


class RedactedCredentials(Mapping[str, str]):
    """The `credential` root: every name resolves to "[REDACTED]", so no secret can be read.

    It lists no names because the recording carries none, yet it contains every name, so
    `credential.ANY_NAME` resolves as it does in replay.
    """

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):
            raise KeyError(name)
        return REDACTED

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "RedactedCredentials()"


@dataclass(frozen=True)
class Snapshot:
    """The run context of a recorded execution at one point, as plain JSON data.

    `point.moment` is "before_run" for a snapshot taken at a node (its own output is not part of
    the context) and "after_record" for one taken at a sequence number (the node at that
    sequence is then in `nodes` too). `current` is that node's record as the engine stored it.
    """

    workflow: dict[str, Any]
    execution: dict[str, Any]
    point: dict[str, Any]
    current: dict[str, Any]
    trigger: Any
    nodes: dict[str, dict[str, Any]]
    not_yet_run: list[str]
    variables: dict[str, Any]
    loop_iterations: dict[str, dict[str, Any]]
    trigger_node_ids: tuple[str, ...] = ()
    note: str | None = None

    def to_dict(self, max_bytes: int | None = None) -> dict[str, Any]:
        """Write the snapshot as JSON data, cut to `max_bytes` of compact JSON when given.

        The top-level "truncated" flag is true when anything was cut.
        """
        document = {
            "workflow": self.workflow,
            "execution": self.execution,
            "point": self.point,
            "current": self.current,
            "note": self.note,
            "trigger": self.trigger,
            "nodes": self.nodes,
            "not_yet_run": self.not_yet_run,
            "variables": self.variables,
            "loop_iterations": self.loop_iterations,
        }
        if max_bytes is None:
            return {"truncated": False, **copy.deepcopy(document)}

        body, truncated = compact(document, max_bytes - _TRUNCATED_FLAG_BYTES)
        return {"truncated": truncated, **copy.deepcopy(body)}

    def context(self) -> dict[str, Any]:
        """Build the mapping the expression evaluator reads: its roots and each earlier node's output.

        The roots trigger, env, credential, workflow and execution win over a node with the same id,
        because an expression could not reach those roots otherwise.
        """
        roots: dict[str, Any] = {node_id: entry["output"] for node_id, entry in self.nodes.items()}

        for node_id in self.trigger_node_ids:
            if roots.get(node_id) is None:
                roots[node_id] = self.trigger
        for loop_id, iteration in self.loop_iterations.items():
            if isinstance(roots.get(loop_id), dict):
                roots[loop_id] = {**roots[loop_id], **iteration}

        roots.update(
            trigger=self.trigger,
            env=self.variables["env"],
            credential=RedactedCredentials(),
            workflow=self.workflow,
            execution=self.execution,
        )
        return roots


def snapshot(
    execution: Execution | Mapping[str, Any],
    *,
    definition: WorkflowDefinition | Mapping[str, Any] | None = None,
    at_node: str | None = None,
    at_sequence: int | None = None,
    env: Mapping[str, Any] | None = None,
) -> Snapshot:
    """Rebuild the run context just before `at_node` ran, or just after `at_sequence` was recorded.

    Records are ordered by sequence, then by their position in the recording; records without a
    sequence come last. When a node has several records, its last one counts. The definition
    (this argument, else the one the execution carries) shows which nodes run inside a loop and
    which are triggers. Without one, loop bodies are inferred from the recording order.

    Raises:
        ValueError: both or neither of at_node and at_sequence are given, the node is not in the
            recording, or no record has that sequence.
    """
    run = as_execution(execution)
    workflow_definition = _resolve_definition(run, definition)
    records = ordered_records(run)

    position, moment = _locate(run, records, workflow_definition, at_node, at_sequence)
    target = records[position]
    earlier, later = _split_at(records, position, moment)
    nodes = _node_entries(earlier)

    membership, inferred = _loop_membership(workflow_definition, records)
    enclosing_loops = {loop_id for node_id in [*nodes, target.node_id] for loop_id in membership.get(node_id, [])}
    iterations = _loop_iterations(nodes, enclosing_loops, workflow_definition)

    return Snapshot(
        workflow=_workflow_metadata(run),
        execution=_execution_metadata(run),
        point={"node_id": target.node_id, "sequence": target.sequence, "moment": moment},
        current=_current_entry(target),
        trigger=copy.deepcopy(run.trigger_data),
        nodes=nodes,
        not_yet_run=_unique_ids(later, exclude={target.node_id, *nodes}),
        variables={"env": copy.deepcopy(dict(env or {}))},
        loop_iterations=iterations,
        trigger_node_ids=_trigger_node_ids(records, workflow_definition),
        note=_loop_note(target.node_id, list(nodes), membership, iterations, inferred),
    )


def as_execution(value: Execution | Mapping[str, Any]) -> Execution:
    """Accept a recorded execution as the model or as its JSON object, and return the model.

    Raises:
        TypeError: the value is neither.
        pydantic.ValidationError: the object is not a valid recorded execution.
    """
    if isinstance(value, Execution):
        return value
    if isinstance(value, Mapping):
        return Execution.model_validate(dict(value))
    raise TypeError(f"expected an Execution or a JSON object, got {type(value).__name__}")


def ordered_records(run: Execution) -> list[ExecutionNode]:
    """Order an execution's node records by sequence, then by position; unsequenced records last."""
    indexed = list(enumerate(run.nodes))
    indexed.sort(key=lambda pair: (pair[1].sequence is None, pair[1].sequence or 0, pair[0]))
    return [record for _, record in indexed]


def _resolve_definition(
    run: Execution, definition: WorkflowDefinition | Mapping[str, Any] | None
) -> WorkflowDefinition | None:
    if isinstance(definition, WorkflowDefinition):
        return definition
    if definition is not None:
        return WorkflowDefinition.model_validate(dict(definition))
    return run.workflow.definition if run.workflow is not None else None


def _locate(
    run: Execution,
    records: list[ExecutionNode],
    definition: WorkflowDefinition | None,
    at_node: str | None,
    at_sequence: int | None,
) -> tuple[int, Moment]:
    if (at_node is None) == (at_sequence is None):
        raise ValueError(
            f"pass exactly one of at_node or at_sequence (got at_node={at_node!r}, at_sequence={at_sequence!r})"
        )
    if at_node is not None:
        return _position_of_node(run, records, definition, at_node), "before_run"
    return _position_of_sequence(run, records, at_sequence), "after_record"


def _position_of_node(
    run: Execution, records: list[ExecutionNode], definition: WorkflowDefinition | None, node_id: str
) -> int:
    positions = [index for index, record in enumerate(records) if record.node_id == node_id]
    if positions:
        return positions[-1]
    raise _unknown_node_error(run, records, definition, node_id)


def _unknown_node_error(
    run: Execution, records: list[ExecutionNode], definition: WorkflowDefinition | None, node_id: str
) -> ValueError:
    recorded = _unique_ids(records, exclude=set())
    message = f'node "{node_id}" is not in the recording of execution {run.execution_id}'
    if definition is not None and definition.node(node_id) is not None:
        message += " (the workflow has this node, but the run never recorded it)"
    if not recorded:
        return ValueError(f"{message}; the execution records no nodes")

    message += f"; recorded nodes: {_name_list(recorded)}"
    closest = process.extractOne(node_id, recorded, scorer=Levenshtein.distance)
    if closest is not None:
        message += f'; closest: "{closest[0]}"'
    return ValueError(message)


def _position_of_sequence(run: Execution, records: list[ExecutionNode], sequence: int) -> int:
    sequences = sorted({record.sequence for record in records if record.sequence is not None})
    if not sequences:
        raise ValueError(
            f"execution {run.execution_id} records no sequence numbers, so sequence {sequence} cannot be found; "
            "take the snapshot by node id (at_node) instead"
        )
    if not sequences[0] <= sequence <= sequences[-1]:
        raise ValueError(
            f"sequence {sequence} is outside the range {sequences[0]}..{sequences[-1]} "
            f"recorded by execution {run.execution_id}"
        )

    positions = [index for index, record in enumerate(records) if record.sequence == sequence]
    if not positions:
        recorded = _name_list([str(number) for number in sequences])
        raise ValueError(
            f"execution {run.execution_id} has no record with sequence {sequence}; recorded sequences: {recorded}"
        )
    # Records sharing a sequence ran side by side, so the point is after the last of them.
    return positions[-1]


def _split_at(
    records: list[ExecutionNode], position: int, moment: Moment
) -> tuple[list[ExecutionNode], list[ExecutionNode]]:
    target = records[position]
    if moment == "after_record":
        return records[: position + 1], records[position + 1 :]

    earlier = [record for record in records[:position] if record.node_id != target.node_id]
    return earlier, records[position + 1 :]


def _node_entries(records: list[ExecutionNode]) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for record in records:
        # A node's later record replaces its earlier one and takes its place in the order.
        entries.pop(record.node_id, None)
        entries[record.node_id] = {
            "status": record.status,
            "input": copy.deepcopy(record.input),
            "output": copy.deepcopy(record.output),
            "error": _error_of(record),
        }
    return entries


def _current_entry(record: ExecutionNode) -> dict[str, Any]:
    return {
        "node_id": record.node_id,
        "node_type": record.node_type,
        "node_name": record.node_name,
        "status": record.status,
        "sequence": record.sequence,
        "attempt": record.attempt,
        "input": copy.deepcopy(record.input),
        "output": copy.deepcopy(record.output),
        "error": _error_of(record),
    }


def _error_of(record: ExecutionNode) -> dict[str, Any] | None:
    return record.error.model_dump(mode="json", exclude_none=True) if record.error is not None else None


def _unique_ids(records: list[ExecutionNode], exclude: set[str]) -> list[str]:
    seen = set(exclude)
    ids = []
    for record in records:
        if record.node_id not in seen:
            seen.add(record.node_id)
            ids.append(record.node_id)
    return ids


def _workflow_metadata(run: Execution) -> dict[str, Any]:
    embedded = run.workflow
    version = run.workflow_version
    if version is None and embedded is not None:
        version = embedded.version
    return {"id": run.workflow_id, "version": version, "name": embedded.name if embedded else None}


def _execution_metadata(run: Execution) -> dict[str, Any]:
    return {"id": run.execution_id, "workspace_id": run.workspace_id, "started_at": run.started_at}


def _trigger_node_ids(records: list[ExecutionNode], definition: WorkflowDefinition | None) -> tuple[str, ...]:
    ids = [record.node_id for record in records if record.node_type in TRIGGER_TYPES]
    if definition is not None:
        ids += [node.id for node in definition.nodes if node.type in TRIGGER_TYPES]
    return tuple(dict.fromkeys(ids))


def _loop_membership(
    definition: WorkflowDefinition | None, records: list[ExecutionNode]
) -> tuple[dict[str, list[str]], bool]:
    """Map each loop body node to the loops it runs inside; the flag is true when the map was inferred."""
    if definition is None:
        return _loop_membership_from_records(records), True

    successors: dict[str, list[str]] = {}
    for edge in definition.edges:
        successors.setdefault(edge.source, []).append(edge.target)

    membership: dict[str, list[str]] = {}
    for loop in (node for node in definition.nodes if node.type == "logic_loop"):
        # Every node after a loop runs once per item, so the body is all that the loop reaches.
        for node_id in _reachable(loop.id, successors):
            membership.setdefault(node_id, []).append(loop.id)
    return membership, False


def _reachable(start: str, successors: dict[str, list[str]]) -> list[str]:
    reached: dict[str, None] = {}
    pending = deque(successors.get(start, []))
    while pending:
        node_id = pending.popleft()
        if node_id in reached or node_id == start:
            continue
        reached[node_id] = None
        pending.extend(successors.get(node_id, []))
    return list(reached)


def _loop_membership_from_records(records: list[ExecutionNode]) -> dict[str, list[str]]:
    # NOTE: without a definition, a node recorded after a loop on a parallel branch that does not
    # follow the loop is still counted as a loop body node.
    membership: dict[str, list[str]] = {}
    open_loops: list[str] = []
    for record in records:
        if open_loops and record.node_id not in open_loops:
            membership[record.node_id] = list(open_loops)
        if record.node_type == "logic_loop" and record.node_id not in open_loops:
            open_loops.append(record.node_id)
    return membership


def _loop_iterations(
    nodes: dict[str, dict[str, Any]], loop_ids: set[str], definition: WorkflowDefinition | None
) -> dict[str, dict[str, Any]]:
    """Give each loop the `item` and `index` of its last iteration, the one its body records show."""
    iterations: dict[str, dict[str, Any]] = {}
    for node_id, entry in nodes.items():
        output = entry["output"]
        items = output.get("items") if isinstance(output, dict) else None
        if node_id not in loop_ids or not isinstance(items, list) or not items:
            continue

        batch_size = _batch_size(node_id, definition)
        if batch_size == 1:
            iterations[node_id] = {"item": items[-1], "index": len(items) - 1}
        else:
            last_batch = (len(items) - 1) // batch_size
            iterations[node_id] = {"item": items[last_batch * batch_size :], "index": last_batch}
    return iterations


def _batch_size(node_id: str, definition: WorkflowDefinition | None) -> int:
    node = definition.node(node_id) if definition is not None else None
    size = node.data.config.get("batch_size") if node is not None else None
    # NOTE: a batch size written as an expression is not resolved here, so it counts as 1.
    if isinstance(size, int) and not isinstance(size, bool) and size > 1:
        return size
    return 1


def _loop_note(
    current_id: str,
    earlier_ids: list[str],
    membership: dict[str, list[str]],
    iterations: dict[str, dict[str, Any]],
    inferred: bool,
) -> str | None:
    body_ids = [node_id for node_id in dict.fromkeys([*earlier_ids, current_id]) if node_id in membership]
    if not body_ids:
        return None

    sentences = []
    if current_id in membership:
        current_loops = ", ".join(membership[current_id])
        sentences.append(
            f"{current_id} runs inside loop {current_loops}: its record is the last iteration only, "
            "not every iteration."
        )
    others = [node_id for node_id in body_ids if node_id != current_id]
    if others:
        sentences.append(f"The records of loop body nodes {', '.join(others)} are their last iteration only.")

    enclosing_loops = dict.fromkeys(loop_id for node_id in body_ids for loop_id in membership[node_id])
    for loop_id in (loop_id for loop_id in enclosing_loops if loop_id in iterations):
        index = iterations[loop_id]["index"]
        sentences.append(
            f"In the context, {loop_id}.item and {loop_id}.index are those of the last iteration (index {index})."
        )
    if inferred:
        sentences.append("Loop bodies were inferred from the recording order, since no workflow definition was given.")
    return " ".join(sentences)


def _name_list(names: list[str]) -> str:
    listed = ", ".join(names[:MAX_NAMES_IN_MESSAGE])
    left_out = len(names) - MAX_NAMES_IN_MESSAGE
    return f"{listed} and {left_out} more" if left_out > 0 else listed
