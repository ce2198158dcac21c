"""Invoice emailing: every due invoice from the billing system is emailed to its billing contact."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    email,
    http,
    loop,
    ok,
    schedule,
    set_values,
    workflow,
)

INVOICES = [
    {"number": "INV-3301", "amount": 1200.5, "currency": "USD", "billing_email": "ap@harbor-freight.example"},
    {"number": "INV-3302", "amount": 89.0, "currency": "USD", "billing_email": "finance@kestrel.example"},
]
AMOUNT_TEXT = "{{ each_invoice.item.currency + ' ' + round(each_invoice.item.amount, 2) }}"
BASE = BaseWorkflow(
    name="invoice_emailing",
    title="Email due invoices",
    workflow_id="wf_invoice_mailer",
    workspace_id="ws_ledgerline",
    version=11,
    definition=workflow(
        [
            schedule("daily_invoices", "Every day at 07:00", "0 7 * * *"),
            http("fetch_invoices", "Fetch due invoices", "https://billing.ledgerline.example/api/invoices?status=due&before={{ trigger.scheduled_time }}",
                 credential="ledgerline_key"),
            loop("each_invoice", "Each invoice", "{{ fetch_invoices.body.invoices }}"),
            set_values("format_invoice", "Format invoice", {
                "number": "{{ each_invoice.item.number }}", "amount_text": AMOUNT_TEXT, "to": "{{ each_invoice.item.billing_email }}"}),
            email("send_invoice", "Send invoice", ["{{ format_invoice.to }}"], "Invoice {{ format_invoice.number }} is due",
                  "Amount due: {{ format_invoice.amount_text }}"),
        ],
        chain("daily_invoices", "fetch_invoices", "each_invoice", "format_invoice", "send_invoice"),
    ),
    trigger_data={"scheduled_time": "2025-06-02T07:00:00Z", "execution_time": "2025-06-02T07:00:00.221Z"},
    answers={"fetch_invoices": [ok({"invoices": INVOICES, "count": 2})]},
    accept={
        "status": "completed",
        "outputs": {"each_invoice": {"$.count": 2}},
        "calls": [
            {"node": "send_invoice", "contains": {"to": ["ap@harbor-freight.example"], "subject": "Invoice INV-3301 is due",
                                                   "body": "Amount due: USD 1200.5"}},
            {"node": "send_invoice", "contains": {"to": ["finance@kestrel.example"], "subject": "Invoice INV-3302 is due"}},
        ],
    },
    credentials=[{"name": "ledgerline_key", "type": "bearer", "status": "valid"}],
    started_at="2025-06-02T07:00:00.221Z",
)


def _rename_list(body: dict) -> dict:
    return {"data": body["invoices"], "has_more": False}


def _amounts_as_text(body: dict) -> dict:
    return {**body, "invoices": [{**invoice, "amount": f"{invoice['amount']:.2f}"} for invoice in body["invoices"]]}


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.loop_over_object(run, node="each_invoice", items="{{ fetch_invoices.body }}"),
        inject.upstream_changed(
            run, node="fetch_invoices", reshape=_rename_list, slug="list_renamed_to_data",
            edits=[{"node": "each_invoice", "set": {"config.items": "{{ fetch_invoices.body.data }}"}}],
            description="The billing API now returns the invoices under data with a has_more flag; the last success had invoices.",
        ),
        inject.misspell_field(run, node="format_invoice", path="config.values[2].value", field="billing_email", misspelt="billing_emial"),
        inject.upstream_changed(
            run, node="fetch_invoices", reshape=_amounts_as_text, slug="amount_as_text", kind="type_mismatch",
            edits=[{"node": "format_invoice", "set": {"config.values[1].value": AMOUNT_TEXT.replace(
                "round(each_invoice.item.amount, 2)", "round(toNumber(each_invoice.item.amount), 2)")}}],
            description="The billing API now sends amounts as text such as \"1200.50\", and round() needs a number.",
        ),
        inject.flaky_timeout(run, node="fetch_invoices", provider="Ledgerline"),
        inject.expired_credential(run, node="fetch_invoices", credential="ledgerline_key", status="expired", provider="Ledgerline"),
        inject.rate_limited(run, node="fetch_invoices", retry_after=15, provider="Ledgerline"),
        inject.server_error(run, node="fetch_invoices", status=503, failures=1, provider="Ledgerline"),
    ]
