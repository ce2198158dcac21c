"""Refund approval: refunds above 100.00 need a person's approval before Stripe refunds the charge."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    condition,
    edge,
    email,
    http,
    node,
    ok,
    webhook,
    workflow,
)

CHARGE = {"id": "ch_3PzK8aLb", "object": "charge", "amount": 24900, "currency": "usd", "paid": True,
          "billing_details": {"email": "returns@lumen-retail.example", "name": "Lumen Retail"}}
BASE = BaseWorkflow(
    name="refund_approval",
    title="Approve and issue refunds",
    workflow_id="wf_refunds",
    workspace_id="ws_lumen",
    version=4,
    definition=workflow(
        [
            webhook("refund_requested", "Refund requested", "refunds"),
            http("fetch_charge", "Fetch charge", "https://api.stripe.example/v1/charges/{{ trigger.body.charge_id }}", credential="stripe_key"),
            condition("needs_approval", "Above 100.00?", "{{ fetch_charge.body.amount }}", "gt", 10000),
            node("approve_refund", "action_approval", "Finance approval",
                 {"title": "Refund {{ fetch_charge.body.amount }} cents to {{ fetch_charge.body.billing_details.name }}",
                  "description": "{{ trigger.body.reason }}"}),
            node("create_refund", "integration_stripe", "Create refund", {
                "resource": "refund", "operation": "create", "idempotency_key": "refund-{{ trigger.body.request_id }}",
                "data": {"charge": "{{ fetch_charge.body.id }}", "amount": "{{ trigger.body.amount_cents }}", "reason": "requested_by_customer"},
            }, credential="stripe_key"),
            email("notify_customer", "Confirm to customer", ["{{ fetch_charge.body.billing_details.email }}"],
                  "Your refund is on its way", "We refunded {{ trigger.body.amount_cents }} cents for {{ trigger.body.request_id }}."),
        ],
        [*chain("refund_requested", "fetch_charge", "needs_approval"), edge("needs_approval", "approve_refund", "true"),
         edge("needs_approval", "create_refund", "false"), *chain("approve_refund", "create_refund", "notify_customer")],
    ),
    trigger_data={"body": {"request_id": "rr_2291", "charge_id": "ch_3PzK8aLb", "amount_cents": 24900, "reason": "Damaged on arrival"}},
    answers={"fetch_charge": [ok(CHARGE)]},
    accept={
        "status": "completed",
        "outputs": {"needs_approval": {"$.result": True}},
        "calls": [
            {"node": "create_refund", "contains": {"resource": "refund", "operation": "create",
                                                   "data": {"charge": "ch_3PzK8aLb", "amount": 24900}}},
            {"node": "notify_customer", "contains": {"to": ["returns@lumen-retail.example"]}},
        ],
    },
    credentials=[{"name": "stripe_key", "type": "bearer", "status": "valid"}],
    started_at="2025-03-03T12:30:45.901Z",
)


def _amount_as_text(trigger: dict) -> dict:
    trigger["body"]["amount_cents"] = str(trigger["body"]["amount_cents"])
    return trigger


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.condition_on_missing_field(run, node="needs_approval", path="config.conditions[0].field", old=".amount }}",
                                          new=".amount_cents }}"),
        inject.bad_enum(run, node="create_refund", path="config.operation", value="refund", slug="bad_operation"),
        inject.trigger_changed(
            run, reshape=_amount_as_text, slug="amount_as_text", kind="type_mismatch",
            edits=[{"node": "create_refund", "set": {"config.data.amount": "{{ toNumber(trigger.body.amount_cents) }}"}}],
            description="The refund form now sends amount_cents as text, and Stripe's amount must be a whole number.",
        ),
        inject.misspell_field(run, node="notify_customer", path="config.to[0]", field="billing_details", misspelt="billing_detail"),
        inject.server_error(run, node="fetch_charge", status=500, failures=1, provider="Stripe"),
        inject.flaky_timeout(run, node="fetch_charge", provider="Stripe"),
        inject.deleted_resource(run, node="fetch_charge", provider="Stripe", what="charge"),
        inject.rate_limited(run, node="fetch_charge", retry_after=1, provider="Stripe"),
    ]
