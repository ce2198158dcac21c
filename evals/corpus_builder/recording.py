"""Turn a replay run into the recorded execution LinkFlow's engine would have posted for it.

Node records, log lines, fixtures and connector attempts all come from the run and the fixtures
it used, so replaying the recording reproduces its failure. Timestamps are synthetic: nodes are
spaced a few milliseconds apart, and time spent in retries, timeouts and delays is the run's
virtual clock.
"""

from datetime import datetime, timedelta
from typing import Any

from evals.corpus_builder.base import BuildError
from tools.formats.timestamps import parse_rfc3339
from tools.replay import ReplayResult

_NODE_SPACING_MS = 4
_TIMEOUT_CODE = "HTTP_TIMEOUT"


def record_execution(
    *,
    execution_id: int,
    workflow_id: str,
    workspace_id: str,
    version: int,
    definition: dict[str, Any],
    trigger_data: Any,
    started_at: str,
    result: ReplayResult,
    used_fixtures: list[dict[str, Any]],
) -> dict[str, Any]:
    """Build the execution record of a run.

    Raises:
        BuildError: a node could not be checked, so the run is not a complete recording.
    """
    if result.not_checked:
        raise BuildError(f"{workflow_id}: nodes {', '.join(result.not_checked)} had no response in the world")

    start = parse_rfc3339(started_at)
    labels = {item["id"]: item["data"].get("label") for item in definition["nodes"]}
    records = _node_records(result, trigger_data, labels, start)
    execution: dict[str, Any] = {
        "execution_id": execution_id,
        "workflow_id": workflow_id,
        "workspace_id": workspace_id,
        "workflow_version": version,
        "status": "failed" if result.run_status == "failed" else "completed",
        "trigger_data": trigger_data,
        "nodes": records,
        "started_at": started_at,
        "duration_ms": _duration_ms(records, start),
        "logs": _logs(execution_id, workflow_id, version, records, start),
        "deterministic_fixtures": [_recorded_fixture(fixture) for fixture in used_fixtures if fixture.get("response")],
        "connector_attempts": _connector_attempts(used_fixtures, start),
    }
    if result.failed_node is not None and result.error is not None:
        execution["error"] = {
            "message": f"node '{result.failed_node}' failed: {result.error['message']}",
            "code": result.error.get("code"),
            "failed_node": result.failed_node,
        }
    return execution


def _node_records(
    result: ReplayResult, trigger_data: Any, labels: dict[str, Any], start: datetime
) -> list[dict[str, Any]]:
    records = []
    sequence = 0
    for node_id, run in result.nodes.items():
        record: dict[str, Any] = {
            "node_id": node_id,
            "node_type": run.node_type,
            "node_name": labels.get(node_id),
            "status": run.status,
        }
        if run.status in ("completed", "failed"):
            sequence += 1
            began = start + timedelta(milliseconds=sequence * _NODE_SPACING_MS)
            ended = began + timedelta(milliseconds=2 + (result.clock_ms if run.status == "failed" else 0))
            record["input"] = trigger_data if run.node_type.startswith("trigger_") else run.input
            if run.output is not None:
                record["output"] = run.output
            if run.error is not None:
                record["error"] = {"message": run.error["message"], "code": run.error.get("code"), "type": _error_type(run.error)}
            record.update(started_at=_stamp(began), completed_at=_stamp(ended), sequence=sequence, attempt=max(run.attempts, 1))
        records.append(record)
    return records


def _error_type(error: dict[str, Any]) -> str:
    if error.get("code") == _TIMEOUT_CODE:
        return "TIMEOUT"
    return "RETRYABLE" if (error.get("detail") or {}).get("retryable") else "NON_RETRYABLE"


def _duration_ms(records: list[dict[str, Any]], start: datetime) -> int:
    ends = [parse_rfc3339(record["completed_at"]) for record in records if "completed_at" in record]
    return int((max(ends) - start) / timedelta(milliseconds=1)) if ends else 0


def _logs(execution_id: int, workflow_id: str, version: int, records: list[dict[str, Any]], start: datetime) -> list[dict[str, Any]]:
    logs = [_log("info", f"execution {execution_id} started: workflow {workflow_id} version {version}", _stamp(start))]
    failed = None
    for record in records:
        if "started_at" not in record:
            continue
        node_id = record["node_id"]
        logs.append(_log("info", f"node {node_id} started ({record['node_type']})", record["started_at"], node_id))
        if record["status"] == "completed":
            logs.append(_log("info", f"node {node_id} completed", record["completed_at"], node_id))
        else:
            failed = record
            context = {"attempt": record["attempt"], "error_code": record["error"]["code"]}
            logs.append(_log("error", record["error"]["message"], record["completed_at"], node_id, context))

    if failed is not None:
        message = f"execution {execution_id} failed: node '{failed['node_id']}' failed"
        logs.append(_log("error", message, failed["completed_at"], context={"failed_node": failed["node_id"]}))
    else:
        last = max((record["completed_at"] for record in records if "completed_at" in record), default=_stamp(start))
        logs.append(_log("info", f"execution {execution_id} completed", last))
    return logs


def _log(level: str, message: str, at: str, node_id: str | None = None, context: dict[str, Any] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"level": level, "message": message, "logged_at": at}
    if node_id is not None:
        entry["node_id"] = node_id
    if context is not None:
        entry["context"] = context
    return entry


def _recorded_fixture(fixture: dict[str, Any]) -> dict[str, Any]:
    # Latency is the world's knowledge; a recording only has the exchange.
    return {key: value for key, value in fixture.items() if key != "latency_ms"}


def _connector_attempts(used_fixtures: list[dict[str, Any]], start: datetime) -> list[dict[str, Any]]:
    attempts = []
    per_node: dict[str, int] = {}
    for index, fixture in enumerate(used_fixtures):
        node_id = fixture.get("node_id", "")
        per_node[node_id] = per_node.get(node_id, 0) + 1
        attempt: dict[str, Any] = {
            "node_id": node_id,
            "connector_key": "action_http_request",
            "status": _attempt_status(fixture),
            "attempt_no": per_node[node_id],
            "request_fingerprint": fixture["request_fingerprint"],
            "happened_at": _stamp(start + timedelta(milliseconds=10 + index)),
        }
        response = fixture.get("response")
        if response is not None:
            attempt["status_code"] = response.get("status_code", 200)
        else:
            attempt["error_message"] = (fixture.get("error") or {}).get("message") or "context deadline exceeded"
        attempts.append(attempt)
    return attempts


def _attempt_status(fixture: dict[str, Any]) -> str:
    response = fixture.get("response")
    if response is None:
        code = (fixture.get("error") or {}).get("code")
        return "timeout" if code == _TIMEOUT_CODE else "network_error"
    status = response.get("status_code", 200)
    if status >= 500:
        return "server_error"
    return "client_error" if status >= 400 else "success"


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
