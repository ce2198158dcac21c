"""Small builders of LinkFlow workflow definitions and HTTP responses, for the base workflows."""

import itertools
from typing import Any

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def node(node_id: str, node_type: str, label: str, config: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "data": {"label": label, "config": config, **data}}


def webhook(node_id: str, label: str, path: str) -> dict[str, Any]:
    return node(node_id, "trigger_webhook", label, {"method": ["POST"], "path": path})


def schedule(node_id: str, label: str, cron: str) -> dict[str, Any]:
    return node(node_id, "trigger_schedule", label, {"cron": cron, "timezone": "UTC"})


def http(
    node_id: str,
    label: str,
    url: str,
    *,
    method: str = "GET",
    credential: str | None = None,
    scheme: str = "Bearer ",
    body: Any = None,
    timeout: int = 30,
    **data: Any,
) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if credential is not None:
        headers["Authorization"] = f"{scheme}{{{{ credential.{credential} }}}}"
        data["credential"] = credential
    config: dict[str, Any] = {"method": method, "url": url, "headers": headers, "timeout": timeout}
    if body is not None:
        config["body"] = body
    return node(node_id, "action_http_request", label, config, **data)


def set_values(node_id: str, label: str, values: dict[str, Any]) -> dict[str, Any]:
    """A transform_set node in the editor's form: a list of {key, value} entries."""
    entries = [{"key": key, "value": value} for key, value in values.items()]
    return node(node_id, "transform_set", label, {"values": entries})


def condition(node_id: str, label: str, field: str, operator: str, value: Any) -> dict[str, Any]:
    rule = {"field": field, "operator": operator, "value": value}
    return node(node_id, "logic_condition", label, {"mode": "if", "conditions": [rule], "combine": "and"})


def loop(node_id: str, label: str, items: str) -> dict[str, Any]:
    return node(node_id, "logic_loop", label, {"items": items, "batch_size": 1})


def code(node_id: str, label: str, source: str) -> dict[str, Any]:
    return node(node_id, "transform_code", label, {"language": "javascript", "code": source, "timeout": 5})


def email(node_id: str, label: str, to: list[str], subject: str, body: str) -> dict[str, Any]:
    return node(node_id, "action_send_email", label, {"to": to, "subject": subject, "body": body})


def slack(node_id: str, label: str, channel: str, text: str) -> dict[str, Any]:
    return node(node_id, "action_slack_message", label, {"channel": channel, "text": text}, credential="slack_bot")


def edge(source: str, target: str, handle: str | None = None) -> dict[str, Any]:
    built: dict[str, Any] = {"id": f"e_{source}_{target}", "source": source, "target": target}
    if handle is not None:
        built["sourceHandle"] = handle
    return built


def chain(*node_ids: str) -> list[dict[str, Any]]:
    return [edge(source, target) for source, target in itertools.pairwise(node_ids)]


def workflow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    """Lay the nodes out left to right and add LinkFlow's default run settings."""
    for index, item in enumerate(nodes):
        item["position"] = {"x": 260 * index, "y": 120}
    return {
        "nodes": nodes,
        "edges": edges,
        "settings": {"retry": {"enabled": False, "max_attempts": 1}, "timeout": {"workflow": 600, "node": 60}},
    }


def response(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"status_code": status, "headers": {**JSON_HEADERS, **(headers or {})}, "body": body}


def ok(body: Any) -> dict[str, Any]:
    return response(200, body)
