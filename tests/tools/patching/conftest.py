import pytest

from tests.bundles import make_definition


def order_workflow() -> dict:
    """Build an order workflow: webhook, HTTP fetch with a masked key, email, then Slack."""
    workflow = make_definition()
    workflow["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] = "[REDACTED]"
    workflow["nodes"] += [
        {
            "id": "send_invoice",
            "type": "action_send_email",
            "position": {"x": 480, "y": 80},
            "data": {
                "label": "Send invoice",
                "config": {
                    "to": ["{{ fetch_customer.body.emial }}"],
                    "cc": "billing@acme.test",
                    "subject": "Invoice {{ trigger.body.order_id }}",
                    "tags": ["invoice", "auto"],
                },
                "onError": "stop",
            },
        },
        {
            "id": "notify_team",
            "type": "action_slack_message",
            "position": {"x": 720, "y": 80},
            "data": {
                "config": {"channel": "#billing", "text": "Invoice sent to {{ fetch_customer.body.nme }}"},
            },
        },
    ]
    workflow["edges"] += [
        {"id": "e2", "source": "fetch_customer", "target": "send_invoice"},
        {"id": "e3", "source": "send_invoice", "target": "notify_team"},
    ]
    return workflow


@pytest.fixture
def workflow() -> dict:
    return order_workflow()
