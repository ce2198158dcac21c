"""Order sync: a shop's new order is enriched with the CRM customer and posted to the ERP."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    http,
    ok,
    set_values,
    slack,
    webhook,
    workflow,
)

CUSTOMER = {"id": "cus_1042", "name": "Whitfield Studio", "email": "orders@whitfield-studio.example", "tier": "gold"}
NOTIFY_TEXT = "Order {{ build_erp_payload.order_id }} synced as {{ post_erp.body.erp_order_id }} for {{ build_erp_payload.customer_email }}"

BASE = BaseWorkflow(
    name="order_sync",
    title="Shop orders to ERP",
    workflow_id="wf_order_sync",
    workspace_id="ws_northwind",
    version=12,
    definition=workflow(
        [
            webhook("order_hook", "New order", "orders"),
            http("fetch_customer", "Fetch customer", "https://api.crmly.example/v2/customers/{{ trigger.body.customer_id }}",
                 credential="crm_token", timeout=15),
            set_values("build_erp_payload", "Build ERP payload", {
                "order_id": "{{ trigger.body.order_id }}",
                "customer_email": "{{ fetch_customer.body.email }}",
                "customer_name": "{{ fetch_customer.body.name }}",
                "total": "{{ trigger.body.total }}",
                "currency": "{{ trigger.body.currency }}",
            }),
            http("post_erp", "Create ERP order", "https://erp.northwind-ops.example/api/orders", method="POST",
                 credential="erp_token", body={
                     "external_id": "{{ build_erp_payload.order_id }}",
                     "email": "{{ build_erp_payload.customer_email }}",
                     "amount": "{{ build_erp_payload.total }}",
                     "currency": "{{ build_erp_payload.currency }}",
                 }),
            slack("notify", "Tell #orders", "#orders", NOTIFY_TEXT),
        ],
        chain("order_hook", "fetch_customer", "build_erp_payload", "post_erp", "notify"),
    ),
    trigger_data={"body": {"order_id": "SO-48213", "customer_id": "cus_1042", "total": 1499.99, "currency": "EUR",
                           "lines": [{"sku": "DESK-OAK-160", "quantity": 1, "unit_price": 1499.99}]},
                  "headers": {"Content-Type": "application/json"}},
    answers={
        "fetch_customer": [ok(CUSTOMER)],
        "post_erp": [ok({"erp_order_id": "ERP-77120", "status": "accepted"})],
    },
    accept={
        "status": "completed",
        "outputs": {"build_erp_payload": {"$.customer_email": CUSTOMER["email"], "$.total": 1499.99},
                    "post_erp": {"$.body.erp_order_id": "ERP-77120"}},
        "calls": [{"node": "notify", "contains": {"channel": "#orders",
                                                   "text": f"Order SO-48213 synced as ERP-77120 for {CUSTOMER['email']}"}}],
    },
    credentials=[{"name": "crm_token", "type": "bearer", "status": "valid"},
                 {"name": "erp_token", "type": "bearer", "status": "valid"},
                 {"name": "slack_bot", "type": "oauth2", "status": "valid"}],
    started_at="2025-04-08T13:21:07.250Z",
)


def _move_email(body: dict) -> dict:
    moved = {key: value for key, value in body.items() if key != "email"}
    moved["contact"] = {"email": body["email"], "phone": "+31 20 555 0142"}
    return moved


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.misspell_field(run, node="build_erp_payload", path="config.values[1].value", field="email", misspelt="emial"),
        inject.upstream_changed(
            run, node="fetch_customer", reshape=_move_email, slug="email_moved_to_contact",
            edits=[{"node": "build_erp_payload", "set": {"config.values[1].value": "{{ fetch_customer.body.contact.email }}"}}],
            description="The CRM's v2 customer now nests email under contact; the last successful run still had body.email.",
        ),
        inject.rate_limited(run, node="fetch_customer", retry_after=20, provider="Crmly"),
        inject.server_error(run, node="post_erp", status=502, failures=1, provider="The ERP"),
        inject.expired_credential(run, node="fetch_customer", credential="crm_token", status="expired", provider="Crmly"),
        inject.strip_url_scheme(run, node="post_erp"),
        inject.wrong_node_reference(run, node="notify", path="config.text", old="post_erp.body", new="fetch_customer.body",
                                    slug="erp_id_from_customer"),
        inject.slow_upstream(run, node="post_erp", timeout_s=10, latency_ms=14000, provider="The ERP"),
        inject.flaky_timeout(run, node="fetch_customer", provider="Crmly"),
        inject.misspell_field(run, node="build_erp_payload", path="config.values[2].value", field="name", misspelt="nmae"),
        inject.upstream_outage(run, node="post_erp", status=503, provider="The ERP"),
    ]
