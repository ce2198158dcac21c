"""The diagnosers' rules on recorded failures of the eval corpus, and [] when a rule's evidence is missing."""

import json
from pathlib import Path
from typing import Any

import pytest

from agent.context import gather_context
from agent.diagnosers import (
    api_schema_change,
    auth_expired,
    branching,
    code_exception,
    data_mapping,
    invalid_config,
    loop_shape,
    other,
    timeout,
    type_mismatch,
)

CORPUS_DIR = Path(__file__).resolve().parents[2] / "evals" / "corpus"


def bundle(case: str) -> dict[str, Any]:
    return json.loads((CORPUS_DIR / f"{case}.json").read_text())["bundle"]


def node_data(raw: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(node for node in raw["workflow"]["definition"]["nodes"] if node["id"] == node_id)["data"]


def only_set(candidates: list) -> dict[str, Any]:
    [candidate] = candidates
    [edit] = candidate.edits
    return edit["set"]


@pytest.mark.parametrize(
    ("diagnose", "case", "node", "expected"),
    [
        (data_mapping.diagnose, "injected/crm_enrichment__flattened_company_name", "update_contact",
         {"config.body.properties.company": "{{ enrich_lead.body.company.name }}"}),
        (data_mapping.diagnose, "injected/inventory_relay__flat_location_code", "map_stock",
         {"config.values[2].value": "{{ trigger.body.location.code }}"}),
        (data_mapping.diagnose, "injected/sheets_append__submitted_at_under_fields", "normalize",
         {"config.values[3].value": "{{ trigger.body.submitted_at }}"}),
        (branching.diagnose, "injected/lead_scoring__condition_missing_field", "is_hot",
         {"config.conditions[0].field": "{{ score.score }}"}),
        (branching.diagnose, "injected/stripe_dunning__condition_missing_field", "is_final",
         {"config.conditions[0].field": "{{ days_overdue.days }}"}),
        (branching.diagnose, "injected/slack_alerting__condition_missing_field", "is_critical",
         {"config.conditions[0].field": "{{ fetch_alerts.body.alerts[0].severity }}"}),
        (auth_expired.diagnose, "injected/crm_enrichment__missing_bearer_scheme", "update_contact",
         {"config.headers.Authorization": "Bearer {{ credential.hubspot_token }}"}),
        (api_schema_change.diagnose, "injected/crm_enrichment__title_renamed", "update_contact",
         {"config.body.properties.jobtitle": "{{ enrich_lead.body.job_title }}"}),
        (api_schema_change.diagnose, "injected/invoice_emailing__list_renamed_to_data", "each_invoice",
         {"config.items": "{{ fetch_invoices.body.data }}"}),
        (api_schema_change.diagnose, "report/crm_enrichment__api_v1_retired", "enrich_lead",
         {"config.url": "https://api.leadgraph.example/v2/person/enrich?email={{ trigger.body.email }}"}),
        (type_mismatch.diagnose, "injected/sheets_append__fields_as_json_text", "normalize",
         {"config.values[0].value": "{{ toLower(trim(jsonParse(trigger.body.fields).email)) }}",
          "config.values[1].value": "{{ jsonParse(trigger.body.fields).company }}",
          "config.values[2].value": "{{ toNumber(jsonParse(trigger.body.fields).seats) }}"}),
        (type_mismatch.diagnose, "injected/invoice_emailing__amount_as_text", "format_invoice",
         {"config.values[1].value": "{{ each_invoice.item.currency + ' ' + round(toNumber(each_invoice.item.amount), 2) }}"}),
        (type_mismatch.diagnose, "injected/refund_approval__amount_as_text", "create_refund",
         {"config.data.amount": "{{ toNumber(trigger.body.amount_cents) }}"}),
        (type_mismatch.diagnose, "injected/inventory_relay__quantity_as_text", "map_stock",
         {"config.values[1].value": "{{ toNumber(trigger.body.quantity) }}"}),
        (loop_shape.diagnose, "report/invoice_emailing__invoices_as_json_text", "each_invoice",
         {"config.items": "{{ jsonParse(fetch_invoices.body.invoices) }}"}),
        (invalid_config.diagnose, "injected/refund_approval__bad_operation", "create_refund",
         {"config.operation": "create"}),
        (invalid_config.diagnose, "report/inventory_relay__missing_content_type", "push_stock",
         {"config.headers['Content-Type']": "application/json"}),
    ],
)
def test_rule_proposes_expected_edit(diagnose, case, node, expected):
    [candidate] = diagnose(gather_context(bundle(case)))

    assert candidate.edits == [{"node": node, "set": expected}]


def test_data_mapping_other_node_output_reads_predecessor():
    edits = data_mapping.diagnose(gather_context(bundle("injected/order_sync__erp_id_from_customer")))[0].edits

    assert "{{ post_erp.body.erp_order_id }}" in edits[0]["set"]["config.text"]


def test_data_mapping_key_in_last_success_skipped():
    assert data_mapping.diagnose(gather_context(bundle("injected/crm_enrichment__title_renamed"))) == []


def test_data_mapping_ambiguous_key_returns_nothing():
    raw = bundle("injected/slack_alerting__service_not_under_labels")
    for record in raw["execution"]["nodes"]:
        if record["node_id"] == "fetch_alerts":
            record["output"]["body"]["alerts"][0]["meta"] = {"service": "billing"}

    assert data_mapping.diagnose(gather_context(raw)) == []


def test_branching_untyped_choice_returns_nothing():
    raw = bundle("injected/lead_scoring__condition_missing_field")
    node_data(raw, "is_hot")["config"]["conditions"][0]["value"] = {"min": 70}

    assert branching.diagnose(gather_context(raw)) == []


def test_auth_scheme_with_revoked_credential_keeps_reconnect_first():
    raw = bundle("injected/crm_enrichment__missing_bearer_scheme")
    raw["credentials"][1]["status"] = "revoked"

    reconnect, scheme = auth_expired.diagnose(gather_context(raw))

    assert reconnect.action == {"type": "reconnect_credential", "credential": "hubspot_token"}
    assert reconnect.specificity > scheme.specificity


def test_auth_with_scheme_present_only_reconnects():
    [candidate] = auth_expired.diagnose(gather_context(bundle("injected/crm_enrichment__credential_revoked")))

    assert candidate.action is not None


def test_timeout_single_attempt_retries_and_raises():
    changes = only_set(timeout.diagnose(gather_context(bundle("injected/order_sync__flaky_timeout"))))

    assert changes["retry"]["max_attempts"] == 2
    assert changes["config.timeout"] == 30


def test_timeout_at_limit_single_attempt_only_retries():
    changes = only_set(timeout.diagnose(gather_context(bundle("injected/crm_enrichment__flaky_timeout"))))

    assert set(changes) == {"retry"}


def test_timeout_node_already_retrying_returns_nothing():
    raw = bundle("injected/crm_enrichment__flaky_timeout")
    node_data(raw, "enrich_lead")["retry"] = {"max_attempts": 3, "backoff": "fixed", "delay_ms": 1000}

    assert timeout.diagnose(gather_context(raw)) == []


def test_api_schema_change_moved_parent_rewrites_every_reader():
    edits = api_schema_change.diagnose(gather_context(bundle("injected/slack_alerting__alerts_wrapped_in_data")))[0].edits

    assert {edit["node"] for edit in edits} == {"is_critical", "post_alert"}


@pytest.mark.parametrize(
    ("case", "old", "new"),
    [
        ("injected/daily_report__orders_renamed_to_items", "input.body.orders", "input.body.items"),
        ("injected/lead_scoring__metrics_flattened", "company.metrics.employees", "company.employee_count"),
    ],
)
def test_api_schema_change_rewrites_code_reads(case, old, new):
    code = only_set(api_schema_change.diagnose(gather_context(bundle(case))))["config.code"]

    assert new in code
    assert old not in code


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("injected/daily_report__totals_as_text", "sum + Number(order.total)"),
        ("report/daily_report__totals_with_thousands_separator", 'sum + Number(String(order.total).replace(/,/g, ""))'),
    ],
)
def test_type_mismatch_converts_added_number_text(case, expected):
    code = only_set(type_mismatch.diagnose(gather_context(bundle(case))))["config.code"]

    assert expected in code


def test_type_mismatch_decimal_for_integer_returns_nothing():
    assert type_mismatch.diagnose(gather_context(bundle("report/refund_approval__amount_in_major_units"))) == []


def test_json_body_missing_comma_repaired():
    body = only_set(invalid_config.diagnose(gather_context(bundle("injected/inventory_relay__invalid_json_body"))))[
        "config.body"
    ]

    assert body == '{"sku": "{{ map_stock.sku }}", "warehouse": "{{ map_stock.warehouse }}", "on_hand": {{ map_stock.on_hand }}}'


def test_json_body_value_needing_escape_stringified():
    body = only_set(invalid_config.diagnose(gather_context(bundle("report/inventory_relay__json_body_unescaped_quote"))))[
        "config.body"
    ]

    assert body.startswith('{"sku": {{ jsonStringify(map_stock.sku) }}, "warehouse": "{{ map_stock.warehouse }}"')


def test_code_exception_undeclared_name_uses_declared_one():
    code = only_set(code_exception.diagnose(gather_context(bundle("injected/github_triage__undefined_variable"))))[
        "config.code"
    ]

    assert "label.push" not in code
    assert code.count("labels.push") == 3


def test_code_exception_no_close_name_returns_nothing():
    assert code_exception.diagnose(gather_context(bundle("report/daily_report__foreign_code_helpers"))) == []


@pytest.mark.parametrize("case", ["report/stripe_dunning__placeholder_email", "report/order_sync__customer_without_email"])
def test_other_source_data_wrong_asks_to_fix_source(case):
    [candidate] = other.diagnose(gather_context(bundle(case)))

    assert candidate.action["type"] == "fix_source_data"


def test_other_on_fixable_type_mismatch_returns_nothing():
    assert other.diagnose(gather_context(bundle("injected/refund_approval__amount_as_text"))) == []
