"""Small builders of workflows, recorded executions and fixtures for the replay tests."""

import itertools
from typing import Any

from tools.fingerprint import fingerprint_request
from tools.redaction import redact
from tools.replay import ReplayResult, run_workflow

STARTED_AT = "2025-03-12T10:00:00Z"


def node(node_id: str, node_type: str, config: dict[str, Any] | None = None, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "data": {"label": node_id, "config": config or {}, **data}}


def trigger(node_id: str = "start") -> dict[str, Any]:
    return node(node_id, "trigger_manual")


def http(
    node_id: str, url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: Any = None, **data: Any
) -> dict[str, Any]:
    config: dict[str, Any] = {"method": method, "url": url}
    if headers is not None:
        config["headers"] = headers
    if body is not None:
        config["body"] = body
    return node(node_id, "action_http_request", config, **data)


def set_values(node_id: str, values: dict[str, Any], **data: Any) -> dict[str, Any]:
    """A transform_set node in LinkFlow editor's form: a list of {key, value} entries."""
    entries = [{"key": key, "value": value} for key, value in values.items()]
    return node(node_id, "transform_set", {"values": entries}, **data)


def condition(node_id: str, expression: str, **data: Any) -> dict[str, Any]:
    return node(node_id, "logic_condition", {"mode": "expression", "expression": expression}, **data)


def loop(node_id: str, items: Any, **config: Any) -> dict[str, Any]:
    return node(node_id, "logic_loop", {"items": items, **config})


def code(node_id: str, source: str, **config: Any) -> dict[str, Any]:
    return node(node_id, "transform_code", {"code": source, **config})


def edge(source: str, target: str, handle: str | None = None) -> dict[str, Any]:
    built: dict[str, Any] = {"id": f"{source}->{target}", "source": source, "target": target}
    if handle is not None:
        built["sourceHandle"] = handle
    return built


def chain(*node_ids: str) -> list[dict[str, Any]]:
    return [edge(source, target) for source, target in itertools.pairwise(node_ids)]


def workflow(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    definition: dict[str, Any] = {"nodes": nodes, "edges": edges}
    if settings is not None:
        definition["settings"] = settings
    return definition


def request(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: Any = None
) -> dict[str, Any]:
    return {"method": method, "url": url, "headers": headers or {}, "body": body}


def response(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"status_code": status, "headers": headers or {"Content-Type": "application/json"}, "body": body}


def fixture(
    sent: dict[str, Any],
    answer: dict[str, Any] | None = None,
    *,
    error: dict[str, Any] | None = None,
    node_id: str | None = None,
) -> dict[str, Any]:
    """A fixture keyed as import keys it: by the fingerprint of the redacted request."""
    built: dict[str, Any] = {
        "request_fingerprint": fingerprint_request(redact(sent).value),
        "request": sent,
        "response": answer,
    }
    if error is not None:
        built["error"] = error
    if node_id is not None:
        built["node_id"] = node_id
    return built


def timeout_fixture(sent: dict[str, Any]) -> dict[str, Any]:
    return fixture(sent, None, error={"code": "HTTP_TIMEOUT", "message": "context deadline exceeded"})


def record(
    node_id: str,
    node_type: str,
    status: str,
    *,
    output: Any = None,
    input_value: Any = None,
    error: dict[str, Any] | None = None,
    sequence: int = 1,
) -> dict[str, Any]:
    built: dict[str, Any] = {"node_id": node_id, "node_type": node_type, "status": status, "sequence": sequence}
    if input_value is not None:
        built["input"] = input_value
    if output is not None:
        built["output"] = output
    if error is not None:
        built["error"] = error
    return built


def execution(
    records: list[dict[str, Any]],
    *,
    trigger_data: Any,
    fixtures: list[dict[str, Any]] | None = None,
    failed_node: str | None = None,
) -> dict[str, Any]:
    built: dict[str, Any] = {
        "execution_id": "812",
        "workflow_id": "wf_test",
        "workspace_id": "ws_test",
        "status": "failed" if failed_node else "completed",
        "trigger_data": trigger_data,
        "nodes": records,
        "started_at": STARTED_AT,
        "deterministic_fixtures": fixtures or [],
    }
    if failed_node is not None:
        failed = next((item for item in records if item["node_id"] == failed_node), {})
        message = (failed.get("error") or {}).get("message", "failed")
        built["error"] = {"message": message, "failed_node": failed_node}
    return built


def recorded_run(definition: dict[str, Any], *, trigger_data: Any, fixtures: list[dict[str, Any]]) -> dict[str, Any]:
    """Record a run the way LinkFlow's engine reports it, by running the workflow against fixtures.

    Every fixture given is kept as a recorded fixture, in order.
    """
    result = run_workflow(definition, trigger_data=trigger_data, fixtures=fixtures, started_at=STARTED_AT)
    return execution(_records_of(result), trigger_data=trigger_data, fixtures=fixtures, failed_node=result.failed_node)


def _records_of(result: ReplayResult) -> list[dict[str, Any]]:
    records = []
    for sequence, (node_id, run) in enumerate(result.nodes.items(), start=1):
        error = {"message": run.error["message"], "code": run.error["code"]} if run.error else None
        # LinkFlow has no "not checked": a node the engine never got to is pending.
        status = "pending" if run.status == "not_checked" else run.status
        records.append(
            record(
                node_id, run.node_type, status, output=run.output, input_value=run.input, error=error, sequence=sequence
            )
        )
    return records
