import pytest


def order_workflow() -> dict:
    """Build an order workflow: webhook, HTTP fetch with a masked key, email, then Slack."""
    return {
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
                        "headers": {
                            "Authorization": "Bearer {{ credential.crm_token }}",
                            "X-Api-Key": "[REDACTED]",
                        },
                        "timeout": 30,
                    },
                    "credential": "crm_token",
                },
            },
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
        ],
        "edges": [
            {"id": "e1", "source": "order_hook", "target": "fetch_customer"},
            {"id": "e2", "source": "fetch_customer", "target": "send_invoice"},
            {"id": "e3", "source": "send_invoice", "target": "notify_team"},
        ],
    }


@pytest.fixture
def workflow() -> dict:
    return order_workflow()
