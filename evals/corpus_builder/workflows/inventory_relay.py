"""Inventory relay: a warehouse stock change is pushed to StockPilot and low stock is flagged in Slack."""

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.base import BaseRun, BaseWorkflow, Variant
from evals.corpus_builder.dsl import (
    chain,
    condition,
    edge,
    http,
    ok,
    set_values,
    slack,
    webhook,
    workflow,
)

BODY = '{"sku": "{{ map_stock.sku }}", "warehouse": "{{ map_stock.warehouse }}", "on_hand": {{ map_stock.on_hand }}}'
push = http("push_stock", "Push stock level", "https://api.stockpilot.example/v1/levels", method="POST",
            credential="stockpilot_key", body=BODY)
push["data"]["config"]["body_type"] = "json"

BASE = BaseWorkflow(
    name="inventory_relay",
    title="Stock levels to StockPilot",
    workflow_id="wf_stock_relay",
    workspace_id="ws_cartwheel",
    version=6,
    definition=workflow(
        [
            webhook("stock_changed", "Stock changed", "wms/stock"),
            set_values("map_stock", "Map stock fields", {"sku": "{{ trigger.body.sku }}", "on_hand": "{{ trigger.body.quantity }}",
                                                          "warehouse": "{{ trigger.body.location.code }}"}),
            push,
            condition("is_low", "Below 20?", "{{ map_stock.on_hand }}", "lt", 20),
            slack("alert_low", "Low stock alert", "#inventory", "Low stock: {{ map_stock.sku }} has {{ map_stock.on_hand }} left in {{ map_stock.warehouse }}"),
        ],
        [*chain("stock_changed", "map_stock", "push_stock", "is_low"), edge("is_low", "alert_low", "true")],
    ),
    trigger_data={"body": {"sku": "MUG-STONE-350", "quantity": 12, "location": {"code": "AMS-2", "name": "Amsterdam 2"},
                           "changed_at": "2025-03-27T11:15:02Z"}},
    answers={"push_stock": [ok({"accepted": True, "sku": "MUG-STONE-350", "version": 3312})]},
    accept={
        "status": "completed",
        "outputs": {"push_stock": {"$.body.accepted": True}, "is_low": {"$.result": True}},
        "calls": [{"node": "alert_low", "contains": {"text": "Low stock: MUG-STONE-350 has 12 left in AMS-2"}}],
    },
    credentials=[{"name": "stockpilot_key", "type": "bearer", "status": "valid"},
                 {"name": "slack_bot", "type": "oauth2", "status": "valid"}],
    started_at="2025-03-27T11:15:02.640Z",
)


def _quantity_as_text(trigger: dict) -> dict:
    trigger["body"]["quantity"] = str(trigger["body"]["quantity"])
    return trigger


def variants(run: BaseRun) -> list[Variant]:
    return [
        inject.invalid_json_body(run, node="push_stock", old='"{{ map_stock.warehouse }}",', new='"{{ map_stock.warehouse }}"'),
        inject.trigger_changed(
            run, reshape=_quantity_as_text, slug="quantity_as_text", kind="type_mismatch",
            edits=[{"node": "map_stock", "set": {"config.values[1].value": "{{ toNumber(trigger.body.quantity) }}"}}],
            description="The warehouse system now sends quantity as text (\"12\"), and the low-stock check compares it with a number.",
        ),
        inject.wrong_nesting(run, node="map_stock", path="config.values[2].value", old="trigger.body.location.code",
                             new="trigger.body.location_code", slug="flat_location_code"),
        inject.server_error(run, node="push_stock", status=503, failures=1, provider="StockPilot"),
        inject.upstream_outage(run, node="push_stock", status=502, provider="StockPilot"),
        inject.strip_url_scheme(run, node="push_stock"),
        inject.flaky_timeout(run, node="push_stock", provider="StockPilot"),
        inject.rate_limited(run, node="push_stock", retry_after=30, provider="StockPilot"),
    ]
