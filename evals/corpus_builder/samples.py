"""The nine sample bundles of evals/samples as cases: each with the world a re-run sees and its accept.

A sample's world is its recorded fixtures plus the answers a fixed re-run needs that the failed
run never got (the request after a 429, the nodes after the failed one), each written here.
"""

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.corpus_builder.base import (
    BaseWorkflow,
    BuildError,
    discover_world,
    make_fixture,
)
from evals.corpus_builder.dsl import ok, response
from evals.corpus_builder.injectors import edited

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


@dataclass(frozen=True)
class SampleSpec:
    """How one sample becomes a case: the fix, the answers a fixed re-run needs, and accept.

    `answers` lists, per node, responses served after the recorded fixtures; `latency_ms` sets how
    long the world takes to answer a node.
    """

    file: str
    kind: str
    fix: dict[str, Any]
    accept: dict[str, Any]
    answers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    latency_ms: dict[str, int] = field(default_factory=dict)
    fixable: bool = True
    expect_action: str | None = None


def _bundle(file: str) -> dict[str, Any]:
    return json.loads((SAMPLES_DIR / file).read_text(encoding="utf-8"))


def _node_config(file: str, node_id: str, key: str) -> Any:
    nodes = _bundle(file)["workflow"]["definition"]["nodes"]
    return next(item for item in nodes if item["id"] == node_id)["data"]["config"][key]


def _history_output(file: str, node_id: str) -> dict[str, Any]:
    records = _bundle(file)["history"][0]["nodes"]
    return next(record for record in records if record["node_id"] == node_id)["output"]


_ALERT_TEXT = _node_config("incident_alert_data_mapping.json", "post_alert", "text")
_TOTALS_CODE = _node_config("sheets_order_form_type_mismatch.json", "compute_totals", "code")
_ENRICHED = {
    "person": {"email": "m.okafor@fernbridge-logistics.com", "title": "VP Operations", "seniority": "vp"},
    "company": {"name": "Fernbridge Logistics", "domain": "fernbridge-logistics.com", "industry": "Logistics & Supply Chain",
                "employee_count": 850, "linkedin_url": "https://www.linkedin.com/company/fernbridge-logistics"},
}

SPECS = (
    SampleSpec(
        file="order_sync_api_schema_change.json", kind="api_schema_change",
        fix={"edits": [{"node": "build_erp_payload", "set": {"config.values[3].value": "{{ fetch_customer.body.contact.email }}"}}]},
        answers={"post_to_erp": [_history_output("order_sync_api_schema_change.json", "post_to_erp")]},
        accept={"status": "completed", "outputs": {"post_to_erp": {"$.status_code": 201}}, "calls": []},
    ),
    SampleSpec(
        file="crm_enrichment_rate_limit.json", kind="rate_limit",
        fix={"edits": [{"node": "enrich_lead", "set": {"retry": {"max_attempts": 3, "backoff": "fixed", "delay_ms": 30000}}}]},
        answers={"enrich_lead": [ok(_ENRICHED)], "update_contact": [ok({"id": "51207", "properties": {"company": "Fernbridge Logistics"}})]},
        accept={"status": "completed", "outputs": {"enrich_lead": {"$.body.company.name": "Fernbridge Logistics"},
                                                   "update_contact": {"$.status_code": 200}}, "calls": []},
    ),
    SampleSpec(
        file="incident_alert_data_mapping.json", kind="data_mapping",
        fix={"edits": [{"node": "post_alert", "set": {"config.text": _ALERT_TEXT.replace(".serverity }}", ".severity }}")}}]},
        accept={"status": "completed", "outputs": {"check_severity": {"$.result": True}},
                "calls": [{"node": "post_alert", "contains": {"channel": "#inc-response"}}]},
    ),
    SampleSpec(
        file="sheets_order_form_type_mismatch.json", kind="type_mismatch",
        fix={"edits": [{"node": "compute_totals", "set": {"config.code": _TOTALS_CODE.replace(
            "const lines = data.order_lines;", "const lines = JSON.parse(data.order_lines);")}}]},
        accept={"status": "completed", "outputs": {"compute_totals": {"$.line_count": 3}},
                "calls": [{"node": "append_order_row", "contains": {"operation": "append"}}]},
    ),
    SampleSpec(
        file="github_triage_loop_shape.json", kind="loop_shape",
        fix={"edits": [{"node": "each_label", "set": {"config.items": "{{ trigger.body.issue.labels }}"}}]},
        accept={"status": "completed", "outputs": {"each_label": {"$.count": 2}},
                "calls": [{"node": "open_triage_card", "contains": {"data": {"labels": ["bug", "needs-triage"]}}},
                          {"node": "open_triage_card", "contains": {"data": {"labels": ["area:checkout", "needs-triage"]}}}]},
    ),
    SampleSpec(
        file="stripe_dunning_auth_expired.json", kind="auth_expired",
        fix={"action": {"type": "reconnect_credential", "credential": "stripe_key"}},
        answers={"fetch_customer": [response(401, {"error": {"code": "api_key_expired", "type": "invalid_request_error",
                                                             "message": "Expired API Key provided."}})] * 3},
        accept={"status": "completed", "outputs": {"fetch_customer": {"$.status_code": 200}},
                "calls": [{"node": "send_dunning_email", "contains": {"subject": "Action needed: payment failed for invoice"}}]},
        fixable=False, expect_action="reconnect_credential",
    ),
    SampleSpec(
        file="shipbob_fulfillment_invalid_config.json", kind="invalid_config",
        fix={"edits": [{"node": "create_shipment", "set": {"config.url": "https://api.shipbob.com/1.0/order"}}]},
        answers={"create_shipment": [ok({"id": 912044, "status": "Processing", "reference_id": "5820994437"})]},
        accept={"status": "completed", "outputs": {"create_shipment": {"$.body.id": 912044}},
                "calls": [{"node": "notify_fulfillment", "contains": {"channel": "#fulfillment"}}]},
    ),
    SampleSpec(
        file="inventory_relay_transient_upstream.json", kind="transient_upstream",
        fix={"edits": [{"node": "push_stock_level", "set": {"retry": {"max_attempts": 4, "backoff": "exponential", "delay_ms": 2000}}}]},
        answers={"push_stock_level": [ok({"sku": "TENT-2P-GRN", "available": 7, "updated": True})]},
        accept={"status": "completed", "outputs": {"push_stock_level": {"$.body.updated": True}}, "calls": []},
    ),
    SampleSpec(
        file="revenue_report_timeout.json", kind="timeout",
        fix={"edits": [{"node": "fetch_revenue", "set": {"config.timeout": 30}}]},
        answers={"fetch_revenue": [_history_output("revenue_report_timeout.json", "fetch_revenue")] * 2},
        latency_ms={"fetch_revenue": 12_000},
        accept={"status": "completed", "outputs": {"fetch_revenue": {"$.body.totals.net_revenue": 46877.25}},
                "calls": [{"node": "append_summary", "contains": {"operation": "append", "sheet_name": "Daily"}}]},
    ),
)


def sample_cases() -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (file name, case document) for each sample bundle."""
    for spec in SPECS:
        yield spec.file.removesuffix(".json"), sample_case(spec)


def sample_case(spec: SampleSpec) -> dict[str, Any]:
    bundle = _bundle(spec.file)
    document: dict[str, Any] = {
        "bundle": bundle,
        "class": spec.kind,
        "origin": "report",
        "world": {"fixtures": _world(spec, bundle)},
        "accept": spec.accept,
        "fixable": spec.fixable,
        "reference_fix": spec.fix,
        "base_workflow": f"sample_{spec.file.removesuffix('.json')}",
        "description": f"Sample bundle {spec.file}, with the world a re-run sees.",
    }
    if spec.expect_action is not None:
        document["expect_action"] = spec.expect_action
    return document


def _world(spec: SampleSpec, bundle: dict[str, Any]) -> list[dict[str, Any]]:
    execution = bundle["execution"]
    recorded = copy.deepcopy(execution.get("deterministic_fixtures") or [])
    definition = bundle["workflow"]["definition"]
    if "edits" in spec.fix:
        definition = edited(definition, spec.fix["edits"])

    queues = {node_id: list(answers) for node_id, answers in spec.answers.items()}

    def answer(needed: dict[str, Any]) -> dict[str, Any] | None:
        queue = queues.get(needed["node"])
        if not queue:
            return None
        fixture = make_fixture(needed, queue.pop(0))
        if needed["node"] in spec.latency_ms:
            fixture["latency_ms"] = spec.latency_ms[needed["node"]]
        return fixture

    base = _as_base(spec, bundle)
    world, _ = discover_world(base, definition, answer, known=recorded)
    for node_id, queue in queues.items():
        # Answers a fixed run does not use still belong to the world, for fixes that retry more.
        if queue:
            template = next((fixture for fixture in world if fixture.get("node_id") == node_id), None)
            if template is None:
                raise BuildError(f"{spec.file}: {node_id} makes no request in the fixed run")
            world.extend(make_fixture(_needed_of(template), item) for item in queue)
    for fixture in world:
        if fixture.get("node_id") in spec.latency_ms and fixture.get("response") is not None:
            fixture["latency_ms"] = spec.latency_ms[fixture["node_id"]]
    return world


def _needed_of(fixture: dict[str, Any]) -> dict[str, Any]:
    return {"fingerprint": fixture["request_fingerprint"], "node": fixture["node_id"], "request": fixture["request"]}


def _as_base(spec: SampleSpec, bundle: dict[str, Any]) -> BaseWorkflow:
    execution = bundle["execution"]
    return BaseWorkflow(
        name=spec.file, title=bundle["workflow"].get("name") or spec.file, workflow_id=bundle["workflow"]["id"],
        workspace_id=bundle["workspace"]["id"], version=bundle["workflow"]["version"], definition=bundle["workflow"]["definition"],
        trigger_data=execution.get("trigger_data"), answers={}, accept=spec.accept, credentials=bundle.get("credentials") or [],
        started_at=execution.get("started_at"), env=(bundle.get("variables") or {}).get("env") or {},
    )
