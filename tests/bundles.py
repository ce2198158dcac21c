"""Small, realistic failure bundles for tests.

The default bundle: workspace ws_acme, workflow wf_orders version 7, where a webhook trigger
feeds an HTTP request that failed with a 404. The bearer token BEARER_TOKEN appears in the
trigger's callback URL, the recorded request headers, the HTTP fixture and a log line, so
redaction has work to do.
"""

import copy
import json
from typing import Any

BEARER_TOKEN = "tok_live_7Hq2Xv9LmP4sR8wZ1cN6"

_DEFINITION: dict[str, Any] = {
    "nodes": [
        {
            "id": "order_hook",
            "type": "trigger_webhook",
            "position": {"x": 0, "y": 80},
            "data": {"label": "New order", "config": {"method": ["POST"], "path": "orders"}},
        },
        {
            "id": "fetch_customer",
            "type": "action_http_request",
            "position": {"x": 240, "y": 80},
            "data": {
                "label": "Fetch customer",
                "config": {
                    "method": "GET",
                    "url": "https://api.example.com/customers/{{ trigger.body.customer_id }}",
                    "headers": {"Authorization": "Bearer {{ credential.crm_token }}"},
                    "timeout": 30,
                },
                "credential": "crm_token",
            },
        },
    ],
    "edges": [{"id": "e1", "source": "order_hook", "target": "fetch_customer"}],
}

_REQUEST: dict[str, Any] = {
    "method": "GET",
    "url": "https://api.example.com/customers/cus_404",
    "headers": {"Accept": "application/json", "Authorization": f"Bearer {BEARER_TOKEN}"},
    "body": None,
}

_RESPONSE: dict[str, Any] = {
    "status_code": 404,
    "headers": {"Content-Type": "application/json"},
    "body": {"error": "customer not found", "id": "cus_404"},
}


def make_execution(
    *,
    execution_id: str = "812",
    workspace_id: str = "ws_acme",
    workflow_id: str = "wf_orders",
    version: int | None = 7,
    failed: bool = True,
    started_at: str = "2026-03-01T09:30:00Z",
) -> dict[str, Any]:
    """Build a recorded execution: the 404 failure, or with `failed=False` a run that succeeded."""
    execution: dict[str, Any] = {
        "execution_id": execution_id,
        "workflow_id": workflow_id,
        "workspace_id": workspace_id,
        "status": "failed" if failed else "completed",
        "trigger_data": {
            "body": {"customer_id": "cus_404", "order_id": "ord_1001"},
            "headers": {"X-Callback-Url": f"https://hooks.example.com/orders?access_token={BEARER_TOKEN}"},
        },
        "nodes": [_trigger_record(started_at), _request_record(started_at, failed)],
        "started_at": started_at,
        "duration_ms": 1840,
        "logs": _log_lines(started_at, failed),
        "deterministic_fixtures": [
            {"request_fingerprint": "0" * 64, "request": copy.deepcopy(_REQUEST), "response": _response(failed)}
        ],
        "connector_attempts": [
            {
                "node_id": "fetch_customer",
                "connector_key": "http",
                "status": "client_error" if failed else "success",
                "status_code": 404 if failed else 200,
                "attempt_no": 1,
            }
        ],
    }
    if version is not None:
        execution["workflow_version"] = version
    if failed:
        execution["error"] = {
            "message": "HTTP 404 Not Found from GET https://api.example.com/customers/cus_404",
            "code": "HTTP_404",
            "failed_node": "fetch_customer",
        }
    return execution


def make_bundle(**overrides: Any) -> dict[str, Any]:
    """Build the default failure bundle; each keyword replaces that top-level field."""
    bundle: dict[str, Any] = {
        "format": "autofix.failure-bundle/1",
        "workspace": {
            "id": "ws_acme",
            "policy": {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.8},
        },
        "workflow": {"id": "wf_orders", "name": "Order intake", "version": 7, "definition": make_definition()},
        "execution": make_execution(),
        "history": [],
        "variables": {"env": {"API_BASE": "https://api.example.com"}},
        "credentials": [{"name": "crm_token", "type": "bearer", "status": "valid"}],
    }
    bundle.update(copy.deepcopy(overrides))
    return bundle


def make_definition(*, timeout: int = 30) -> dict[str, Any]:
    """Build the workflow definition; a different `timeout` gives a different definition."""
    definition = copy.deepcopy(_DEFINITION)
    definition["nodes"][1]["data"]["config"]["timeout"] = timeout
    return definition


def bundle_bytes(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle).encode("utf-8")


def _trigger_record(started_at: str) -> dict[str, Any]:
    return {
        "node_id": "order_hook",
        "node_type": "trigger_webhook",
        "node_name": "New order",
        "status": "completed",
        "output": {"body": {"customer_id": "cus_404", "order_id": "ord_1001"}},
        "started_at": started_at,
        "completed_at": started_at,
        "sequence": 1,
        "attempt": 1,
    }


def _request_record(started_at: str, failed: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "node_id": "fetch_customer",
        "node_type": "action_http_request",
        "node_name": "Fetch customer",
        "status": "failed" if failed else "completed",
        "input": copy.deepcopy(_REQUEST),
        "output": _response(failed),
        "started_at": started_at,
        "completed_at": started_at,
        "sequence": 2,
        "attempt": 1,
    }
    if failed:
        record["error"] = {"message": "HTTP 404: customer not found", "code": "HTTP_404", "type": "NON_RETRYABLE"}
    return record


def _response(failed: bool) -> dict[str, Any]:
    if failed:
        return copy.deepcopy(_RESPONSE)
    return {
        "status_code": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"id": "cus_404", "email": "a@example.com"},
    }


def _log_lines(started_at: str, failed: bool) -> list[dict[str, Any]]:
    lines = [
        {
            "level": "info",
            "message": "webhook received order ord_1001",
            "node_id": "order_hook",
            "logged_at": started_at,
        }
    ]
    if failed:
        lines.append(
            {
                "level": "error",
                "message": (
                    f"GET https://api.example.com/customers/cus_404 with Authorization: Bearer {BEARER_TOKEN}"
                    " returned 404"
                ),
                "node_id": "fetch_customer",
                "logged_at": started_at,
                "context": {"status_code": 404, "attempt": 1},
            }
        )
    return lines
