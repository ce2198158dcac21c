"""validate_config: schemas, extra checks and unknown keys, node type by node type."""

import pytest

from tools.catalog import NODE_TYPES, Issue, validate_config

BASE = "/nodes/3/data/config"

REALISTIC_CONFIGS = {
    "trigger_manual": {
        "input_schema": {"type": "object", "properties": {"customer_id": {"type": "string"}}},
    },
    "trigger_webhook": {"method": ["POST"], "path": "orders", "response_status": 202},
    "trigger_schedule": {"cron": "0 9 * * 1-5", "timezone": "Europe/Berlin"},
    "action_http_request": {
        "method": "POST",
        "url": "https://api.example.com/customers/{{ trigger.body.customer_id }}/notes",
        "headers": {"Authorization": "Bearer {{ credential.crm_token }}", "Content-Type": "application/json"},
        "query_params": {"expand": "owner"},
        "body": {"text": "Order {{ trigger.body.order_id }} paid", "amount": "{{ trigger.body.total }}"},
        "body_type": "json",
        "timeout": 30,
    },
    "action_send_email": {
        "to": ["{{ fetch_customer.body.email }}"],
        "cc": ["billing@example.com"],
        "from": "Acme Billing <billing@example.com>",
        "subject": "Invoice {{ trigger.body.invoice_number }}",
        "body": "Hello {{ fetch_customer.body.first_name }}, your invoice is attached.",
        "body_html": "<p>Hello {{ fetch_customer.body.first_name }}</p>",
        "body_type": "html",
        "port": 587,
    },
    "action_slack_message": {
        "channel": "#orders",
        "text": "New order {{ trigger.body.order_id }}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "New order"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*{{ trigger.body.customer_name }}* paid {{ trigger.body.total }} EUR",
                },
            },
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open"},
                        "url": "https://shop.example.com/o/1",
                    }
                ],
            },
        ],
        "unfurl_links": False,
    },
    "action_approval": {
        "title": "Refund over 500 EUR",
        "description": "Approve the refund for order {{ trigger.body.order_id }}",
        "payload": {"order_id": "{{ trigger.body.order_id }}", "amount": "{{ trigger.body.amount }}"},
    },
    "logic_condition": {
        "mode": "if",
        "conditions": [
            {"field": "body.status", "operator": "equals", "value": "paid"},
            {"field": "body.total", "operator": "gt", "value": 100},
        ],
        "combine": "and",
    },
    "logic_delay": {"duration": 5, "unit": "minutes"},
    "logic_loop": {"items": "{{ fetch_orders.body.data }}", "batch_size": 10},
    "transform_set": {
        "values": [
            {"key": "email", "value": "{{ fetch_customer.body.email }}"},
            {"key": "vip", "value": True},
        ]
    },
    "transform_filter": {
        "input": "{{ fetch_orders.body.data }}",
        "condition": {"field": "status", "operator": "equals", "value": "open"},
    },
    "transform_code": {
        "code": "return input.body.items.map(item => ({sku: item.sku, total: item.qty * item.price}));",
        "language": "javascript",
        "timeout": 5,
    },
    "integration_google_sheets": {
        "operation": "append",
        "spreadsheet_id": "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms",
        "sheet_name": "Orders",
        "range": "A:D",
        "data": [["{{ trigger.body.order_id }}", "{{ trigger.body.email }}", "{{ trigger.body.total }}", "paid"]],
        "value_input_option": "USER_ENTERED",
    },
    "integration_stripe": {
        "resource": "charge",
        "operation": "create",
        "idempotency_key": "order-{{ trigger.body.order_id }}",
        "data": {
            "amount": 2000,
            "currency": "usd",
            "customer": "cus_NffrFeUfNV2Hib",
            "description": "Order {{ trigger.body.order_id }}",
            "metadata": {"order_id": "{{ trigger.body.order_id }}"},
        },
    },
    "integration_github": {
        "resource": "issue",
        "operation": "create",
        "owner": "acme",
        "repo": "billing-service",
        "data": {
            "title": "Payment failed for order {{ trigger.body.order_id }}",
            "body": "Stripe answered {{ charge.error.message }}",
            "labels": ["bug", "billing"],
            "assignees": ["octocat"],
        },
    },
}

# (node type, config, pointer under the config, code, message after the pointer)
BROKEN_CONFIGS = [
    (
        "trigger_manual",
        {"input_schema": "email"},
        "/input_schema",
        "schema_violation",
        'expected an object, got text "email"',
    ),
    (
        "trigger_webhook",
        {"method": ["POST", "FETCH"]},
        "/method/1",
        "bad_enum",
        'expected one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", got text "FETCH"',
    ),
    ("trigger_schedule", {"timezone": "UTC"}, "/cron", "schema_violation", 'missing required field "cron"'),
    (
        "action_http_request",
        {"url": "https://api.example.com", "timeout": "thirty"},
        "/timeout",
        "schema_violation",
        'expected an integer, got text "thirty"',
    ),
    (
        "action_send_email",
        {"to": ["finance"], "subject": "Invoice"},
        "/to/0",
        "schema_violation",
        'expected an email address, got text "finance"',
    ),
    (
        "action_slack_message",
        {"channel": "#orders", "blocks": [{"text": {"type": "mrkdwn", "text": "hi"}}]},
        "/blocks/0/type",
        "schema_violation",
        'missing required field "type"',
    ),
    (
        "action_approval",
        {"payload": ["order"]},
        "/payload",
        "schema_violation",
        "expected an object, got a list of 1 item",
    ),
    (
        "logic_condition",
        {"conditions": [{"field": "body.status", "operator": "equal", "value": "paid"}]},
        "/conditions/0/operator",
        "bad_enum",
        'did you mean "equals"?',
    ),
    (
        "logic_delay",
        {"duration": "5 minutes"},
        "/duration",
        "schema_violation",
        'expected a duration such as 90s, 5m or 1h30m, got text "5 minutes"',
    ),
    (
        "logic_loop",
        {"items": "{{ fetch_orders.body.data }}", "batch_size": 0},
        "/batch_size",
        "schema_violation",
        "expected a number of at least 1, got the number 0",
    ),
    ("transform_set", {"values": [{"value": 1}]}, "/values/0/key", "schema_violation", 'missing required field "key"'),
    (
        "transform_filter",
        {"input": "{{ fetch_orders.body.data }}"},
        "/condition",
        "schema_violation",
        'missing required field "condition"',
    ),
    (
        "transform_code",
        {"code": "return input;", "language": "python"},
        "/language",
        "bad_enum",
        'expected one of "javascript", got text "python"',
    ),
    (
        "integration_google_sheets",
        {"operation": "append", "spreadsheet_id": "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"},
        "/data",
        "schema_violation",
        'missing required field "data" (required when operation is append or update)',
    ),
    (
        "integration_stripe",
        {"resource": "charge", "operation": "create", "data": {"amount": "20.00", "currency": "usd"}},
        "/data/amount",
        "schema_violation",
        'expected an integer, got text "20.00"',
    ),
    (
        "integration_github",
        {"resource": "issue", "operation": "create", "owner": "acme", "repo": "billing-service", "data": {"body": "x"}},
        "/data/title",
        "schema_violation",
        'missing required field "title" (required when resource is issue and operation is create)',
    ),
]

# (node type, config) with a {{ }} expression in a field typed number, boolean, list, object or enum
EXPRESSIONS_IN_TYPED_FIELDS = [
    ("action_http_request", {"url": "https://api.example.com", "timeout": "{{ env.http_timeout }}"}),
    ("action_http_request", {"url": "https://api.example.com", "method": "{{ trigger.body.method }}"}),
    ("action_http_request", {"url": "https://api.example.com", "headers": "{{ fetch_token.body.headers }}"}),
    ("action_send_email", {"to": "{{ fetch_team.body.emails }}", "subject": "Report", "port": "{{ env.smtp_port }}"}),
    ("action_send_email", {"to": ["ops@example.com"], "subject": "Report", "use_tls": "{{ env.smtp_tls }}"}),
    ("action_slack_message", {"channel": "#ops", "blocks": "{{ build_blocks }}", "unfurl_links": "{{ env.unfurl }}"}),
    ("action_approval", {"payload": "{{ trigger.body }}"}),
    ("logic_condition", {"conditions": "{{ rules.body.conditions }}", "combine": "{{ env.combine }}"}),
    ("logic_delay", {"duration": "{{ trigger.body.wait_seconds }}", "unit": "seconds"}),
    ("logic_delay", {"seconds": "{{ trigger.body.wait_seconds }}"}),
    ("logic_loop", {"items": "{{ fetch_orders.body.data }}", "batch_size": "{{ env.batch_size }}"}),
    ("trigger_webhook", {"method": "{{ env.webhook_method }}", "response_status": "{{ env.status }}"}),
    ("transform_set", {"values": "{{ mapping.body }}"}),
    ("transform_filter", {"input": "{{ fetch_orders.body.data }}", "condition": "{{ item.total > 100 }}"}),
    ("integration_google_sheets", {"operation": "append", "spreadsheet_id": "{{ env.sheet }}", "data": "{{ rows }}"}),
    (
        "integration_stripe",
        {
            "resource": "charge",
            "operation": "create",
            "data": {"amount": "{{ trigger.body.cents }}", "currency": "{{ env.cur }}"},
        },
    ),
    (
        "integration_github",
        {"resource": "issue", "operation": "get", "owner": "acme", "repo": "api", "number": "{{ trigger.body.issue }}"},
    ),
]


def issue_at(issues: list[Issue], pointer: str) -> Issue:
    matching = [issue for issue in issues if issue.pointer == pointer]
    assert matching, f"no issue at {pointer}; issues: {issues}"
    return matching[0]


def test_realistic_configs_cover_every_node_type():
    assert set(REALISTIC_CONFIGS) == set(NODE_TYPES)


def test_broken_configs_cover_every_node_type():
    assert {node_type for node_type, *_ in BROKEN_CONFIGS} == set(NODE_TYPES)


@pytest.mark.parametrize("node_type", sorted(REALISTIC_CONFIGS))
def test_validate_config_realistic_config_has_no_issues(node_type):
    assert validate_config(node_type, REALISTIC_CONFIGS[node_type]) == []


@pytest.mark.parametrize(("node_type", "config", "pointer", "code", "text"), BROKEN_CONFIGS)
def test_validate_config_broken_config_names_field(node_type, config, pointer, code, text):
    issues = validate_config(node_type, config, pointer=BASE)

    issue = issue_at(issues, BASE + pointer)
    assert issue.severity == "error"
    assert issue.code == code
    assert issue.message.startswith(f"{BASE}{pointer}: ")
    assert text in issue.message


def test_validate_config_timeout_text_message_matches_example():
    issues = validate_config(
        "action_http_request", {"url": "https://api.example.com", "timeout": "thirty"}, pointer="/nodes/1/data/config"
    )

    assert [issue.message for issue in issues] == [
        '/nodes/1/data/config/timeout: expected an integer, got text "thirty"'
    ]


@pytest.mark.parametrize(("node_type", "config"), EXPRESSIONS_IN_TYPED_FIELDS)
def test_validate_config_expression_in_typed_field_accepted(node_type, config):
    assert validate_config(node_type, config) == []


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("timeout", "30", 'expected an integer, got text "30"'),
        ("timeout", 30.5, "expected an integer, got the number 30.5"),
        ("timeout", True, "expected an integer, got true"),
        ("headers", {"X-Count": 5}, "expected text, got the number 5"),
        ("body", 5, "expected an object, a list, text or null, got the number 5"),
    ],
)
def test_validate_config_wrong_type_says_expected_and_got(field, value, text):
    config = {"url": "https://api.example.com", field: value}

    issues = validate_config("action_http_request", config)

    assert [issue.message.split(": ", 1)[1] for issue in issues] == [text]


def test_validate_config_bare_path_for_list_suggests_expression():
    issues = validate_config("logic_loop", {"items": "fetch_orders.body.data"})

    assert len(issues) == 1
    assert "expected a list" in issues[0].message
    assert "write {{ fetch_orders.body.data }}" in issues[0].message


def test_validate_config_lowercase_method_suggests_uppercase():
    issues = validate_config("action_http_request", {"url": "https://api.example.com", "method": "post"})

    assert issues[0].code == "bad_enum"
    assert issues[0].message.endswith('did you mean "POST"?')


def test_validate_config_unknown_key_is_warning_with_suggestion():
    issues = validate_config("action_http_request", {"url": "https://api.example.com", "timout": 10}, pointer=BASE)

    assert len(issues) == 1
    assert issues[0].severity == "warning"
    assert issues[0].code == "unknown_key"
    assert issues[0].pointer == f"{BASE}/timout"
    assert 'did you mean "timeout"?' in issues[0].message


def test_validate_config_unknown_key_lists_fields():
    issues = validate_config("action_approval", {"title": "Refund", "zzz": 1})

    assert issues[0].code == "unknown_key"
    assert "known fields: title, description, payload" in issues[0].message


def test_validate_config_nested_unknown_key_warns():
    config = {"conditions": [{"field": "status", "operator": "equals", "value": "paid", "outptu": "true"}]}

    issues = validate_config("logic_condition", config)

    assert [(issue.pointer, issue.severity) for issue in issues] == [("/conditions/0/outptu", "warning")]


@pytest.mark.parametrize(
    ("node_type", "config"),
    [
        ("action_http_request", {"url": "https://api.example.com", "headers": {"X-Anything": "1"}}),
        ("action_slack_message", {"channel": "#ops", "blocks": [{"type": "section", "fields": [], "accessory": {}}]}),
        ("integration_stripe", {"resource": "customer", "operation": "create", "data": {"phone": "+4930123"}}),
        ("transform_set", {"values": {"anything": 1}}),
    ],
)
def test_validate_config_open_objects_allow_any_key(node_type, config):
    assert validate_config(node_type, config) == []


def test_validate_config_unknown_type_is_error():
    issues = validate_config("action_fax", {}, pointer=BASE)

    assert len(issues) == 1
    assert issues[0].code == "unknown_node_type"
    assert issues[0].severity == "error"
    assert issues[0].pointer == BASE


def test_validate_config_legacy_type_name_suggests_catalog_type():
    issues = validate_config("condition", {})

    assert 'did you mean "logic_condition"?' in issues[0].message


def test_validate_config_non_object_config_is_error():
    issues = validate_config("action_http_request", None, pointer=BASE)

    assert [issue.message for issue in issues] == [f"{BASE}: expected an object, got null"]


def test_validate_config_missing_text_and_blocks_names_alternatives():
    issues = validate_config("action_slack_message", {"channel": "#ops"})

    assert [issue.message for issue in issues] == ['missing required field: set one of "text", "message" or "blocks"']


def test_validate_config_conditional_required_names_condition():
    issues = validate_config("integration_stripe", {"resource": "charge", "operation": "get"})

    assert [issue.message for issue in issues] == [
        '/id: missing required field "id" (required when operation is get, update or delete)'
    ]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("api.example.com/x", "url_without_scheme"),
        ("api.example.com/{{ trigger.body.id }}", "url_without_scheme"),
        ("localhost:8080/hook", "url_without_scheme"),
        ("ftp://files.example.com/report.csv", "unsupported_url_scheme"),
        ("https://", "invalid_url"),
        (" https://api.example.com", "invalid_url"),
    ],
)
def test_validate_config_bad_url_is_error(url, code):
    issues = validate_config("action_http_request", {"url": url}, pointer=BASE)

    issue = issue_at(issues, f"{BASE}/url")
    assert issue.code == code
    assert issue.severity == "error"


def test_validate_config_url_without_scheme_message():
    issues = validate_config("action_http_request", {"url": "api.example.com/x"})

    assert issues[0].message == '/url: URL has no scheme: "api.example.com/x"; start it with https:// (or http://)'


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/customers/{{ trigger.body.id }}",
        "{{ env.crm_base_url }}/customers",
        "https://{{ env.crm_host }}/customers",
        "http{{ env.tls_suffix }}://api.example.com",
        "HTTPS://API.EXAMPLE.COM/X",
    ],
)
def test_validate_config_good_url_accepted(url):
    assert validate_config("action_http_request", {"url": url}) == []


def test_validate_config_slack_webhook_url_checked():
    issues = validate_config("action_slack_message", {"webhook_url": "hooks.slack.com/services/T0/B0/X", "text": "hi"})

    assert [issue.code for issue in issues] == ["url_without_scheme"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"amount": 100,}', "Expecting property name enclosed in double quotes"),
        ("{'amount': 100}", "Expecting property name enclosed in double quotes"),
        ('{"amount": NaN}', "NaN is not valid JSON"),
        ("amount=100", "Expecting value"),
    ],
)
def test_validate_config_invalid_json_body_is_error(body, reason):
    config = {"url": "https://api.example.com", "body": body, "body_type": "json"}

    issues = validate_config("action_http_request", config, pointer=BASE)

    assert len(issues) == 1
    assert issues[0].code == "invalid_json_body"
    assert issues[0].severity == "error"
    assert issues[0].pointer == f"{BASE}/body"
    assert issues[0].message.startswith(f"{BASE}/body: invalid JSON body: {reason}")


@pytest.mark.parametrize(
    ("body", "body_type"),
    [
        ('{"amount": 100, "note": "paid"}', "json"),
        ('{"id": {{ trigger.body.id }}, "email": "{{ trigger.body.email }}"}', "json"),
        ('{"items": {{ jsonStringify(fetch.body.items) }}}', "json"),
        ("", "json"),
        ("{not json}", "text"),
        ("{not json}", "raw"),
    ],
)
def test_validate_config_valid_or_unchecked_body_accepted(body, body_type):
    config = {"url": "https://api.example.com", "body": body, "body_type": body_type}

    assert validate_config("action_http_request", config) == []


def test_validate_config_templated_invalid_json_body_is_warning():
    config = {"url": "https://api.example.com", "body": '{"id": {{ trigger.body.id }},}', "body_type": "json"}

    issues = validate_config("action_http_request", config)

    assert len(issues) == 1
    assert issues[0].code == "invalid_json_body"
    assert issues[0].severity == "warning"


def test_validate_config_unknown_timezone_suggests_closest():
    issues = validate_config("trigger_schedule", {"cron": "0 9 * * *", "timezone": "Europe/Londn"})

    assert issues[0].code == "bad_enum"
    assert issues[0].message.endswith('did you mean "Europe/London"?')


@pytest.mark.parametrize("cron", ["0 9 * * 1-5", "*/5 * * * *", "0 0 9 * * MON-FRI", "@daily", "@every 5m"])
def test_validate_config_cron_forms_accepted(cron):
    assert validate_config("trigger_schedule", {"cron": cron}) == []


@pytest.mark.parametrize(
    "config",
    [
        {"duration": "1h30m"},
        {"duration": 2.5, "unit": "hours"},
        {"minutes": 5, "seconds": 30},
        {"until": "2025-03-01T09:00:00Z"},
        {"until": "2025-03-01T09:00:00.250+01:00"},
    ],
)
def test_validate_config_delay_forms_accepted(config):
    assert validate_config("logic_delay", config) == []


@pytest.mark.parametrize(
    "config",
    [
        {"expression": "{{ fetch_customer.status_code }} == 200"},
        {"mode": "expression", "expression": "{{ trigger.body.total > 100 && trigger.body.paid }}"},
        {"conditions": [{"field": "body.tags", "operator": "in", "value": ["vip", "gold"], "output": "true"}]},
    ],
)
def test_validate_config_condition_forms_accepted(config):
    assert validate_config("logic_condition", config) == []


def test_validate_config_condition_without_rule_names_alternatives():
    issues = validate_config("logic_condition", {"combine": "and"})

    assert [issue.message for issue in issues] == ['missing required field: set one of "conditions" or "expression"']


def test_validate_config_email_recipients_all_reported():
    issues = validate_config("action_send_email", {"to": ["ada@example.com", "bob", 4], "subject": "Hi"})

    assert [issue.pointer for issue in issues] == ["/to/1", "/to/2"]
