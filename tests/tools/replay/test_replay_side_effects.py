"""Side-effecting nodes are validated, resolved and recorded as intended calls, never performed."""

import copy

from tests.tools.replay.builders import (
    chain,
    edge,
    execution,
    loop,
    node,
    record,
    set_values,
    trigger,
    workflow,
)
from tools.replay import ReplayOptions, prepare_recording, replay, run_workflow

STARTED_AT = "2025-03-12T10:00:00Z"


def _email(**config: object) -> dict:
    base = {
        "to": ["{{ trigger.customer.email }}"],
        "subject": "Invoice {{ trigger.invoice }}",
        "body": "Total {{ trigger.total }}",
    }
    return node("send_invoice", "action_send_email", {**base, **config})


def _run(side_effect: dict, trigger_data: object, options: ReplayOptions | None = None):
    definition = workflow(
        [trigger(), side_effect, set_values("after", {"upstream": "{{ nodes['" + side_effect["id"] + "'] }}"})],
        chain("start", side_effect["id"], "after"),
    )
    return run_workflow(
        definition, trigger_data=trigger_data, fixtures=[], started_at=STARTED_AT, options=options or ReplayOptions()
    )


CUSTOMER = {"customer": {"email": "dana@example.com"}, "invoice": "INV-7", "total": 12.5}


def test_email_recorded_as_intended_call() -> None:
    result = _run(_email(), CUSTOMER)

    assert result.intended_calls == [
        {
            "node": "send_invoice",
            "type": "action_send_email",
            "call": {"to": ["dana@example.com"], "subject": "Invoice INV-7", "body": "Total 12.5"},
        }
    ]


def test_email_output_is_deterministic_stand_in() -> None:
    result = _run(_email(), CUSTOMER)

    assert result.nodes["send_invoice"].output == {
        "success": True,
        "message_id": "<replay-send_invoice@autofix.invalid>",
        "recipients": ["dana@example.com"],
        "timestamp": "2025-03-12T10:00:00Z",
        "performed": False,
    }
    assert result.nodes["after"].status == "completed"


def test_slack_token_credential_is_masked() -> None:
    slack = node(
        "notify",
        "action_slack_message",
        {"channel": "#ops", "text": "hi {{ trigger.name }}", "token": "{{ credential.slack_bot }}"},
    )

    result = _run(slack, {"name": "Ada"})

    assert result.intended_calls[0]["call"]["token"] == "[REDACTED]"
    assert result.nodes["notify"].output["channel"] == "#ops"


def test_invalid_config_fails_before_resolving() -> None:
    result = _run(_email(subject=""), CUSTOMER)

    error = result.nodes["send_invoice"].error
    assert error["code"] == "INVALID_CONFIG"
    assert error["detail"]["resolved"] is False
    assert error["detail"]["issues"][0]["pointer"] == "/subject"
    assert result.intended_calls == []


def test_config_invalid_once_resolved_fails() -> None:
    result = _run(_email(), {"customer": {"email": None}, "invoice": "INV-7", "total": 1})

    error = result.nodes["send_invoice"].error
    assert error["code"] == "INVALID_CONFIG"
    assert error["detail"]["resolved"] is True
    assert (
        error["message"]
        == "once its expressions are resolved, the configuration is invalid: /to/0: expected an email address, got null"
    )


def test_broken_expression_fails_side_effect() -> None:
    result = _run(_email(to=["{{ trigger.customer.emial }}"]), CUSTOMER)

    error = result.nodes["send_invoice"].error
    assert error["code"] == "EXPRESSION_ERROR"
    assert error["message"].startswith("to[0]: trigger.customer.emial: ")
    assert error["detail"]["closest"] == "email"


def test_approval_assumes_approved_by_default() -> None:
    approval = node("sign_off", "action_approval", {"title": "Refund {{ trigger.amount }}"})

    result = _run(approval, {"amount": 50})

    assert result.nodes["sign_off"].output["decision"] == "approved"
    assert result.intended_calls[0]["call"] == {"title": "Refund 50"}


def test_approval_without_decision_leaves_rest_unchecked() -> None:
    approval = node("sign_off", "action_approval", {"title": "Refund"})

    result = _run(approval, {}, ReplayOptions(approval_decision=None))

    assert result.nodes["sign_off"].status == "not_checked"
    assert result.nodes["after"].status == "not_checked"
    assert result.run_status == "incomplete"


def test_changed_side_effect_keeps_recorded_answer_as_output() -> None:
    definition = workflow(
        [
            trigger(),
            node("notify", "action_slack_message", {"channel": "#ops", "text": "old"}),
            set_values("after", {"ts": "{{ notify.ts }}"}),
        ],
        chain("start", "notify", "after"),
    )
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record(
            "notify", "action_slack_message", "completed", output={"ok": True, "ts": "1741773600.000100"}, sequence=2
        ),
        record("after", "transform_set", "failed", error={"message": "boom"}, sequence=3),
    ]
    recording = prepare_recording(definition, execution(records, trigger_data={}, failed_node="after"))
    patched = copy.deepcopy(definition)
    patched["nodes"][1]["data"]["config"]["text"] = "new"

    result = replay(recording, patched)

    assert result.intended_calls[0]["call"]["text"] == "new"
    assert result.nodes["after"].output["ts"] == "1741773600.000100"


def test_side_effect_in_loop_records_call_per_iteration() -> None:
    definition = workflow(
        [
            trigger(),
            loop("each", "{{ trigger.emails }}"),
            node("mail", "action_send_email", {"to": "{{ each.item }}", "subject": "Hello"}),
        ],
        [edge("start", "each"), edge("each", "mail")],
    )

    result = run_workflow(definition, trigger_data={"emails": ["a@example.com", "b@example.com"]}, fixtures=[])

    assert [call["call"]["to"] for call in result.intended_calls] == ["a@example.com", "b@example.com"]
    assert [call["iteration"] for call in result.intended_calls] == [0, 1]


def test_integration_output_names_operation() -> None:
    sheets = node(
        "append_row",
        "integration_google_sheets",
        {"operation": "append", "spreadsheet_id": "sheet-1", "data": [["{{ trigger.total }}"]]},
    )

    result = _run(sheets, {"total": 9})

    assert result.intended_calls[0]["call"]["data"] == [[9]]
    assert result.nodes["append_row"].output == {
        "ok": True,
        "operation": "append",
        "resource": None,
        "performed": False,
    }
