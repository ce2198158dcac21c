"""Nodes that reach people or third parties: checked and recorded as intended calls, never performed.

Such a node's configuration is validated against its schema, every expression in it is resolved,
and the resolved configuration is recorded as `{"node", "type", "call"}`. Its output, which the
nodes after it may read, is chosen so that it is deterministic:

- the node's output in the recording, when it completed there (the provider's real response);
- else, for an approval, the decision in `ReplayOptions.approval_decision`, in LinkFlow's shape
  `{approval_id, decision, decision_payload}`;
- else a stand-in response in the shape LinkFlow's engine outputs for that type (email, Slack), or for
  the integrations `{ok, operation, resource}`, each with `"performed": false`.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tools.catalog import Issue, validate_config
from tools.replay.executors.base import NodeCall
from tools.replay.failures import NotChecked, invalid_config


def execute_side_effect(call: NodeCall) -> Any:
    """Validate, resolve and record the node's call, and return its stand-in output.

    Raises:
        NodeFailure: the configuration breaks its schema, before or after resolving expressions.
        NotChecked: an approval with no recorded or assumed decision; the run waits for a person.
    """
    _check(call.node_type, call.config, resolved=False)
    resolved = call.render(call.config)
    _check(call.node_type, resolved, resolved=True)
    call.state.record_intended_call(call.node_id, call.node_type, resolved)

    recorded = call.state.recorded_outputs
    if call.node_id in recorded:
        return recorded[call.node_id]
    if call.node_type == "action_approval":
        return _approval_output(call)
    synthesize = _SYNTHESIZERS.get(call.node_type, _integration_output)
    return synthesize(call.node_id, resolved, call.state.now())


def _check(node_type: str, config: dict[str, Any], *, resolved: bool) -> None:
    errors = [issue for issue in validate_config(node_type, config) if issue.severity == "error"]
    if not errors:
        return
    stage = "once its expressions are resolved, the configuration" if resolved else "the configuration"
    listing = "; ".join(issue.message for issue in errors)
    raise invalid_config(
        f"{stage} is invalid: {listing}",
        {"resolved": resolved, "issues": [_issue_dict(issue) for issue in errors]},
    )


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {"pointer": issue.pointer, "message": issue.message, "code": str(issue.code)}


def _approval_output(call: NodeCall) -> dict[str, Any]:
    decision = call.state.options.approval_decision
    if decision is None:
        raise NotChecked(
            {
                "reason": "the run waits here for a person to approve or reject; replay was told to assume no decision",
                "approval": call.node_id,
            }
        )
    return {"approval_id": f"replay-{call.node_id}", "decision": decision, "decision_payload": None, "performed": False}


def _email_output(node_id: str, call: dict[str, Any], now: datetime) -> dict[str, Any]:
    to = call.get("to")
    recipients = to if isinstance(to, list) else [to]
    return {
        "success": True,
        "message_id": f"<replay-{node_id}@autofix.invalid>",
        "recipients": recipients,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "performed": False,
    }


def _slack_output(node_id: str, call: dict[str, Any], now: datetime) -> dict[str, Any]:
    text = call.get("text") if call.get("text") is not None else call.get("message")
    return {
        "ok": True,
        "channel": call.get("channel"),
        "ts": f"{now.timestamp():.6f}",
        "message": {"text": text},
        "performed": False,
    }


def _integration_output(node_id: str, call: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"ok": True, "operation": call.get("operation"), "resource": call.get("resource"), "performed": False}


_SYNTHESIZERS: dict[str, Callable[[str, dict[str, Any], datetime], dict[str, Any]]] = {
    "action_send_email": _email_output,
    "action_slack_message": _slack_output,
}
