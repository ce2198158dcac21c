"""The mutable state of one run: node outputs, records, the virtual clock and what was missing."""

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tools.redaction import SECRET_MASK
from tools.replay.fixtures import FixtureCursor
from tools.replay.graph import RunGraph
from tools.replay.result import NodeRun, ReplayOptions
from tools.replay.sandbox import RunEncoder

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RedactedCredentials(Mapping[str, str]):
    """The `credential` root of the context: every name reads as the mask, never a secret.

    Iteration lists the credentials the workflow's workspace declares, so error messages can
    name them. Any other name still reads as the mask, because LinkFlow resolves names at run time.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._names = tuple(names)

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str):
            raise KeyError(name)
        return SECRET_MASK

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class VirtualClock:
    """The run's clock: its start plus the milliseconds that delays and retries used."""

    __slots__ = ("_now", "_now_at", "elapsed_ms", "started_at")

    def __init__(self, started_at: datetime) -> None:
        self.started_at = started_at
        self.elapsed_ms = 0
        self._now = started_at
        self._now_at = 0

    def advance(self, milliseconds: float) -> None:
        if milliseconds > 0:
            self.elapsed_ms += round(milliseconds)

    def now(self) -> datetime:
        # Expressions read the clock on every render, so the datetime is rebuilt only after it moved.
        if self._now_at != self.elapsed_ms:
            self._now = self.started_at + timedelta(milliseconds=self.elapsed_ms)
            self._now_at = self.elapsed_ms
        return self._now

    def now_ms(self) -> int:
        """Return the current virtual time as milliseconds since the Unix epoch."""
        return (self.started_at - EPOCH) // timedelta(milliseconds=1) + self.elapsed_ms


class RunState:
    """Everything executors and the run loop share while one run is under way."""

    def __init__(
        self,
        graph: RunGraph,
        *,
        trigger_data: Any,
        env: Mapping[str, Any],
        credential_names: Iterable[str],
        workflow: Mapping[str, Any],
        execution: Mapping[str, Any],
        started_at: datetime,
        fixtures: FixtureCursor,
        options: ReplayOptions,
        recorded_outputs: Mapping[str, Any] | None = None,
    ) -> None:
        self.graph = graph
        self.options = options
        self.fixtures = fixtures
        self.clock = VirtualClock(started_at)
        self.outputs: dict[str, Any] = {}
        self.context: dict[str, Any] = {
            "trigger": trigger_data,
            "env": env,
            "credential": RedactedCredentials(credential_names),
            "workflow": workflow,
            "execution": execution,
            "nodes": self.outputs,
        }
        # Outputs of nodes that completed in the recording, for side effects and unknown types.
        self.recorded_outputs = recorded_outputs or {}

        self.runs: dict[str, NodeRun] = {}
        self.ran: list[str] = []
        self.intended_calls: list[dict[str, Any]] = []
        self.ignored_failures: list[str] = []
        self.not_checked: dict[str, None] = {}
        self.needed: list[dict[str, Any]] = []
        self.stopped_by: NodeRun | None = None
        self.unchanged: set[str] = set()
        # (loop id, index) of each loop iteration under way, outermost first.
        self.iterations: list[tuple[str, int]] = []
        # Per node inside a loop, how many iterations it ran in, across all enclosing loops.
        self.iteration_counts: dict[str, int] = {}
        self.code_encoder = RunEncoder()

    def now(self) -> datetime:
        return self.clock.now()

    def record_intended_call(self, node_id: str, node_type: str, call: Any) -> None:
        entry: dict[str, Any] = {"node": node_id, "type": node_type, "call": call}
        if self.iterations:
            entry["iteration"] = self.iterations[-1][1]
        self.intended_calls.append(entry)
