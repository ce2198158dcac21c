"""Prometheus metrics: counting finished analyses and serving them at /metrics."""

from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.metrics import AnalysisMetrics, record_analysis, registered
from service.settings import Settings


@dataclass(frozen=True)
class Result:
    failure_kind: str
    tokens_used: int


def _samples(exposition: bytes | str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = exposition.decode("utf-8") if isinstance(exposition, bytes) else exposition
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.parametrize(
    ("result", "auto_applied", "outcome", "failure_kind"),
    [
        (Result("data_mapping", 120), False, "pending", "data_mapping"),
        (Result("auth_expired", 80), True, "applied", "auth_expired"),
        (None, False, "error", "unknown"),
    ],
)
def test_record_counts_outcome(result: Result | None, auto_applied: bool, outcome: str, failure_kind: str) -> None:
    metrics = AnalysisMetrics()

    with registered(metrics):
        record_analysis(result, 1.5, auto_applied)

    samples = _samples(metrics.exposition())
    assert samples[("autofix_analyses_total", (("failure_kind", failure_kind), ("outcome", outcome)))] == 1
    assert samples[("autofix_analysis_duration_seconds_count", (("outcome", outcome),))] == 1
    assert samples[("autofix_analysis_duration_seconds_sum", (("outcome", outcome),))] == 1.5
    assert samples[("autofix_analysis_tokens_total", ())] == (result.tokens_used if result else 0)
    assert samples[("autofix_auto_applies_total", ())] == (1 if auto_applied else 0)


def test_record_outside_registration_counts_nothing() -> None:
    metrics = AnalysisMetrics()
    with registered(metrics):
        pass

    record_analysis(Result("data_mapping", 10), 0.2, False)

    samples = _samples(metrics.exposition())
    assert samples[("autofix_analysis_tokens_total", ())] == 0


def test_each_registry_counts_apart() -> None:
    first, second = AnalysisMetrics(), AnalysisMetrics()

    with registered(first):
        record_analysis(Result("timeout", 5), 0.1, False)
    with registered(second):
        pass

    assert _samples(first.exposition())[("autofix_analysis_tokens_total", ())] == 5
    assert _samples(second.exposition())[("autofix_analysis_tokens_total", ())] == 0


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
async def test_metrics_route_serves_recorded_analyses(settings: Settings, engine: AsyncEngine) -> None:
    app: Litestar = create_app(settings)

    async with AsyncTestClient(app=app) as client:
        record_analysis(Result("data_mapping", 42), 0.3, True)
        response = await client.get("/metrics")

    samples = _samples(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert samples[("autofix_analyses_total", (("failure_kind", "data_mapping"), ("outcome", "applied")))] == 1
    assert samples[("autofix_analysis_tokens_total", ())] == 42
    assert samples[("autofix_auto_applies_total", ())] == 1
