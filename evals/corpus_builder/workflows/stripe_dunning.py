"""Stripe dunning: a failed invoice payment leads to a reminder or a final notice by email."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    code,
    condition,
    edge,
    email,
    http,
    ok,
    webhook,
    workflow,
)

DAYS_OVERDUE = """const invoice = $.trigger.body.data.object;
const now = Date.now() / 1000;
return {
  days: Math.floor((now - invoice.due_date) / 86400),
  amount: invoice.amount_due / 100,
  currency: invoice.currency.toUpperCase(),
  email: input.body.email,
  name: input.body.name
};"""
# 2025-04-14T09:00:00Z minus 16 days.
DUE_DATE = 1744621200 - 16 * 86400
BASE = BaseWorkflow(
    name="stripe_dunning",
    title="Dunning emails for failed payments",
    workflow_id="wf_dunning",
    workspace_id="ws_tallyhq",
    version=7,
    definition=workflow(
        [
            webhook("payment_failed", "invoice.payment_failed", "stripe/events"),
            http("fetch_customer", "Fetch Stripe customer", "https://api.stripe.example/v1/customers/{{ trigger.body.data.object.customer }}",
                 credential="stripe_key"),
            code("days_overdue", "Days overdue", DAYS_OVERDUE),
            condition("is_final", "Overdue 14 days or more?", "{{ days_overdue.days }}", "gte", 14),
            email("send_final", "Final notice", ["{{ days_overdue.email }}"], "Final notice: invoice {{ trigger.body.data.object.number }}",
                  "{{ days_overdue.name }}, {{ days_overdue.amount }} {{ days_overdue.currency }} is {{ days_overdue.days }} days overdue."),
            email("send_reminder", "Reminder", ["{{ days_overdue.email }}"], "Reminder: invoice {{ trigger.body.data.object.number }}",
                  "{{ days_overdue.name }}, your payment of {{ days_overdue.amount }} {{ days_overdue.currency }} failed."),
        ],
        [*chain("payment_failed", "fetch_customer", "days_overdue", "is_final"), edge("is_final", "send_final", "true"),
         edge("is_final", "send_reminder", "false")],
    ),
    trigger_data={"body": {"type": "invoice.payment_failed", "data": {"object": {
        "id": "in_1PqX8m", "number": "INV-2025-0412", "customer": "cus_QfR21x", "amount_due": 24900, "currency": "eur",
        "due_date": DUE_DATE}}}},
    answers={"fetch_customer": [ok({"id": "cus_QfR21x", "object": "customer", "name": "Kestrel Analytics",
                                    "email": "billing@kestrel-analytics.example", "currency": "eur", "delinquent": True})]},
    accept={
        "status": "completed",
        "outputs": {"days_overdue": {"$.days": 16, "$.amount": 249.0, "$.currency": "EUR"}},
        "calls": [{"node": "send_final", "contains": {"to": ["billing@kestrel-analytics.example"],
                                                       "subject": "Final notice: invoice INV-2025-0412"}}],
    },
    credentials=[{"name": "stripe_key", "type": "bearer", "status": "valid"}],
    started_at="2025-04-14T09:00:00.000Z",
)


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.expired_credential(run, node="fetch_customer", credential="stripe_key", status="revoked", provider="Stripe"),
        inject.code_bug(run, node="days_overdue", old="invoice.currency.toUpperCase()", new="invoice.currency_code.toUpperCase()",
                        slug="renamed_property", what="invoice.currency_code is undefined, so toUpperCase throws a TypeError"),
        inject.condition_on_missing_field(run, node="is_final", path="config.conditions[0].field", old="days_overdue.days",
                                          new="days_overdue.days_overdue"),
        inject.server_error(run, node="fetch_customer", status=500, failures=1, provider="Stripe"),
        inject.slow_upstream(run, node="fetch_customer", timeout_s=5, latency_ms=8000, provider="Stripe"),
        inject.deleted_resource(run, node="fetch_customer", provider="Stripe", what="customer"),
        inject.misspell_field(run, node="send_final", path="config.to[0]", field="email", misspelt="emal"),
        inject.rate_limited(run, node="fetch_customer", retry_after=2, provider="Stripe"),
    ]
