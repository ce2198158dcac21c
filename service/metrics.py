"""Prometheus metrics of finished analyses, served at GET /metrics in the text exposition format.

Each app (and each worker) owns an AnalysisMetrics with its own CollectorRegistry, so two apps in
one process, as in tests, count apart. The code that finishes an analysis calls
`record_analysis`, which updates every AnalysisMetrics that is registered at that moment.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Protocol

from litestar import Litestar, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

# Analyses take from milliseconds (deterministic diagnosers alone) to minutes (the model loop).
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

# The failure_kind label of an analysis that ended in an error, which has no diagnosis.
UNKNOWN_FAILURE_KIND = "unknown"


class FinishedAnalysis(Protocol):
    """What the metrics read from an analysis result (agent.analysis.AnalysisResult has both)."""

    failure_kind: str
    tokens_used: int


class AnalysisMetrics:
    """Counters and a histogram of finished analyses, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.analyses = Counter(
            "autofix_analyses",
            "Finished analyses by outcome (pending, applied, error) and diagnosed failure kind.",
            ["outcome", "failure_kind"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "autofix_analysis_duration_seconds",
            "Wall time of one analysis, in seconds, by outcome.",
            ["outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.tokens = Counter(
            "autofix_analysis_tokens", "Model tokens (prompt and completion) used by analyses.", registry=self.registry
        )
        self.auto_applies = Counter(
            "autofix_auto_applies", "Fixes applied automatically after an analysis.", registry=self.registry
        )

    def record(self, result: FinishedAnalysis | None, duration_seconds: float, auto_applied: bool) -> None:
        outcome = _outcome(result, auto_applied)
        failure_kind = result.failure_kind if result is not None else UNKNOWN_FAILURE_KIND

        self.analyses.labels(outcome=outcome, failure_kind=failure_kind).inc()
        self.duration.labels(outcome=outcome).observe(duration_seconds)
        if result is not None:
            self.tokens.inc(result.tokens_used)
        if auto_applied:
            self.auto_applies.inc()

    def exposition(self) -> bytes:
        """Render the registry in the Prometheus text format."""
        return generate_latest(self.registry)


_registered: list[AnalysisMetrics] = []


def record_analysis(result: FinishedAnalysis | None, duration_seconds: float, auto_applied: bool) -> None:
    """Count one finished analysis in every registered AnalysisMetrics.

    `result` is None when the analysis ended in an error; its outcome is then `error`.
    """
    for metrics in _registered:
        metrics.record(result, duration_seconds, auto_applied)


@contextmanager
def registered(metrics: AnalysisMetrics) -> Iterator[AnalysisMetrics]:
    """Make `record_analysis` update `metrics` until the block ends."""
    _registered.append(metrics)
    try:
        yield metrics
    finally:
        _registered.remove(metrics)


@get("/metrics", tags=["health"], include_in_schema=False, sync_to_thread=False)
def metrics_endpoint(state: State) -> Response[bytes]:
    """Serve the app's analysis metrics in the Prometheus text format."""
    metrics: AnalysisMetrics = state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def _outcome(result: FinishedAnalysis | None, auto_applied: bool) -> str:
    if result is None:
        return "error"
    return "applied" if auto_applied else "pending"


@asynccontextmanager
async def metrics_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Count the analyses that finish while the app runs in the app's own registry."""
    with registered(app.state.metrics):
        yield
