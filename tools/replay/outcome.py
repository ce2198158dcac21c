"""The verdict of a run, relative to the node the recorded run failed on."""

from typing import Any

from tools.replay.graph import RunGraph
from tools.replay.recording import Recording
from tools.replay.result import ReplayResult, ReplayStatus, RunStatus
from tools.replay.state import RunState


def build_result(
    state: RunState, graph: RunGraph, *, failed_node: str | None, recording: Recording | None
) -> ReplayResult:
    """Collect a finished run into its result and judge it.

    `failed_node` is the node the recorded run failed on (None for a run from scratch, which is
    then judged on its own failures).
    """
    ignored = _counted_failures(state, failed_node, recording)
    status, verdict_node, error = _verdict(state, graph, failed_node, ignored)
    suppressed_by = ignored if status == "suppressed" else []
    return ReplayResult(
        status=status,
        run_status=_run_status(state),
        recorded_failed_node=failed_node,
        failed_node=verdict_node,
        error=error,
        reached_node=state.ran[-1] if state.ran else None,
        not_checked=list(state.not_checked),
        needed=list(state.needed),
        suppressed_by=suppressed_by,
        nodes={node_id: state.runs[node_id] for node_id in graph.order},
        intended_calls=state.intended_calls,
        clock_ms=state.clock.elapsed_ms,
    )


def _verdict(
    state: RunState, graph: RunGraph, failed_node: str | None, ignored: list[str]
) -> tuple[ReplayStatus, str | None, dict[str, Any] | None]:
    stopped = state.stopped_by
    if stopped is not None:
        return "failed", stopped.node_id, stopped.error

    if failed_node is not None:
        if failed_node not in graph.nodes:
            return (
                "failed",
                failed_node,
                _error(
                    "FAILED_NODE_REMOVED",
                    f'node "{failed_node}", where the recorded run failed, is not in the workflow, so replay cannot '
                    "show that it now succeeds",
                ),
            )
        run = state.runs[failed_node]
        if run.status == "not_checked":
            return "unverifiable", None, None
        if run.status in ("skipped", "pending"):
            return (
                "failed",
                failed_node,
                _error(
                    "FAILED_NODE_SKIPPED",
                    f'node "{failed_node}", where the recorded run failed, did not run: no branch into it was taken, '
                    "so replay cannot show that it now succeeds",
                ),
            )

    if ignored:
        return "suppressed", None, None
    return "passed", None, None


def _counted_failures(state: RunState, failed_node: str | None, recording: Recording | None) -> list[str]:
    """List ignored failures that a pass would depend on.

    A node that also failed, and was ignored, in the recorded run is part of how the workflow
    already behaves, so only the recorded failed node and nodes that newly fail count.
    """
    counted = []
    for node_id in state.ignored_failures:
        recorded_status = recording.records.get(node_id, {}).get("status") if recording else None
        if node_id == failed_node or recorded_status != "failed":
            counted.append(node_id)
    return counted


def _run_status(state: RunState) -> RunStatus:
    if state.stopped_by is not None:
        return "failed"
    if state.not_checked:
        return "incomplete"
    return "completed"


def _error(code: str, message: str) -> dict[str, Any]:
    return {"message": message, "code": code, "detail": {}}
