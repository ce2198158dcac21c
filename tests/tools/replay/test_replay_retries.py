"""Fixtures serve attempts in order, and retries follow the retry settings on a virtual clock."""

import time

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    request,
    response,
    set_values,
    timeout_fixture,
    trigger,
    workflow,
)
from tools.replay import run_workflow

URL = "https://api.example.com/orders"


def _run(fixtures: list[dict], *, retry: dict | None = None, settings: dict | None = None, **http_data: object):
    data = dict(http_data)
    if retry is not None:
        data["retry"] = retry
    definition = workflow(
        [trigger(), http("fetch", URL, **data), set_values("stamp", {"at": "{{ now() }}"})],
        chain("start", "fetch", "stamp"),
        settings,
    )
    return run_workflow(definition, trigger_data={}, fixtures=fixtures, started_at="2025-03-12T10:00:00Z")


def test_same_fingerprint_fixtures_answer_attempts_in_order() -> None:
    fixtures = [fixture(request(URL), response(503)), fixture(request(URL), response(200, {"ok": 1}))]

    result = _run(fixtures, retry={"max_attempts": 3, "backoff": "fixed", "delay_ms": 500})

    assert result.nodes["fetch"].status == "completed"
    assert result.nodes["fetch"].attempts == 2
    assert result.nodes["fetch"].output["body"] == {"ok": 1}


def test_exhausted_retries_fail_with_last_answer() -> None:
    fixtures = [fixture(request(URL), response(503)), fixture(request(URL), response(502))]

    result = _run(fixtures, retry={"max_attempts": 2, "delay_ms": 100})

    assert result.status == "failed"
    assert result.nodes["fetch"].attempts == 2
    assert result.error["code"] == "HTTP_SERVER_ERROR"
    assert result.nodes["fetch"].output["status_code"] == 502


@pytest.mark.parametrize(
    ("backoff", "expected_clock_ms"),
    [("fixed", 1000 + 1000), ("exponential", 1000 + 2000)],
)
def test_backoff_advances_virtual_clock(backoff: str, expected_clock_ms: int) -> None:
    fixtures = [
        fixture(request(URL), response(500)),
        fixture(request(URL), response(500)),
        fixture(request(URL), response(200)),
    ]

    result = _run(fixtures, retry={"max_attempts": 3, "backoff": backoff, "delay_ms": 1000})

    assert result.clock_ms == expected_clock_ms
    assert result.nodes["stamp"].output["at"] == f"2025-03-12T10:00:0{expected_clock_ms // 1000}.000Z"


def test_retry_after_header_lengthens_wait() -> None:
    fixtures = [
        fixture(request(URL), response(429, headers={"Retry-After": "30"})),
        fixture(request(URL), response(200)),
    ]

    result = _run(fixtures, retry={"max_attempts": 2, "delay_ms": 1000})

    assert result.nodes["fetch"].status == "completed"
    assert result.clock_ms == 30_000


def test_client_error_is_not_retried() -> None:
    fixtures = [fixture(request(URL), response(404)), fixture(request(URL), response(200))]

    result = _run(fixtures, retry={"max_attempts": 3})

    assert result.nodes["fetch"].attempts == 1
    assert result.error["code"] == "HTTP_CLIENT_ERROR"


def test_node_retry_wins_over_settings() -> None:
    fixtures = [fixture(request(URL), response(500)), fixture(request(URL), response(200))]
    settings = {"retry": {"enabled": True, "max_attempts": 1}}

    result = _run(fixtures, retry={"max_attempts": 2, "delay_ms": 10}, settings=settings)

    assert result.nodes["fetch"].status == "completed"


@pytest.mark.parametrize(("enabled", "expected_status"), [(True, "completed"), (False, "failed")])
def test_settings_retry_applies_only_when_enabled(enabled: bool, expected_status: str) -> None:
    fixtures = [fixture(request(URL), response(500)), fixture(request(URL), response(200))]
    settings = {"retry": {"enabled": enabled, "max_attempts": 2, "delay_ms": 10}}

    result = _run(fixtures, settings=settings)

    assert result.nodes["fetch"].status == expected_status


def test_retry_without_fixture_left_is_not_checked() -> None:
    fixtures = [fixture(request(URL), response(503))]

    result = _run(fixtures, retry={"max_attempts": 3, "delay_ms": 10})

    fetch = result.nodes["fetch"]
    assert fetch.status == "not_checked"
    assert fetch.needed["attempt"] == 2
    assert fetch.needed["url"] == URL
    assert result.nodes["stamp"].status == "not_checked"
    assert result.run_status == "incomplete"


def test_timeout_answer_takes_node_timeout_on_clock() -> None:
    fixtures = [timeout_fixture(request(URL)), fixture(request(URL), response(200))]
    definition = workflow(
        [trigger(), http("fetch", URL, retry={"max_attempts": 2, "delay_ms": 5000}), set_values("stamp", {})],
        chain("start", "fetch", "stamp"),
    )
    definition["nodes"][1]["data"]["config"]["timeout"] = 10

    result = run_workflow(definition, trigger_data={}, fixtures=fixtures)

    assert result.nodes["fetch"].status == "completed"
    assert result.clock_ms == 10_000 + 5000


@pytest.mark.parametrize(
    ("retry", "message"),
    [
        ({"max_attempts": 0}, "retry.max_attempts: expected a whole number of at least 1, got the number 0"),
        (
            {"max_attempts": 2, "backoff": "linear"},
            'retry.backoff: expected "fixed" or "exponential", got text "linear"',
        ),
        ({"max_attempts": 2, "delay_ms": -5}, "retry.delay_ms: expected milliseconds of 0 or more, got the number -5"),
    ],
)
def test_invalid_retry_fails_node(retry: dict, message: str) -> None:
    result = _run([fixture(request(URL), response(200))], retry=retry)

    assert result.error["code"] == "INVALID_CONFIG"
    assert result.error["message"] == message


def test_long_backoff_does_not_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_sleep(seconds: float) -> None:
        raise AssertionError(f"replay slept for {seconds} s instead of advancing the virtual clock")

    monkeypatch.setattr(time, "sleep", refuse_sleep)
    fixtures = [fixture(request(URL), response(503)), fixture(request(URL), response(200))]

    result = _run(fixtures, retry={"max_attempts": 2, "delay_ms": 3_600_000})

    assert result.clock_ms == 3_600_000
    assert result.run_status == "completed"
