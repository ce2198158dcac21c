"""A provider that answered 429: retry after the delay it asked for."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import http_status, response_header, retry_policy

KIND = "rate_limit"
MAX_ATTEMPTS = 3
# Without Retry-After the delay is a guess, so the retry backs off from a short start.
DEFAULT_DELAY_MS = 1000


def diagnose(context: FailureContext) -> list[Candidate]:
    """Give the failed node a retry policy that waits as long as Retry-After asks."""
    if http_status(context) != 429 or context.failed_node is None:
        return []

    retry_after = _retry_after_seconds(response_header(context.failed_output(), "Retry-After"))
    if retry_after is not None:
        retry = {"max_attempts": MAX_ATTEMPTS, "backoff": "fixed", "delay_ms": retry_after * 1000}
    else:
        retry = {"max_attempts": MAX_ATTEMPTS, "backoff": "exponential", "delay_ms": DEFAULT_DELAY_MS}
    if retry_policy(context.failed_node) == retry:
        return []

    return [_candidate(context, retry, retry_after)]


def _retry_after_seconds(value: str | None) -> int | None:
    # An HTTP-date Retry-After is not turned into seconds: the recorded clock of the provider is unknown.
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _candidate(context: FailureContext, retry: dict, retry_after: int | None) -> Candidate:
    node_id = context.failed_node_id
    evidence = [f"node {node_id} answered HTTP 429"]
    if retry_after is not None:
        evidence.append(f"Retry-After: {retry_after} (seconds)")
        wait = f"waiting {retry_after} s between attempts as Retry-After asks"
    else:
        wait = "backing off exponentially, since the response had no Retry-After in seconds"
    current = retry_policy(context.failed_node)
    evidence.append(f"retry policy of {node_id}: {current or 'none'}")

    return Candidate(
        description=f"Set `retry` on {node_id} to {retry['max_attempts']} attempts, {wait}: the provider rate-limited the request.",
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"retry": retry}}],
        evidence=evidence,
        specificity=0.9 if retry_after is not None else 0.6,
    )
