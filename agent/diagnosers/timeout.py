"""An HTTP request that ran into the node's own timeout: a slow upstream, or one dropped request."""

from dataclasses import dataclass
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, retry_policy
from tools.catalog import node_schema
from tools.formats.timestamps import parse_rfc3339

KIND = "timeout"
HTTP_NODE = "action_http_request"
# LinkFlow's HTTP client stops every request after 30 seconds, whatever the node asks for.
CLIENT_LIMIT_S = 30
# One more attempt after a pause covers a request that was dropped once.
RETRY_ONCE = {"max_attempts": 2, "backoff": "fixed", "delay_ms": 5000}
# A last successful run that used this share of the timeout shows an upstream near its limit.
NEAR_LIMIT_SHARE = 0.8


@dataclass(frozen=True)
class _Evidence:
    current: int | float
    limit: int
    attempts: int
    retries: bool
    last_seconds: float | None

    @property
    def can_raise(self) -> bool:
        return self.current < self.limit

    @property
    def slow_before(self) -> bool:
        return self.last_seconds is not None and self.last_seconds >= NEAR_LIMIT_SHARE * self.current

    @property
    def timed_out_repeatedly(self) -> bool:
        return self.attempts >= 2


def diagnose(context: FailureContext) -> list[Candidate]:
    """Raise config.timeout when the upstream was slow, retry once when a single request timed out.

    Every attempt timing out, or a last success that took most of the timeout, shows a slow
    upstream: only a longer timeout helps, and only up to the client's limit. A single timed-out
    request with no such sign cannot be told apart from a dropped one, so the fix retries once
    and, when the timeout is below the limit, also waits up to the limit.
    """
    node = context.failed_node
    if node is None or node.get("type") != HTTP_NODE or not _timed_out(context):
        return []
    evidence = _gather(context, node)
    if evidence is None:
        return []

    if evidence.timed_out_repeatedly or evidence.slow_before:
        return [_raise_candidate(context, evidence)] if evidence.can_raise else []
    if evidence.retries:
        return []
    return [_retry_candidate(context, evidence)]


def _timed_out(context: FailureContext) -> bool:
    if error_code(context) == "HTTP_TIMEOUT":
        return True
    return bool(context.attempts) and all(attempt.status == "timeout" for attempt in context.attempts)


def _gather(context: FailureContext, node: dict[str, Any]) -> _Evidence | None:
    current = (node.get("data") or {}).get("config", {}).get("timeout", CLIENT_LIMIT_S)
    if not isinstance(current, int | float) or isinstance(current, bool):
        return None
    limit = min(CLIENT_LIMIT_S, node_schema(HTTP_NODE)["properties"]["timeout"].get("maximum", CLIENT_LIMIT_S))
    timeouts = [attempt for attempt in context.attempts if attempt.status == "timeout"]
    return _Evidence(
        current=current,
        limit=limit,
        attempts=len(timeouts),
        retries=int(retry_policy(node).get("max_attempts") or 1) > 1,
        last_seconds=_last_success_seconds(context),
    )


def _raise_candidate(context: FailureContext, evidence: _Evidence) -> Candidate:
    node_id = context.failed_node_id
    reason = (
        f"took {evidence.last_seconds:.1f} s when it last succeeded"
        if evidence.slow_before
        else f"timed out in all {evidence.attempts} attempts"
    )
    return Candidate(
        description=(
            f"Raise config.timeout of {node_id} from {evidence.current} to {evidence.limit} s, the most LinkFlow's "
            f"HTTP client waits: the request {reason}, so the upstream is slow rather than failing once."
        ),
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"config.timeout": evidence.limit}}],
        evidence=_evidence_lines(context, evidence),
        specificity=0.8,
    )


def _retry_candidate(context: FailureContext, evidence: _Evidence) -> Candidate:
    node_id = context.failed_node_id
    changes: dict[str, Any] = {"retry": dict(RETRY_ONCE)}
    wait = ""
    if evidence.can_raise:
        changes["config.timeout"] = evidence.limit
        wait = f" and raise config.timeout from {evidence.current} to {evidence.limit} s"
    return Candidate(
        description=(
            f"Retry {node_id} once after {RETRY_ONCE['delay_ms']} ms{wait}: a single request timed out, and the "
            "recording cannot tell a dropped request from a slow upstream."
        ),
        failure_kind=KIND,
        edits=[{"node": node_id, "set": changes}],
        evidence=_evidence_lines(context, evidence),
        specificity=0.6,
    )


def _evidence_lines(context: FailureContext, evidence: _Evidence) -> list[str]:
    node_id = context.failed_node_id
    lines = [f"node {node_id} timed out after config.timeout = {evidence.current} s in {evidence.attempts} attempt(s)"]
    if evidence.last_seconds is not None:
        lines.append(f"in the last successful run {node_id} took {evidence.last_seconds:.1f} s")
    lines.append(f"retry policy of {node_id}: {retry_policy(context.failed_node) or 'none'}")
    return lines


def _last_success_seconds(context: FailureContext) -> float | None:
    run = context.last_success
    if run is None:
        return None
    for record in run.nodes:
        if record.node_id == context.failed_node_id and record.started_at and record.completed_at:
            return (parse_rfc3339(record.completed_at) - parse_rfc3339(record.started_at)).total_seconds()
    return None
