"""The expected diagnosis of each sample failure bundle in evals/samples/: what failed, why, and the fix.

A fix is a patch or an action. A patch is written as in the model's edit language: a node id and a
path relative to that node's `data`. Its "from" is the current value at that path (None when the
key is absent) and its "to" is the value that fixes the run. An action, such as reconnecting a
credential, is a fix that does not edit the workflow.
"""

from dataclasses import dataclass
from typing import Any

# post_alert's Slack text as stored: the severity key is misspelt "serverity".
INCIDENT_ALERT_TEXT = (
    ":rotating_light: *{{ fetch_incidents.body.incidents[0].id }}: {{ fetch_incidents.body.incidents[0].title }}*\n"
    "Severity: {{ fetch_incidents.body.incidents[0].serverity }}"
    " | Service: {{ fetch_incidents.body.incidents[0].service.name }}"
    " | Status: {{ fetch_incidents.body.incidents[0].status }}\n"
    "Commander: {{ fetch_incidents.body.incidents[0].commander.name }}"
    " | <{{ fetch_incidents.body.incidents[0].url }}|Open in IncidentHub>"
)

# compute_totals's JavaScript as stored: it calls reduce on order_lines, which the form sends as JSON text.
COMPUTE_TOTALS_CODE = """const data = input.body.payload.data;
const lines = data.order_lines;
const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unit_price, 0);
const shipping = subtotal >= 250 ? 0 : 18;

return {
  submission_id: input.body.payload.id,
  submitted_at: input.body.payload.submittedAt,
  company: data.company,
  email: data.email,
  po_number: data.po_number,
  line_count: lines.length,
  subtotal: Math.round(subtotal * 100) / 100,
  shipping: shipping,
  total: Math.round((subtotal + shipping) * 100) / 100
};"""


@dataclass(frozen=True)
class SampleExpectation:
    """The expected diagnosis of one sample bundle.

    `recorded_error` is the failed node's error message exactly as the engine recorded it.
    `fix` is {"kind": "patch", "node", "path", "from", "to"} or {"kind": "action", "type", "credential"}.
    """

    file: str
    failure_kind: str
    failed_node: str
    recorded_error: str
    fix: dict[str, Any]
    description: str


SAMPLE_EXPECTATIONS: tuple[SampleExpectation, ...] = (
    SampleExpectation(
        file="order_sync_api_schema_change.json",
        failure_kind="api_schema_change",
        failed_node="build_erp_payload",
        recorded_error=(
            'failed to evaluate values[3].value "{{ fetch_customer.body.email }}": '
            'key "email" not found in fetch_customer.body (keys: contact, created_at, erp_account, id, '
            "marketing_opt_in, name, shopify_customer_id, tier, updated_at)"
        ),
        fix={
            "kind": "patch",
            "node": "build_erp_payload",
            "path": "config.values[3].value",
            "from": "{{ fetch_customer.body.email }}",
            "to": "{{ fetch_customer.body.contact.email }}",
        },
        description=(
            "The customer API (X-Api-Version 2025-03-01) moved email into contact.email; "
            "the last successful run still had body.email."
        ),
    ),
    SampleExpectation(
        file="crm_enrichment_rate_limit.json",
        failure_kind="rate_limit",
        failed_node="enrich_lead",
        recorded_error="client error: status 429",
        fix={
            "kind": "patch",
            "node": "enrich_lead",
            "path": "retry",
            "from": None,
            "to": {"max_attempts": 3, "backoff": "fixed", "delay_ms": 30000},
        },
        description="LeadGraph answered 429 with Retry-After: 30 and the node has no retry policy.",
    ),
    SampleExpectation(
        file="incident_alert_data_mapping.json",
        failure_kind="data_mapping",
        failed_node="post_alert",
        recorded_error=(
            'failed to render text: key "serverity" not found in fetch_incidents.body.incidents[0]; '
            'did you mean "severity"? (keys: commander, id, service, severity, started_at, status, title, url)'
        ),
        fix={
            "kind": "patch",
            "node": "post_alert",
            "path": "config.text",
            "from": INCIDENT_ALERT_TEXT,
            "to": INCIDENT_ALERT_TEXT.replace(".serverity }}", ".severity }}"),
        },
        description="The Slack text reads incidents[0].serverity, a misspelling of the severity key.",
    ),
    SampleExpectation(
        file="sheets_order_form_type_mismatch.json",
        failure_kind="type_mismatch",
        failed_node="compute_totals",
        recorded_error="TypeError: lines.reduce is not a function",
        fix={
            "kind": "patch",
            "node": "compute_totals",
            "path": "config.code",
            "from": COMPUTE_TOTALS_CODE,
            "to": COMPUTE_TOTALS_CODE.replace(
                "const lines = data.order_lines;",
                "const lines = JSON.parse(data.order_lines);",
            ),
        },
        description="The Webflow form sends order_lines as JSON text, and the code calls reduce on that text.",
    ),
    SampleExpectation(
        file="github_triage_loop_shape.json",
        failure_kind="loop_shape",
        failed_node="each_label",
        recorded_error=(
            'items "{{ trigger.body.issue }}": expected a list, got an object with keys active_lock_reason, '
            "assignee, assignees, author_association, body, closed_at, comments, comments_url, created_at, "
            "html_url and 14 more"
        ),
        fix={
            "kind": "patch",
            "node": "each_label",
            "path": "config.items",
            "from": "{{ trigger.body.issue }}",
            "to": "{{ trigger.body.issue.labels }}",
        },
        description="The loop iterates the issue object instead of its labels list.",
    ),
    SampleExpectation(
        file="stripe_dunning_auth_expired.json",
        failure_kind="auth_expired",
        failed_node="fetch_customer",
        recorded_error="client error: status 401",
        fix={
            "kind": "action",
            "type": "reconnect_credential",
            "credential": "stripe_key",
        },
        description="Stripe answered 401 api_key_expired; the stripe_key credential is expired and must be reconnected.",
    ),
    SampleExpectation(
        file="shipbob_fulfillment_invalid_config.json",
        failure_kind="invalid_config",
        failed_node="create_shipment",
        recorded_error='HTTP request failed: Post "api.shipbob.com/1.0/order": unsupported protocol scheme ""',
        fix={
            "kind": "patch",
            "node": "create_shipment",
            "path": "config.url",
            "from": "api.shipbob.com/1.0/order",
            "to": "https://api.shipbob.com/1.0/order",
        },
        description="The ShipBob URL has no scheme, so the request was never sent.",
    ),
    SampleExpectation(
        file="inventory_relay_transient_upstream.json",
        failure_kind="transient_upstream",
        failed_node="push_stock_level",
        recorded_error="server error: status 503",
        fix={
            "kind": "patch",
            "node": "push_stock_level",
            "path": "retry",
            "from": None,
            "to": {"max_attempts": 4, "backoff": "exponential", "delay_ms": 2000},
        },
        description=(
            "The inventory service's load balancer answered 503 with an HTML page; "
            "the node has no retry policy. The webhook's bearer token is recorded in clear and must be redacted on import."
        ),
    ),
    SampleExpectation(
        file="revenue_report_timeout.json",
        failure_kind="timeout",
        failed_node="fetch_revenue",
        recorded_error=(
            'HTTP request failed: Get "https://metrics.helioanalytics.io/api/v1/reports/revenue'
            '?as_of=2025-03-12T10:00:00Z&group_by=plan,region&granularity=hour": context deadline exceeded'
        ),
        fix={
            "kind": "patch",
            "node": "fetch_revenue",
            "path": "config.timeout",
            "from": 10,
            "to": 30,
        },
        description=(
            "Both attempts of the report request ran into the node's 10 s timeout; "
            "the last successful run took 9.4 s."
        ),
    ),
)
