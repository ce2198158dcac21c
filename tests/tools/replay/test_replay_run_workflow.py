"""run_workflow, the eval oracle: a whole run from the trigger against "world" fixtures."""

from datetime import UTC, datetime

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    node,
    request,
    response,
    set_values,
    timeout_fixture,
    trigger,
    workflow,
)
from tools.replay import run_workflow

URL = "https://reports.example.com/revenue"


def _report(**http_data: object) -> dict:
    return workflow(
        [
            trigger(),
            http("fetch", URL, **http_data),
            node("mail", "action_send_email", {"to": "cfo@example.com", "subject": "Revenue {{ fetch.body.total }}"}),
        ],
        chain("start", "fetch", "mail"),
    )


def test_world_run_completes_with_intended_calls() -> None:
    world = [fixture(request(URL), response(200, {"total": 1499.99}))]

    result = run_workflow(_report(), trigger_data={}, fixtures=world)

    assert result.run_status == "completed"
    assert result.status == "passed"
    assert not any(run.reused for run in result.nodes.values())
    assert result.intended_calls[0]["call"]["subject"] == "Revenue 1499.99"


def test_timeout_answer_fails_node() -> None:
    result = run_workflow(_report(), trigger_data={}, fixtures=[timeout_fixture(request(URL))])

    assert result.run_status == "failed"
    assert result.failed_node == "fetch"
    assert result.error["code"] == "HTTP_TIMEOUT"
    assert result.error["message"] == "context deadline exceeded"
    assert result.clock_ms == 30_000


def test_timeout_then_success_with_retry() -> None:
    world = [timeout_fixture(request(URL)), fixture(request(URL), response(200, {"total": 5}))]

    result = run_workflow(_report(retry={"max_attempts": 2, "delay_ms": 1000}), trigger_data={}, fixtures=world)

    assert result.run_status == "completed"
    assert result.nodes["fetch"].attempts == 2
    assert result.clock_ms == 31_000


def test_error_answer_without_message_reads_like_engine() -> None:
    world = [fixture(request(URL), None, error={"code": "HTTP_TIMEOUT"})]

    result = run_workflow(_report(), trigger_data={}, fixtures=world)

    assert result.error["message"] == f'HTTP request failed: Get "{URL}": context deadline exceeded'


def test_missing_world_fixture_is_incomplete() -> None:
    result = run_workflow(_report(), trigger_data={}, fixtures=[])

    assert result.run_status == "incomplete"
    assert result.not_checked == ["fetch", "mail"]


def test_started_at_drives_now() -> None:
    definition = workflow(
        [trigger(), set_values("stamp", {"day": "{{ dateFormat(now(), 'yyyy-MM-dd') }}"})], chain("start", "stamp")
    )

    as_text = run_workflow(definition, trigger_data={}, fixtures=[], started_at="2025-03-12T23:30:00Z")
    as_datetime = run_workflow(definition, trigger_data={}, fixtures=[], started_at=datetime(2024, 2, 29, tzinfo=UTC))

    assert as_text.nodes["stamp"].output["day"] == "2025-03-12"
    assert as_datetime.nodes["stamp"].output["day"] == "2024-02-29"


def test_naive_started_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="time zone"):
        run_workflow(_report(), trigger_data={}, fixtures=[], started_at=datetime(2025, 1, 1))


def test_env_variables_resolve() -> None:
    definition = workflow([trigger(), set_values("cfg", {"region": "{{ env.REGION }}"})], chain("start", "cfg"))

    result = run_workflow(definition, trigger_data={}, fixtures=[], env={"REGION": "eu-west-1"})

    assert result.nodes["cfg"].output["region"] == "eu-west-1"


def test_world_fixtures_are_not_shared_between_runs() -> None:
    world = [fixture(request(URL), response(200, {"total": 1}))]

    first = run_workflow(_report(), trigger_data={}, fixtures=world)
    second = run_workflow(_report(), trigger_data={}, fixtures=world)

    assert first.run_status == "completed"
    assert second.run_status == "completed"
