"""An HTTP request that ran into the node's own timeout."""

from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code
from tools.catalog import node_schema
from tools.formats.timestamps import parse_rfc3339

KIND = "timeout"
HTTP_NODE = "action_http_request"
# LinkFlow's HTTP client stops every request after 30 seconds, whatever the node asks for.
CLIENT_LIMIT_S = 30


def diagnose(context: FailureContext) -> list[Candidate]:
    """Raise config.timeout of the failed HTTP node to the most LinkFlow's client allows."""
    node = context.failed_node
    if node is None or node.get("type") != HTTP_NODE or not _timed_out(context):
        return []
    current = (node.get("data") or {}).get("config", {}).get("timeout", CLIENT_LIMIT_S)
    limit = min(CLIENT_LIMIT_S, node_schema(HTTP_NODE)["properties"]["timeout"].get("maximum", CLIENT_LIMIT_S))
    if not isinstance(current, int | float) or current >= limit:
        return []

    return [_candidate(context, current, limit)]


def _timed_out(context: FailureContext) -> bool:
    if error_code(context) == "HTTP_TIMEOUT":
        return True
    return bool(context.attempts) and all(attempt.status == "timeout" for attempt in context.attempts)


def _candidate(context: FailureContext, current: Any, limit: int) -> Candidate:
    node_id = context.failed_node_id
    evidence = [f"node {node_id} timed out after config.timeout = {current} s in {len(context.attempts)} attempt(s)"]
    last_seconds = _last_success_seconds(context)
    if last_seconds is not None:
        evidence.append(f"in the last successful run {node_id} took {last_seconds:.1f} s")
    near_limit = last_seconds is not None and last_seconds >= 0.8 * current

    return Candidate(
        description=(
            f"Raise config.timeout of {node_id} from {current} to {limit} s, the most LinkFlow's HTTP client waits: "
            "the request ran out of time" + (f" and took {last_seconds:.1f} s when it last succeeded." if last_seconds else ".")
        ),
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"config.timeout": limit}}],
        evidence=evidence,
        specificity=0.8 if near_limit else 0.6,
    )


def _last_success_seconds(context: FailureContext) -> float | None:
    run = context.last_success
    if run is None:
        return None
    for record in run.nodes:
        if record.node_id == context.failed_node_id and record.started_at and record.completed_at:
            return (parse_rfc3339(record.completed_at) - parse_rfc3339(record.started_at)).total_seconds()
    return None
