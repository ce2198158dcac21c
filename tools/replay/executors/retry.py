"""Retry policies: the node's own `retry` wins over `settings.retry` when that is enabled."""

from dataclasses import dataclass
from typing import Any

from tools.expressions import describe_value
from tools.replay.executors.base import NodeCall
from tools.replay.failures import invalid_config

_BACKOFFS = ("fixed", "exponential")
DEFAULT_DELAY_MS = 1000


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts a node gets, and how long it waits before each retry."""

    max_attempts: int = 1
    backoff: str = "fixed"
    delay_ms: int = DEFAULT_DELAY_MS


NO_RETRY = RetryPolicy()


def retry_policy(call: NodeCall) -> RetryPolicy:
    """Read the policy that applies to a node.

    Raises:
        NodeFailure: a retry field has a value no policy can use, naming the field.
    """
    own = call.data.get("retry")
    if isinstance(own, dict):
        return _parse(own, "retry")

    settings = call.state.graph.settings.get("retry")
    if isinstance(settings, dict) and settings.get("enabled") is True:
        return _parse(settings, "settings.retry")
    return NO_RETRY


def retry_delay_ms(policy: RetryPolicy, failed_attempt: int, response: Any) -> int:
    """Return the wait before the attempt after `failed_attempt`.

    A Retry-After header given in seconds lengthens the wait to what the server asked for.
    """
    if policy.backoff == "exponential":
        delay = policy.delay_ms * 2 ** (failed_attempt - 1)
    else:
        delay = policy.delay_ms
    return max(delay, _retry_after_ms(response))


def _parse(raw: dict[str, Any], where: str) -> RetryPolicy:
    max_attempts = raw.get("max_attempts", 1)
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
        raise invalid_config(
            f"{where}.max_attempts: expected a whole number of at least 1, got {describe_value(max_attempts)}"
        )

    backoff = raw.get("backoff") or "fixed"
    if backoff not in _BACKOFFS:
        raise invalid_config(f'{where}.backoff: expected "fixed" or "exponential", got {describe_value(backoff)}')

    delay_ms = raw.get("delay_ms", DEFAULT_DELAY_MS)
    if isinstance(delay_ms, bool) or not isinstance(delay_ms, int | float) or delay_ms < 0:
        raise invalid_config(f"{where}.delay_ms: expected milliseconds of 0 or more, got {describe_value(delay_ms)}")
    return RetryPolicy(max_attempts=max_attempts, backoff=backoff, delay_ms=int(delay_ms))


def _retry_after_ms(response: Any) -> int:
    if not isinstance(response, dict) or not isinstance(response.get("headers"), dict):
        return 0
    for name, value in response["headers"].items():
        if str(name).lower() == "retry-after":
            text = str(value).strip()
            # An HTTP date is also allowed here; only the seconds form is read.
            return int(text) * 1000 if text.isdigit() else 0
    return 0
