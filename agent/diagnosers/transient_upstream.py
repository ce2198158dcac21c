"""An upstream that failed for a moment: a 5xx answer or a dropped connection."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, http_status, retry_policy

KIND = "transient_upstream"
RETRY = {"max_attempts": 4, "backoff": "exponential", "delay_ms": 2000}
TRANSIENT_STATUSES = {500, 502, 503, 504}
_NETWORK_WORDS = ("connection reset", "connection refused", "broken pipe", "eof", "no such host")


def diagnose(context: FailureContext) -> list[Candidate]:
    """Give the failed node retries with exponential backoff, unless it already retries as much."""
    status = http_status(context)
    reason = _transient_reason(context, status)
    if reason is None or context.failed_node is None:
        return []
    current = retry_policy(context.failed_node)
    if int(current.get("max_attempts") or 1) >= RETRY["max_attempts"]:
        return []

    node_id = context.failed_node_id
    return [
        Candidate(
            description=(
                f"Set `retry` on {node_id} to {RETRY['max_attempts']} attempts with exponential backoff from "
                f"{RETRY['delay_ms']} ms: {reason}, which is usually temporary."
            ),
            failure_kind=KIND,
            edits=[{"node": node_id, "set": {"retry": dict(RETRY)}}],
            evidence=[f"node {node_id}: {reason}", f"retry policy of {node_id}: {current or 'none'}"],
            specificity=0.7,
        )
    ]


def _transient_reason(context: FailureContext, status: int | None) -> str | None:
    if error_code(context) == "HTTP_SERVER_ERROR" or status in TRANSIENT_STATUSES:
        return f"the upstream answered HTTP {status}"

    reason = str(context.detail.get("reason") or context.error.get("message") or "").lower()
    if error_code(context) == "HTTP_REQUEST_FAILED" and any(word in reason for word in _NETWORK_WORDS):
        return f"the request failed in transit ({reason})"
    return None
