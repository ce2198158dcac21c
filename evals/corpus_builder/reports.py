"""Hand-written cases modelled on failures people report publicly about workflow automation tools.

Each scenario is written here in its own words and data, on one of the base workflows: what broke,
the world a re-run sees, and the fix (or, for an unfixable case, why no edit can help).
"""

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from evals.corpus_builder import injectors as inject
from evals.corpus_builder.assemble import assemble_case
from evals.corpus_builder.base import (
    BaseRun,
    Variant,
    discover_world,
    make_fixture,
    prepare_base,
)
from evals.corpus_builder.dsl import response
from evals.corpus_builder.injectors import edited, value_at
from evals.corpus_builder.workflows import (
    crm_enrichment,
    daily_report,
    github_triage,
    inventory_relay,
    invoice_emailing,
    lead_scoring,
    order_sync,
    refund_approval,
    slack_alerting,
    stripe_dunning,
    support_routing,
)

# Execution ids of report cases start here.
FIRST_EXECUTION_ID = 50_000


def _answers_by_url(routes: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """Answer a request whose URL contains a route's text with that route's response."""
    def answer(needed: dict[str, Any]) -> dict[str, Any] | None:
        url = needed["request"]["url"]
        for fragment, reply in routes.items():
            if fragment in url:
                return make_fixture(needed, reply)
        return None

    return answer


def _scenario(
    run: BaseRun,
    *,
    slug: str,
    kind: str,
    description: str,
    definition: dict[str, Any] | None = None,
    trigger_data: Any = None,
    world: list[dict[str, Any]] | None = None,
    fix: list[dict[str, Any]] | None = None,
    action: dict[str, Any] | None = None,
    routes: dict[str, dict[str, Any]] | None = None,
    fixable: bool = True,
    expect_action: str | None = None,
    env: dict[str, Any] | None = None,
) -> Variant:
    """Build a report variant; requests the broken or fixed run makes beyond the world are answered by `routes`."""
    base = run.base
    definition = definition or base.definition
    trigger = base.trigger_data if trigger_data is None else trigger_data
    known = copy.deepcopy(run.world if world is None else world)
    answer = _answers_by_url(routes or {})
    known, _ = discover_world(base, definition, answer, trigger_data=trigger, known=known)
    if fix:
        known, _ = discover_world(base, edited(definition, fix), answer, trigger_data=trigger, known=known)
    reference = None
    if fix:
        reference = {"edits": fix}
    elif action:
        reference = {"action": action}
    return Variant(slug=slug, kind=kind, description=description, definition=definition, world=known, trigger_data=trigger,
                   accept=base.accept, fixable=fixable, reference_fix=reference, expect_action=expect_action)


def _bad_request(message: str, status: int = 400) -> dict[str, Any]:
    return response(status, {"error": {"type": "invalid_request", "message": message}})


# The scenarios, one function each.


def sheets_numbers_with_separators(run: BaseRun) -> Variant:
    body = run.result.nodes["fetch_sales"].output["body"]
    changed = {**body, "orders": [{**order, "total": f"{order['total']:,.2f}"} for order in body["orders"]]}
    world = copy.deepcopy(run.world)
    world[0]["response"]["body"] = changed
    code = daily_report.SUMMARIZE.replace("sum + order.total", 'sum + Number(String(order.total).replace(/,/g, ""))')
    return _scenario(run, slug="totals_with_thousands_separator", kind="type_mismatch", world=world,
                     fix=[{"node": "summarize", "set": {"config.code": code}}],
                     description="The sales export switched to formatted numbers (\"1,156.00\"); summing them joins text instead of adding.")


def json_body_breaks_on_quote(run: BaseRun) -> Variant:
    trigger = copy.deepcopy(run.base.trigger_data)
    trigger["body"]["sku"] = 'MUG "STONE" 350'
    body = value_at(run.base.definition, "push_stock", "config.body")
    fixed = body.replace('"{{ map_stock.sku }}"', "{{ jsonStringify(map_stock.sku) }}")
    ok_reply = response(200, {"accepted": True, "sku": 'MUG "STONE" 350', "version": 3313})
    accept_text = {"text": 'Low stock: MUG "STONE" 350 has 12 left in AMS-2'}
    variant = _scenario(run, slug="json_body_unescaped_quote", kind="invalid_config", trigger_data=trigger,
                        fix=[{"node": "push_stock", "set": {"config.body": fixed}}], routes={"stockpilot": ok_reply},
                        description="A SKU with a double quote breaks the hand-built JSON body; the value must be JSON-encoded.")
    variant.accept = {**variant.accept, "calls": [{"node": "alert_low", "contains": accept_text}]}
    return variant


def date_format_rejected(run: BaseRun) -> Variant:
    url = value_at(run.base.definition, "fetch_sales", "config.url")
    broken_url = url.replace("{{ dateFormat(trigger.report_date, 'yyyy-MM-dd') }}", "{{ trigger.report_date }}")
    definition = edited(run.base.definition, [{"node": "fetch_sales", "set": {"config.url": broken_url}}])
    return _scenario(run, slug="date_param_not_yyyy_mm_dd", kind="type_mismatch", definition=definition,
                     fix=[{"node": "fetch_sales", "set": {"config.url": url}}],
                     routes={"date=2025-04-14T": _bad_request("date must be formatted YYYY-MM-DD")},
                     description="The report API rejects the date parameter with 400 because the workflow sends a full timestamp.")


def list_sent_as_json_text(run: BaseRun) -> Variant:
    world = copy.deepcopy(run.world)
    world[0]["response"]["body"]["invoices"] = json.dumps(world[0]["response"]["body"]["invoices"])
    return _scenario(run, slug="invoices_as_json_text", kind="loop_shape", world=world,
                     fix=[{"node": "each_invoice", "set": {"config.items": "{{ jsonParse(fetch_invoices.body.invoices) }}"}}],
                     description="The billing API's new gateway returns the invoice list as a JSON string, so the loop gets text.")


def long_retry_after(run: BaseRun) -> Variant:
    return inject.rate_limited(run, node="fetch_company", retry_after=120, provider="ClearSignal's free plan")


def destination_property_renamed(run: BaseRun) -> Variant:
    body = value_at(run.base.definition, "update_contact", "config.body")
    fixed = copy.deepcopy(body)
    fixed["properties"]["numberofemployees"] = fixed["properties"].pop("numemployees")
    ok_reply = run.result.nodes["update_contact"].output
    return _scenario(run, slug="destination_property_renamed", kind="api_schema_change",
                     fix=[{"node": "update_contact", "set": {"config.body": fixed}}],
                     routes={"contacts/90311": ok_reply},
                     world=[fixture for fixture in run.world if fixture["node_id"] != "update_contact"]
                     + [make_fixture({"fingerprint": fixture["request_fingerprint"], "node": "update_contact",
                                      "request": fixture["request"]}, _bad_request('Property "numemployees" does not exist'))
                        for fixture in run.world if fixture["node_id"] == "update_contact"],
                     description="HubSpot rejects the update with 400: the property numemployees was replaced by numberofemployees.")


def code_returns_items_array(run: BaseRun) -> Variant:
    code = daily_report.SUMMARIZE.replace("return {", "return [{").replace("};", "}];")
    definition = edited(run.base.definition, [{"node": "summarize", "set": {"config.code": code}}])
    return _scenario(run, slug="code_returns_items_array", kind="data_mapping", definition=definition,
                     fix=[{"node": "summarize", "set": {"config.code": daily_report.SUMMARIZE}}],
                     description="Code pasted from another tool returns a list of items; the email reads summarize.date from an object.")


def html_page_with_200(run: BaseRun) -> Variant:
    world = copy.deepcopy(run.world)
    world[0]["response"] = response(200, {"body": "<html><title>Scheduled maintenance</title></html>"}, {"Content-Type": "text/html"})
    return _scenario(run, slug="maintenance_page_with_200", kind="other", world=world, fixable=False,
                     description="Monitorly responds to every request with an HTML maintenance page and status 200 during its maintenance window.")


def stripe_key_rolled(run: BaseRun) -> Variant:
    return inject.expired_credential(run, node="fetch_charge", credential="stripe_key", status="revoked", provider="Stripe (the restricted key was rolled)")


def amount_in_major_units(run: BaseRun) -> Variant:
    trigger = copy.deepcopy(run.base.trigger_data)
    trigger["body"].pop("amount_cents")
    trigger["body"]["amount"] = "249.00"
    original = value_at(run.base.definition, "create_refund", "config.data")
    broken = {**original, "amount": "{{ trigger.body.amount }}"}
    definition = edited(run.base.definition, [{"node": "create_refund", "set": {"config.data": broken}},
                                              {"node": "notify_customer", "set": {"config.body": "We refunded {{ trigger.body.amount }} for {{ trigger.body.request_id }}."}}])
    return _scenario(run, slug="amount_in_major_units", kind="type_mismatch", definition=definition, trigger_data=trigger,
                     fix=[{"node": "create_refund", "set": {"config.data.amount": "{{ round(toNumber(trigger.body.amount) * 100) }}"}}],
                     description="The new refund form sends amount as \"249.00\" in dollars; Stripe needs a whole number of cents.")


def api_version_retired(run: BaseRun) -> Variant:
    url = value_at(run.base.definition, "enrich_lead", "config.url")
    definition = edited(run.base.definition, [{"node": "enrich_lead", "set": {"config.url": url.replace("/v2/", "/v1/")}}])
    gone = response(410, {"error": {"type": "gone", "message": "API v1 was retired on 2025-03-01. Use /v2."}})
    return _scenario(run, slug="api_v1_retired", kind="api_schema_change", definition=definition,
                     fix=[{"node": "enrich_lead", "set": {"config.url": url}}], routes={"/v1/": gone},
                     description="LeadGraph retired API v1 and returns 410 Gone; the v2 endpoint returns the same person shape.")


def duplicate_task(run: BaseRun) -> Variant:
    world = [fixture for fixture in run.world if fixture["node_id"] != "create_task"]
    first = next(fixture for fixture in run.world if fixture["node_id"] == "create_task")
    needed = {"fingerprint": first["request_fingerprint"], "node": "create_task", "request": first["request"]}
    conflict = response(409, {"errors": [{"message": "A task with this name already exists in the project"}]})
    world[1:1] = [make_fixture(needed, conflict)] * 3
    return _scenario(run, slug="duplicate_task_conflict", kind="other", world=world, fixable=False,
                     description="Asana returns 409 on every run: a task with the same name exists, so someone must resolve the duplicate.")


def customer_without_email(run: BaseRun) -> Variant:
    world = copy.deepcopy(run.world)
    world[0]["response"]["body"]["email"] = None
    missing = response(422, {"errors": {"email": ["is required"]}})
    return _scenario(run, slug="customer_without_email", kind="other", world=world, routes={"erp.northwind": missing},
                     fixable=False, expect_action="fix_source_data",
                     description="The CRM customer has no email, and the ERP requires one; the data must be fixed in the CRM.")


def placeholder_email(run: BaseRun) -> Variant:
    world = copy.deepcopy(run.world)
    world[0]["response"]["body"]["email"] = "n/a"
    return _scenario(run, slug="placeholder_email", kind="other", world=world, fixable=False, expect_action="fix_source_data",
                     description="The Stripe customer's email was typed as \"n/a\", so no notice can be sent until it is corrected.")


def offboarded_api_key(run: BaseRun) -> Variant:
    return inject.expired_credential(run, node="fetch_invoices", credential="ledgerline_key", status="revoked",
                                     provider="Ledgerline (the key's owner left the company)")


def missing_content_type(run: BaseRun) -> Variant:
    definition = copy.deepcopy(run.base.definition)
    headers = next(item for item in definition["nodes"] if item["id"] == "push_stock")["data"]["config"]["headers"]
    del headers["Content-Type"]
    unsupported = response(415, {"error": "Unsupported Media Type: send Content-Type: application/json"})
    return _scenario(run, slug="missing_content_type", kind="invalid_config", definition=definition,
                     fix=[{"node": "push_stock", "set": {"config.headers['Content-Type']": "application/json"}}],
                     routes={"stockpilot": unsupported},
                     description="After the headers were edited, StockPilot returns 415 because the request has no Content-Type.")


def pasted_foreign_code(run: BaseRun) -> Variant:
    return inject.code_bug(run, node="summarize", old="const orders = input.body.orders;",
                           new="const orders = $input.all()[0].json.body.orders;", slug="foreign_code_helpers",
                           what="$input is not defined: the code was copied from another automation tool")


def report_over_client_limit(run: BaseRun) -> Variant:
    variant = inject.slow_upstream(run, node="fetch_sales", timeout_s=20, latency_ms=45_000, provider="Shopline's yearly export")
    variant.slug = "export_slower_than_any_timeout"
    variant.fixable = False
    variant.reference_fix = {"edits": [{"node": "fetch_sales", "set": {"config.timeout": 120}}]}
    variant.description = ("The export takes 45 s, longer than the 30 s the engine's HTTP client allows, "
                           "so no timeout setting helps; the report must be fetched asynchronously.")
    return variant


def labels_rate_limited(run: BaseRun) -> Variant:
    world = copy.deepcopy(run.world)
    second = [index for index, fixture in enumerate(world) if fixture["node_id"] == "add_label"][1]
    needed = {"fingerprint": world[second]["request_fingerprint"], "node": "add_label", "request": world[second]["request"]}
    limited = response(429, {"message": "You have exceeded a secondary rate limit."}, {"Retry-After": "60"})
    world.insert(second, make_fixture(needed, limited))
    return _scenario(run, slug="secondary_rate_limit_in_loop", kind="rate_limit", world=world,
                     fix=[{"node": "add_label", "set": {"retry": {"max_attempts": 3, "backoff": "fixed", "delay_ms": 60000}}}],
                     description="GitHub's secondary rate limit stops the second label request of the loop with Retry-After: 60.")


def alerts_outage(run: BaseRun) -> Variant:
    return inject.upstream_outage(run, node="fetch_alerts", status=503, provider="Monitorly (regional outage)")


SCENARIOS: tuple[tuple[Any, Callable[[BaseRun], Variant]], ...] = (
    (daily_report, sheets_numbers_with_separators),
    (inventory_relay, json_body_breaks_on_quote),
    (daily_report, date_format_rejected),
    (invoice_emailing, list_sent_as_json_text),
    (lead_scoring, long_retry_after),
    (crm_enrichment, destination_property_renamed),
    (daily_report, code_returns_items_array),
    (slack_alerting, html_page_with_200),
    (refund_approval, stripe_key_rolled),
    (refund_approval, amount_in_major_units),
    (crm_enrichment, api_version_retired),
    (support_routing, duplicate_task),
    (order_sync, customer_without_email),
    (stripe_dunning, placeholder_email),
    (invoice_emailing, offboarded_api_key),
    (inventory_relay, missing_content_type),
    (daily_report, pasted_foreign_code),
    (daily_report, report_over_client_limit),
    (github_triage, labels_rate_limited),
    (slack_alerting, alerts_outage),
)


def report_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (file name, case document) for every report scenario."""
    runs: dict[str, BaseRun] = {}
    for index, (module, scenario) in enumerate(SCENARIOS):
        run = runs.get(module.BASE.name) or runs.setdefault(module.BASE.name, prepare_base(module.BASE))
        variant = scenario(run)
        document = assemble_case(run, variant, execution_id=FIRST_EXECUTION_ID + index * 2 + 1, origin="report")
        yield f"{run.base.name}__{variant.slug}", document
