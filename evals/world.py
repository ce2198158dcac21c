"""World fixtures as the replay engine reads them, with slow answers turned into timeouts.

Replay has no notion of time spent waiting for a response, so a world fixture may carry
`latency_ms` and the `node_id` of the node that makes the request: an answer slower than that
node's timeout becomes an HTTP_TIMEOUT error answer. A fix that raises the timeout then passes
and a fix that only retries does not, as with a real slow service.
"""

import copy
from collections.abc import Iterable
from typing import Any

from tools.replay.executors.http import CLIENT_TIMEOUT_S

TIMEOUT_CODE = "HTTP_TIMEOUT"


def effective_fixtures(definition: dict[str, Any], fixtures: Iterable[Any]) -> list[dict[str, Any]]:
    """Return the fixtures as plain dicts, each answer slower than its node's timeout made a timeout."""
    timeouts = _timeouts_ms(definition)
    answered = []
    for fixture in fixtures:
        record = fixture.model_dump(mode="json", exclude_none=True) if hasattr(fixture, "model_dump") else fixture
        answered.append(_answer(record, timeouts))
    return answered


def _answer(fixture: dict[str, Any], timeouts: dict[str, float]) -> dict[str, Any]:
    latency = fixture.get("latency_ms")
    timeout = timeouts.get(fixture.get("node_id"))
    if latency is None or timeout is None or latency <= timeout or fixture.get("response") is None:
        return fixture

    # With no message the engine writes Go's own wording, naming the method and the URL.
    timed_out = copy.deepcopy(fixture)
    timed_out["response"] = None
    timed_out["error"] = {"code": TIMEOUT_CODE}
    return timed_out


def _timeouts_ms(definition: dict[str, Any]) -> dict[str, float]:
    """Map each HTTP node to the time it waits for an answer, as the engine caps it."""
    timeouts = {}
    for node in definition.get("nodes") or []:
        if not isinstance(node, dict) or node.get("type") != "action_http_request":
            continue
        config = (node.get("data") or {}).get("config") or {}
        timeout = config.get("timeout", CLIENT_TIMEOUT_S)
        # NOTE: a timeout written as an expression is not evaluated here, so its node never times out by latency.
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
            timeouts[node["id"]] = min(timeout, CLIENT_TIMEOUT_S) * 1000
    return timeouts
