"""The run loop: nodes in topological order, each gated by its predecessors, reused or executed.

A node runs when every predecessor has finished and at least one of them passed its output along
an edge that was taken (it completed, or it failed with its error ignored). The node's input is
that predecessor's output. With several predecessors it is an object keyed by the ids of those
that ran. A node whose predecessor, or a node its expressions read, could not be checked is not
checked either.
"""

from typing import Any

from tools.expressions import ExpressionError
from tools.replay.executors import (
    CONDITION_TYPE,
    LOOP_TYPE,
    NodeCall,
    executor_for,
    loop_batches,
)
from tools.replay.executors.conditions import evaluate_boolean
from tools.replay.failures import NO_OUTPUT, NodeFailure, NotChecked, expression_failure
from tools.replay.graph import TRIGGER_PREFIX, RunGraph
from tools.replay.recording import Recording, node_references
from tools.replay.result import NodeRun
from tools.replay.state import RunState

_RUN = "run"
_SKIPPED = "skipped"
_NOT_CHECKED = "not_checked"


class Engine:
    """One run of a graph; `recording`, when given, lets unchanged nodes reuse their outputs."""

    def __init__(
        self, graph: RunGraph, state: RunState, recording: Recording | None, fired_trigger: str | None
    ) -> None:
        self.graph = graph
        self.state = state
        self.recording = recording
        self.fired_trigger = fired_trigger
        self._references: dict[str, frozenset[str] | None] = {}

    def run(self) -> None:
        """Run every node, then mark those the run never reached as pending."""
        self._run_region(self.graph.order)
        for node_id in self.graph.order:
            if node_id not in self.state.runs:
                node_type = str(self.graph.nodes[node_id].get("type", ""))
                self.state.runs[node_id] = NodeRun(node_id, node_type, "pending")

    def _run_region(self, order: tuple[str, ...] | list[str]) -> None:
        handled: set[str] = set()
        for node_id in order:
            if self.state.stopped_by is not None:
                return
            if node_id in handled:
                continue
            if self.graph.nodes[node_id].get("type") == LOOP_TYPE:
                handled |= self._run_loop(node_id, order)
            else:
                self._step(node_id)

    # One node.

    def _step(self, node_id: str, *, allow_reuse: bool = True) -> NodeRun:
        node = self.graph.nodes[node_id]
        node_type = str(node.get("type", ""))
        try:
            gate, value = self._gate(node_id, node)
        except NodeFailure as failure:
            return self._fail(node_id, node, None, failure, attempts=0)

        if gate == _SKIPPED:
            return self._finish(NodeRun(node_id, node_type, "skipped"))
        if gate == _NOT_CHECKED:
            run = NodeRun(node_id, node_type, "not_checked", blocked_by=value)
            self.state.not_checked[node_id] = None
            return self._finish(run)
        if allow_reuse and self._reusable(node_id, node):
            return self._reuse(node_id, node_type)
        return self._execute(node_id, node, value)

    def _gate(self, node_id: str, node: dict[str, Any]) -> tuple[str, Any]:
        """Decide whether a node runs, is skipped or cannot be checked; return its input when it runs."""
        edges = self.graph.incoming[node_id]
        if not edges:
            return self._root_gate(node_id, node)

        runs = self.state.runs
        active: list[str] = []
        blocked_by = None
        for edge in edges:
            source = edge["source"]
            source_run = runs.get(source)
            if source_run is None:
                continue
            if source_run.status == "not_checked":
                blocked_by = blocked_by or source
            elif (source_run.status == "completed" or source_run.error_ignored) and self._edge_taken(
                edge, source_run, node_id, node
            ):
                active.append(source)

        if blocked_by is not None:
            return _NOT_CHECKED, blocked_by
        if not active:
            return _SKIPPED, None
        blocked_by = self._reads_unchecked(node_id, node)
        if blocked_by is not None:
            return _NOT_CHECKED, blocked_by

        outputs = self.state.outputs
        if len(self.graph.predecessors[node_id]) == 1:
            return _RUN, outputs.get(active[0])
        return _RUN, {source: outputs.get(source) for source in dict.fromkeys(active)}

    def _root_gate(self, node_id: str, node: dict[str, Any]) -> tuple[str, Any]:
        # Only the trigger that started the run fires. Other nodes without predecessors start with
        # no input, because the engine starts every node that has no predecessor.
        if str(node.get("type", "")).startswith(TRIGGER_PREFIX) and node_id != self.fired_trigger:
            return _SKIPPED, None
        blocked_by = self._reads_unchecked(node_id, node)
        if blocked_by is not None:
            return _NOT_CHECKED, blocked_by
        return _RUN, None

    def _edge_taken(self, edge: dict[str, Any], source_run: NodeRun, node_id: str, node: dict[str, Any]) -> bool:
        handle = edge.get("sourceHandle")
        if handle is not None and source_run.node_type == CONDITION_TYPE:
            branch = str(handle)
            if isinstance(handle, bool):
                branch = "true" if handle else "false"
            output = source_run.output
            if not isinstance(output, dict) or output.get("output") != branch:
                return False

        condition = edge.get("condition")
        if not isinstance(condition, str) or not condition.strip():
            return True
        where = f"edge {edge.get('id') or edge['source'] + ' -> ' + node_id} condition"
        return evaluate_boolean(NodeCall(node_id, node, None, self.state), condition, where=where)

    def _reads_unchecked(self, node_id: str, node: dict[str, Any]) -> str | None:
        """Name an unchecked node that this node's expressions read, if any."""
        if not self.state.not_checked:
            return None
        references = self._node_references(node_id, node)
        if references is None:
            # An expression that does not parse fails the node when it runs, a more precise outcome.
            return None
        return next((name for name in references if name in self.state.not_checked), None)

    def _node_references(self, node_id: str, node: dict[str, Any]) -> frozenset[str] | None:
        if node_id not in self._references:
            recording = self.recording
            recorded = recording.graph.nodes.get(node_id) if recording else None
            if recording is not None and recorded is not None and recorded.get("data") == node.get("data"):
                self._references[node_id] = recording.references.get(node_id)
            else:
                self._references[node_id] = node_references(node, self.graph.nodes)
        return self._references[node_id]

    # Reuse.

    def _reusable(self, node_id: str, node: dict[str, Any]) -> bool:
        """Tell whether a node is as recorded: same type, data and wiring, completed, same inputs."""
        recording = self.recording
        if recording is None or self.state.iterations:
            return False
        if not self._same_as_recorded(node_id, node, recording):
            return False
        dependencies = self._dependencies(node_id, recording)
        return dependencies is not None and all(name in self.state.unchanged for name in dependencies)

    def _same_as_recorded(self, node_id: str, node: dict[str, Any], recording: Recording) -> bool:
        record = recording.records.get(node_id)
        if record is None or record.get("status") != "completed" or node_id not in recording.completed_outputs:
            return False
        recorded = recording.graph.nodes.get(node_id)
        if recorded is None or recorded.get("type") != node.get("type") or recorded.get("data") != node.get("data"):
            return False
        return recording.graph.incoming_key.get(node_id) == self.graph.incoming_key[node_id]

    def _dependencies(self, node_id: str, recording: Recording) -> set[str] | None:
        references = recording.references.get(node_id)
        if references is None:
            return None
        return set(self.graph.predecessors[node_id]) | references

    def _reuse(self, node_id: str, node_type: str) -> NodeRun:
        assert self.recording is not None
        record = self.recording.records[node_id]
        output = self.recording.completed_outputs[node_id]
        self.state.outputs[node_id] = output
        self.state.fixtures.use_node_fixtures(node_id)
        attempts = record.get("attempt") if isinstance(record.get("attempt"), int) else 1
        run = NodeRun(
            node_id, node_type, "completed", reused=True, input=record.get("input"), output=output, attempts=attempts
        )
        return self._finish(run)

    # Execution.

    def _execute(self, node_id: str, node: dict[str, Any], input_value: Any) -> NodeRun:
        node_type = str(node.get("type", ""))
        executor = executor_for(node_type)
        if executor is None:
            return self._run_unknown(node_id, node_type, input_value)

        call = NodeCall(node_id, node, input_value, self.state)
        try:
            output = executor(call)
        except NodeFailure as failure:
            return self._fail(node_id, node, input_value, failure, call.attempts)
        except ExpressionError as error:
            return self._fail(node_id, node, input_value, expression_failure(error), call.attempts)
        except NotChecked as missing:
            return self._not_checked(node_id, node_type, input_value, missing.needed, call.attempts)

        self.state.outputs[node_id] = output
        return self._finish(
            NodeRun(node_id, node_type, "completed", input=input_value, output=output, attempts=call.attempts)
        )

    def _run_unknown(self, node_id: str, node_type: str, input_value: Any) -> NodeRun:
        recorded = self.state.recorded_outputs
        if node_id in recorded:
            self.state.outputs[node_id] = recorded[node_id]
            self.state.fixtures.use_node_fixtures(node_id)
            return self._finish(
                NodeRun(node_id, node_type, "completed", reused=True, input=input_value, output=recorded[node_id])
            )
        needed = {
            "reason": (
                f'node type "{node_type}" is not one replay can run, and the recording holds no completed '
                "output for this node to reuse"
            ),
            "node_type": node_type,
        }
        return self._not_checked(node_id, node_type, input_value, needed, attempts=0)

    def _fail(
        self, node_id: str, node: dict[str, Any], input_value: Any, failure: NodeFailure, attempts: int
    ) -> NodeRun:
        error = failure.to_dict()
        if self.state.iterations:
            loop_id, index = self.state.iterations[-1]
            error["detail"] = {**error["detail"], "iteration": {"loop": loop_id, "index": index}}
        output = None if failure.output is NO_OUTPUT else failure.output
        data = node.get("data") if isinstance(node.get("data"), dict) else {}
        ignored = data.get("onError") == "continue"

        run = NodeRun(
            node_id,
            str(node.get("type", "")),
            "failed",
            input=input_value,
            output=output,
            error=error,
            attempts=attempts,
            error_ignored=ignored,
        )
        if ignored:
            # The nodes after it read the response it got, or the error when it got none.
            passed_on = output
            if failure.output is NO_OUTPUT:
                passed_on = {"error": {"message": failure.message, "code": failure.code}}
            self.state.outputs[node_id] = passed_on
            if node_id not in self.state.ignored_failures:
                self.state.ignored_failures.append(node_id)
        else:
            self.state.stopped_by = run
        return self._finish(run)

    def _not_checked(
        self, node_id: str, node_type: str, input_value: Any, needed: dict[str, Any], attempts: int
    ) -> NodeRun:
        needed = {"node": node_id, **needed}
        self.state.not_checked[node_id] = None
        self.state.needed.append(needed)
        return self._finish(
            NodeRun(node_id, node_type, "not_checked", input=input_value, attempts=attempts, needed=needed)
        )

    def _finish(self, run: NodeRun) -> NodeRun:
        state = self.state
        state.runs[run.node_id] = run
        if run.status in ("completed", "failed"):
            state.ran.append(run.node_id)
            if state.iterations:
                state.iteration_counts[run.node_id] = state.iteration_counts.get(run.node_id, 0) + 1
        if self._matches_recording(run):
            state.unchanged.add(run.node_id)
        else:
            state.unchanged.discard(run.node_id)
        return run

    def _matches_recording(self, run: NodeRun) -> bool:
        if self.recording is None:
            return False
        record = self.recording.records.get(run.node_id)
        if record is None or record.get("status") != run.status:
            return False
        if run.status == "skipped":
            return True
        return run.status == "completed" and self.recording.completed_outputs.get(run.node_id, NO_OUTPUT) == run.output

    # Loops.

    def _run_loop(self, loop_id: str, order: tuple[str, ...] | list[str]) -> set[str]:
        """Run a loop node and the nodes after it once per item or batch; return those nodes."""
        body = self.graph.descendants(loop_id)
        body_order = [node_id for node_id in order if node_id in body]

        if self._reusable(loop_id, self.graph.nodes[loop_id]) and self._body_reusable(loop_id, body_order):
            self._step(loop_id)
            self._run_region(body_order)
            return body

        run = self._step(loop_id, allow_reuse=False)
        if run.status == "completed":
            self._iterate(loop_id, run, body_order)
        elif run.status == "failed" and run.error_ignored:
            # A loop that failed has no items, so the nodes after it have nothing to run on.
            for node_id in body_order:
                self._finish(NodeRun(node_id, str(self.graph.nodes[node_id].get("type", "")), "skipped"))
        else:
            self._run_region(body_order)
        return body

    def _body_reusable(self, loop_id: str, body_order: list[str]) -> bool:
        """Tell whether every node after a loop is as recorded, so the whole loop can be reused.

        A body node's record is only its last iteration, so the body is reused whole or run whole.
        """
        assert self.recording is not None
        recording = self.recording
        settled = set(self.state.unchanged) | {loop_id} | set(body_order)
        for node_id in body_order:
            node = self.graph.nodes[node_id]
            record = recording.records.get(node_id)
            if record is not None and record.get("status") == "skipped":
                recorded = recording.graph.nodes.get(node_id)
                if recorded is None or recorded.get("data") != node.get("data"):
                    return False
                continue
            if not self._same_as_recorded(node_id, node, recording):
                return False
            dependencies = self._dependencies(node_id, recording)
            if dependencies is None or not dependencies <= settled:
                return False
        return True

    def _iterate(self, loop_id: str, loop_run: NodeRun, body_order: list[str]) -> None:
        state = self.state
        items = loop_run.output["items"]
        call = NodeCall(loop_id, self.graph.nodes[loop_id], loop_run.input, state)
        batches = loop_batches(call, items)

        state.iterations.append((loop_id, 0))
        for index, batch in enumerate(batches):
            state.iterations[-1] = (loop_id, index)
            state.outputs[loop_id] = {**loop_run.output, "item": batch, "index": index}
            for node_id in body_order:
                state.runs.pop(node_id, None)
                state.outputs.pop(node_id, None)

            self._run_region(body_order)
            if state.stopped_by is not None:
                break
        state.iterations.pop()
        state.outputs[loop_id] = loop_run.output

        self._close_loop(body_order, ran_any=bool(batches))

    def _close_loop(self, body_order: list[str], *, ran_any: bool) -> None:
        for node_id in body_order:
            run = self.state.runs.get(node_id)
            if run is None and not ran_any:
                run = self._finish(NodeRun(node_id, str(self.graph.nodes[node_id].get("type", "")), "skipped"))
            if run is None:
                continue
            run.iterations = self.state.iteration_counts.get(node_id, 0)
            # A node unchecked in any iteration was not checked as a whole, whatever its last record.
            if node_id in self.state.not_checked and run.status in ("completed", "skipped"):
                run.status = "not_checked"
