"""Replay a recorded execution with a patched definition, or run a workflow against a world."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from tools.formats.timestamps import parse_rfc3339
from tools.replay.engine import Engine
from tools.replay.fixtures import index_fixtures
from tools.replay.graph import RunGraph, build_graph
from tools.replay.outcome import build_result
from tools.replay.recording import Recording, credential_names, plain_data
from tools.replay.result import ReplayOptions, ReplayResult
from tools.replay.state import EPOCH, RunState

_DEFAULT_OPTIONS = ReplayOptions()


def replay(recording: Recording, definition: Any = None, *, options: ReplayOptions = _DEFAULT_OPTIONS) -> ReplayResult:
    """Re-run a recorded execution with a definition, by default the one it ran.

    Nodes whose type, data, wiring and inputs are as recorded, and that completed, reuse their
    recorded output. Every other node runs through its executor, and its requests are served from
    the recording's fixtures. The result is judged against the node the recorded run failed on.

    Raises:
        ValueError: the definition has no list of nodes, or its edges form a cycle.
    """
    graph = recording.graph if definition is None else build_graph(plain_data(definition))
    state = RunState(
        graph,
        trigger_data=recording.trigger_data,
        env=recording.env,
        credential_names=recording.credential_names,
        workflow=recording.workflow,
        execution=recording.execution,
        started_at=recording.started_at,
        fixtures=recording.fixtures.cursor(),
        options=options,
        recorded_outputs=recording.completed_outputs,
    )
    fired_trigger = recording.fired_trigger if recording.fired_trigger in graph.nodes else _first_trigger(graph)

    Engine(graph, state, recording, fired_trigger).run()
    return build_result(state, graph, failed_node=recording.failed_node, recording=recording)


def run_workflow(
    definition: Any,
    *,
    trigger_data: Any,
    fixtures: Iterable[Any],
    env: Mapping[str, Any] | None = None,
    credentials: Iterable[Any] | None = None,
    started_at: str | datetime | None = None,
    trigger_node: str | None = None,
    options: ReplayOptions = _DEFAULT_OPTIONS,
) -> ReplayResult:
    """Run a workflow from its trigger against "world" fixtures, reusing nothing: the eval oracle.

    A world fixture may carry `"response": null` with `"error": {"code", "message"}`, so that
    attempt fails with that error. `started_at` is the run's start for `now()` (RFC 3339 text or an
    aware datetime; the Unix epoch when None). `trigger_node` picks the trigger that fires; by
    default the first trigger in run order. The verdict is `passed`, `suppressed` or `failed` on
    the run's own failures; `run_status` tells whether it completed.

    Raises:
        ValueError: the definition is unusable (no nodes, a cycle), `trigger_node` is not a
            trigger of it, or `started_at` is not an RFC 3339 time with a zone.
    """
    graph = build_graph(plain_data(definition))
    state = RunState(
        graph,
        trigger_data=trigger_data,
        env=dict(env or {}),
        credential_names=credential_names(credentials or []),
        workflow={},
        execution={"started_at": _start_text(started_at)},
        started_at=_start_time(started_at),
        fixtures=index_fixtures(fixtures).cursor(),
        options=options,
    )

    Engine(graph, state, None, _chosen_trigger(graph, trigger_node)).run()
    return build_result(state, graph, failed_node=None, recording=None)


def _first_trigger(graph: RunGraph) -> str | None:
    triggers = graph.triggers()
    return triggers[0] if triggers else None


def _chosen_trigger(graph: RunGraph, trigger_node: str | None) -> str | None:
    if trigger_node is None:
        return _first_trigger(graph)
    if trigger_node not in graph.triggers():
        triggers = ", ".join(graph.triggers()) or "none"
        raise ValueError(f'trigger_node "{trigger_node}" is not a trigger of this workflow; its triggers: {triggers}')
    return trigger_node


def _start_time(started_at: str | datetime | None) -> datetime:
    if started_at is None:
        return EPOCH
    moment = parse_rfc3339(started_at) if isinstance(started_at, str) else started_at
    if moment.utcoffset() is None:
        raise ValueError(f"started_at must carry a time zone, got {moment.isoformat()}")
    return moment


def _start_text(started_at: str | datetime | None) -> str:
    moment = _start_time(started_at)
    return moment.isoformat().replace("+00:00", "Z")
