"""Consistency of the sample failure bundles in evals/samples/ with their expectation table.

Replay and the rule-based diagnosers read these bundles, so each must hold together: the recorded
run matches its workflow, fixtures carry LinkFlow's fingerprints, and the evidence of the failure
kind is present in the data.
"""

import importlib
import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.evals.sample_expectations import SAMPLE_EXPECTATIONS, SampleExpectation
from tools.fingerprint import fingerprint_request
from tools.formats import FAILURE_KINDS, FailureBundle
from tools.formats.timestamps import parse_rfc3339

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "evals" / "samples"
HTTP_NODE = "action_http_request"
NOT_RUN_STATUSES = {"pending", "skipped"}
_PATH_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")

EXPECTATIONS = {expectation.file: expectation for expectation in SAMPLE_EXPECTATIONS}
by_sample = pytest.mark.parametrize(
    "expectation", SAMPLE_EXPECTATIONS, ids=lambda item: item.file.removesuffix(".json")
)
by_patch_sample = pytest.mark.parametrize(
    "expectation",
    [
        expectation
        for expectation in SAMPLE_EXPECTATIONS
        if expectation.fix["kind"] == "patch"
    ],
    ids=lambda item: item.file.removesuffix(".json"),
)


def load_sample(file: str) -> dict[str, Any]:
    with (SAMPLES_DIR / file).open(encoding="utf-8") as handle:
        return json.load(handle)


def path_steps(path: str) -> list[str | int]:
    """Split an edit-language path such as config.values[3].value into keys and indexes."""
    return [int(index) if index else key for index, key in _PATH_STEP.findall(path)]


def lookup(value: Any, steps: list[str | int]) -> Any:
    for step in steps:
        value = value[step]
    return value


def has_path(value: Any, steps: list[str | int]) -> bool:
    try:
        lookup(value, steps)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def resolve_trigger_path(trigger_data: Any, expression: str) -> Any:
    """Resolve a template such as {{ trigger.body.issue }} against recorded trigger data."""
    root, *steps = path_steps(expression.strip("{} "))
    assert root == "trigger", expression
    return lookup(trigger_data, steps)


def definition_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return bundle["workflow"]["definition"]


def definition_node(bundle: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(
        node for node in definition_of(bundle)["nodes"] if node["id"] == node_id
    )


def node_index(bundle: dict[str, Any], node_id: str) -> int:
    return next(
        index
        for index, node in enumerate(definition_of(bundle)["nodes"])
        if node["id"] == node_id
    )


def records(execution: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {record["node_id"]: record for record in execution["nodes"]}


def failed_record(
    bundle: dict[str, Any], expectation: SampleExpectation
) -> dict[str, Any]:
    return records(bundle["execution"])[expectation.failed_node]


def predecessors(definition: dict[str, Any], node_id: str) -> list[str]:
    return [edge["source"] for edge in definition["edges"] if edge["target"] == node_id]


def descendants(definition: dict[str, Any], node_id: str) -> set[str]:
    found: set[str] = set()
    frontier = [node_id]
    while frontier:
        current = frontier.pop()
        for edge in definition["edges"]:
            if edge["source"] == current and edge["target"] not in found:
                found.add(edge["target"])
                frontier.append(edge["target"])
    return found


def executions(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [bundle["execution"], *bundle.get("history", [])]


def patched_definition(bundle: dict[str, Any], fix: dict[str, Any]) -> dict[str, Any]:
    """Apply an expected patch to a copy of the bundle's definition."""
    definition = json.loads(json.dumps(definition_of(bundle)))
    node = next(node for node in definition["nodes"] if node["id"] == fix["node"])
    *parents, last = path_steps(fix["path"])
    lookup(node["data"], parents)[last] = fix["to"]
    return definition


def test_sample_files_match_expectation_table() -> None:
    files = sorted(path.name for path in SAMPLES_DIR.glob("*.json"))

    assert files == sorted(EXPECTATIONS)


def test_expectation_failure_kinds_are_known_and_distinct() -> None:
    kinds = [expectation.failure_kind for expectation in SAMPLE_EXPECTATIONS]

    assert set(kinds) <= set(FAILURE_KINDS)
    assert len(kinds) == len(set(kinds))


@by_sample
def test_sample_parses_as_failure_bundle(expectation: SampleExpectation) -> None:
    bundle = FailureBundle.model_validate(load_sample(expectation.file))

    assert bundle.format == "autofix.failure-bundle/1"
    assert bundle.execution.workflow_id == bundle.workflow.id
    assert bundle.execution.workspace_id == bundle.workspace.id
    assert bundle.execution.workflow_version == bundle.workflow.version


@by_sample
def test_sample_execution_failed_at_expected_node(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)
    execution = bundle["execution"]
    record = failed_record(bundle, expectation)

    assert execution["status"] == "failed"
    assert execution["error"]["failed_node"] == expectation.failed_node
    assert execution["error"]["code"] == record["error"]["code"]
    assert record["error"]["message"] in execution["error"]["message"]
    assert definition_node(bundle, expectation.failed_node)
    assert record["status"] == "failed"
    assert record["error"]["message"] == expectation.recorded_error
    assert [node for node in execution["nodes"] if node["status"] == "failed"] == [
        record
    ]


@by_sample
def test_sample_node_records_match_definition(expectation: SampleExpectation) -> None:
    bundle = load_sample(expectation.file)
    types = {node["id"]: node["type"] for node in definition_of(bundle)["nodes"]}

    for execution in executions(bundle):
        for record in execution["nodes"]:
            assert types.get(record["node_id"]) == record["node_type"], record[
                "node_id"
            ]
            assert (
                record["node_name"]
                == definition_node(bundle, record["node_id"])["data"]["label"]
            )


@by_sample
def test_sample_trigger_output_equals_trigger_data(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for execution in executions(bundle):
        trigger = execution["nodes"][0]
        assert trigger["node_type"].startswith("trigger_")
        assert trigger["output"] == execution["trigger_data"]


@by_sample
def test_sample_node_inputs_are_predecessor_outputs(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)
    definition = definition_of(bundle)

    for execution in executions(bundle):
        recorded = records(execution)
        for record in execution["nodes"][1:]:
            if record["status"] in NOT_RUN_STATUSES:
                continue
            sources = [
                source
                for source in predecessors(definition, record["node_id"])
                if "output" in recorded.get(source, {})
            ]
            expected = (
                recorded[sources[0]]["output"]
                if len(sources) == 1
                else {source: recorded[source]["output"] for source in sources}
            )
            assert record["input"] == expected, record["node_id"]


@by_sample
def test_sample_nodes_after_failure_did_not_run(expectation: SampleExpectation) -> None:
    bundle = load_sample(expectation.file)
    recorded = records(bundle["execution"])

    for node_id in descendants(definition_of(bundle), expectation.failed_node):
        assert (
            node_id not in recorded or recorded[node_id]["status"] in NOT_RUN_STATUSES
        ), node_id


@by_sample
def test_sample_node_records_are_complete_and_in_order(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for execution in executions(bundle):
        ran = [
            record
            for record in execution["nodes"]
            if record["status"] not in NOT_RUN_STATUSES
        ]
        assert [record["sequence"] for record in ran] == list(range(1, len(ran) + 1))
        for earlier, later in pairwise(ran):
            assert parse_rfc3339(earlier["completed_at"]) <= parse_rfc3339(
                later["started_at"]
            )
        for record in ran:
            assert parse_rfc3339(record["started_at"]) <= parse_rfc3339(
                record["completed_at"]
            )
            assert "input" in record
            if record["status"] == "completed":
                assert "output" in record
                assert "error" not in record
            else:
                assert record["status"] == "failed"
                assert "error" in record


@by_sample
def test_sample_logs_in_time_order(expectation: SampleExpectation) -> None:
    bundle = load_sample(expectation.file)
    node_ids = {node["id"] for node in definition_of(bundle)["nodes"]}

    for execution in executions(bundle):
        times = [parse_rfc3339(entry["logged_at"]) for entry in execution["logs"]]
        assert times == sorted(times)
        assert parse_rfc3339(execution["started_at"]) <= times[0]
        assert {
            entry["node_id"] for entry in execution["logs"] if "node_id" in entry
        } <= node_ids


@by_sample
def test_sample_failure_is_logged_as_error(expectation: SampleExpectation) -> None:
    logs = load_sample(expectation.file)["execution"]["logs"]
    node_errors = [
        entry
        for entry in logs
        if entry["level"] == "error" and entry.get("node_id") == expectation.failed_node
    ]

    assert node_errors
    assert logs[-1]["level"] == "error"


@by_sample
def test_sample_fixture_fingerprints_match_requests(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for execution in executions(bundle):
        for fixture in execution["deterministic_fixtures"]:
            assert fixture["request_fingerprint"] == fingerprint_request(
                fixture["request"]
            )


class _MaskedCredentials(dict):
    """Credential root in which every name reads as the redaction mask, as replay renders it."""

    def __missing__(self, name: str) -> str:
        return "[REDACTED]"

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)


@by_sample
def test_sample_fixture_requests_render_from_config(
    expectation: SampleExpectation,
) -> None:
    expressions = importlib.import_module("tools.expressions")
    bundle = load_sample(expectation.file)
    env = bundle.get("variables", {}).get("env", {})

    for execution in executions(bundle):
        outputs = {
            record["node_id"]: record["output"]
            for record in execution["nodes"]
            if "output" in record
        }
        context = {
            "trigger": execution["trigger_data"],
            "nodes": outputs,
            "env": env,
            "credential": _MaskedCredentials(),
        }
        for fixture in execution["deterministic_fixtures"]:
            config = definition_node(bundle, fixture["node_id"])["data"]["config"]
            rendered = expressions.render_value(
                {
                    "url": config["url"],
                    "headers": config.get("headers", {}),
                    "body": config.get("body"),
                },
                context,
            )

            assert fixture["request"] == {"method": config["method"], **rendered}


@by_sample
def test_sample_http_outputs_equal_their_fixture_response(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for execution in executions(bundle):
        for record in execution["nodes"]:
            if record["node_type"] != HTTP_NODE or record["status"] in NOT_RUN_STATUSES:
                continue
            fixtures = [
                fixture
                for fixture in execution["deterministic_fixtures"]
                if fixture["node_id"] == record["node_id"]
            ]
            if fixtures:
                assert record["output"] == fixtures[-1]["response"]
            else:
                assert "output" not in record


@by_sample
def test_sample_connector_attempts_match_fixtures(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for execution in executions(bundle):
        fingerprints = {
            fixture["request_fingerprint"]
            for fixture in execution["deterministic_fixtures"]
        }
        for attempt in execution["connector_attempts"]:
            assert definition_node(bundle, attempt["node_id"])["type"] == HTTP_NODE
            answered = "status_code" in attempt
            assert (attempt["request_fingerprint"] in fingerprints) == answered


@by_sample
def test_sample_history_runs_completed_for_same_workflow(
    expectation: SampleExpectation,
) -> None:
    bundle = load_sample(expectation.file)

    for run in bundle.get("history", []):
        assert run["status"] == "completed"
        assert run["workflow_id"] == bundle["workflow"]["id"]
        assert run["execution_id"] < bundle["execution"]["execution_id"]
        assert all(record["status"] == "completed" for record in run["nodes"])


@by_sample
def test_sample_expected_fix_matches_definition(expectation: SampleExpectation) -> None:
    bundle = load_sample(expectation.file)
    fix = expectation.fix

    if fix["kind"] == "action":
        credentials = {
            credential["name"]: credential for credential in bundle["credentials"]
        }
        assert credentials[fix["credential"]]["status"] in {"expired", "revoked"}
        assert (
            definition_node(bundle, expectation.failed_node)["data"]["credential"]
            == fix["credential"]
        )
        return

    node_data = definition_node(bundle, fix["node"])["data"]
    steps = path_steps(fix["path"])
    if fix["from"] is None:
        assert not has_path(node_data, steps)
    else:
        assert lookup(node_data, steps) == fix["from"]
    assert fix["to"] != fix["from"]


@by_sample
def test_sample_definition_validates_with_catalog(
    expectation: SampleExpectation,
) -> None:
    catalog = importlib.import_module("tools.catalog.definition")
    bundle = load_sample(expectation.file)

    errors = [
        issue
        for issue in catalog.validate_definition(definition_of(bundle))
        if issue.severity == "error"
    ]
    unknown_keys = [
        issue
        for issue in catalog.validate_definition(definition_of(bundle))
        if issue.code == "unknown_key"
    ]

    if expectation.failure_kind == "invalid_config":
        url_pointer = (
            f"/nodes/{node_index(bundle, expectation.failed_node)}/data/config/url"
        )
        assert [issue.pointer for issue in errors] == [url_pointer]
    else:
        assert errors == []
    assert unknown_keys == []


@by_patch_sample
def test_sample_fixed_definition_validates_with_catalog(
    expectation: SampleExpectation,
) -> None:
    catalog = importlib.import_module("tools.catalog.definition")
    bundle = load_sample(expectation.file)

    issues = catalog.validate_definition(patched_definition(bundle, expectation.fix))

    assert [issue for issue in issues if issue.severity == "error"] == []


@by_sample
def test_sample_import_redacts_and_refingerprints(
    expectation: SampleExpectation,
) -> None:
    intake = importlib.import_module("tools.intake")
    raw = (SAMPLES_DIR / expectation.file).read_bytes()

    prepared = intake.prepare_bundle(raw)

    for fixture in prepared.raw["execution"]["deterministic_fixtures"]:
        assert fixture["request_fingerprint"] == fingerprint_request(fixture["request"])
    assert prepared.model.execution.failed_node_id() == expectation.failed_node


def replay_sample(
    expectation: SampleExpectation, fix: dict[str, Any] | None = None
) -> Any:
    """Import a sample as the service does, then replay it, with the fix's patch when given."""
    intake = importlib.import_module("tools.intake")
    replay = importlib.import_module("tools.replay")
    bundle = intake.prepare_bundle((SAMPLES_DIR / expectation.file).read_bytes()).raw
    recording = replay.prepare_recording(
        definition_of(bundle),
        bundle["execution"],
        env=bundle.get("variables", {}).get("env", {}),
        credentials=bundle.get("credentials", []),
    )
    definition = None if fix is None else patched_definition(bundle, fix)
    return replay.replay(recording, definition)


@by_sample
def test_sample_replay_reproduces_failure(expectation: SampleExpectation) -> None:
    result = replay_sample(expectation)

    if expectation.failure_kind == "timeout":
        # A timed-out attempt records no fixture, so replay cannot run the failed node.
        assert result.status == "unverifiable"
        assert [needed["node"] for needed in result.needed] == [expectation.failed_node]
    else:
        assert result.status == "failed"
        assert result.failed_node == expectation.failed_node


@by_patch_sample
def test_sample_replay_with_fix_gets_past_failure(
    expectation: SampleExpectation,
) -> None:
    result = replay_sample(expectation, expectation.fix)
    fixed_node_type = definition_node(
        load_sample(expectation.file), expectation.fix["node"]
    )["type"]

    if fixed_node_type == HTTP_NODE:
        # The fixed request was never recorded, so replay has no fixture to serve it.
        assert result.status == "unverifiable"
        assert result.needed[0]["node"] == expectation.fix["node"]
    else:
        assert result.status == "passed"
        assert result.failed_node is None


def test_import_removes_literal_bearer_token() -> None:
    intake = importlib.import_module("tools.intake")
    raw = (SAMPLES_DIR / "inventory_relay_transient_upstream.json").read_bytes()
    token = load_sample("inventory_relay_transient_upstream.json")["execution"][
        "trigger_data"
    ]["headers"]["Authorization"].removeprefix("Bearer ")

    stored = json.dumps(intake.prepare_bundle(raw).raw)

    assert token.startswith("eyJ")
    assert token.encode() in raw
    assert token not in stored
    assert token.split(".")[2] not in stored
    assert "Bearer [REDACTED]" in stored


# Evidence that each failure kind's diagnoser reads.


def test_api_schema_change_field_moved() -> None:
    bundle = load_sample("order_sync_api_schema_change.json")
    before = records(bundle["history"][0])["fetch_customer"]["output"]["body"]
    after = records(bundle["execution"])["fetch_customer"]["output"]["body"]

    assert "email" in before
    assert "email" not in after
    assert (
        after["contact"]["email"]
        == bundle["execution"]["trigger_data"]["body"]["email"]
    )


def test_rate_limit_sample_has_retry_after() -> None:
    bundle = load_sample("crm_enrichment_rate_limit.json")
    output = records(bundle["execution"])["enrich_lead"]["output"]
    attempts = bundle["execution"]["connector_attempts"]

    assert output["status_code"] == 429
    assert output["headers"]["Retry-After"] == "30"
    assert [(attempt["status"], attempt["status_code"]) for attempt in attempts] == [
        ("client_error", 429)
    ]
    assert "retry" not in definition_node(bundle, "enrich_lead")["data"]
    assert bundle["workflow"]["definition"]["settings"]["retry"]["enabled"] is False


def test_data_mapping_misspelt_key_absent() -> None:
    bundle = load_sample("incident_alert_data_mapping.json")
    incident = records(bundle["execution"])["fetch_incidents"]["output"]["body"][
        "incidents"
    ][0]

    assert "serverity" not in incident
    assert incident["severity"] == "sev1"
    assert records(bundle["execution"])["mark_quiet"]["status"] == "skipped"


def test_type_mismatch_code_fails_fix_runs() -> None:
    sandbox = importlib.import_module("tools.replay.sandbox")
    bundle = load_sample("sheets_order_form_type_mismatch.json")
    trigger = bundle["execution"]["trigger_data"]
    fix = EXPECTATIONS["sheets_order_form_type_mismatch.json"].fix

    def run(code: str) -> Any:
        call = sandbox.CodeRun(
            code=code,
            input=trigger,
            run={"trigger": trigger, "form_submitted": trigger},
            now_ms=0,
            seed_text="compute_totals",
        )
        return sandbox.run_code(call)

    assert isinstance(trigger["body"]["payload"]["data"]["order_lines"], str)
    with pytest.raises(sandbox.CodeFailure) as failure:
        run(fix["from"])
    assert failure.value.detail["name"] == "TypeError"
    assert run(fix["to"])["total"] == pytest.approx(472.2)


def test_loop_shape_items_object_fix_list() -> None:
    trigger = load_sample("github_triage_loop_shape.json")["execution"]["trigger_data"]
    fix = EXPECTATIONS["github_triage_loop_shape.json"].fix

    assert isinstance(resolve_trigger_path(trigger, fix["from"]), dict)
    assert [label["name"] for label in resolve_trigger_path(trigger, fix["to"])] == [
        "bug",
        "area:checkout",
    ]


def test_auth_expired_sample_records_stripe_401() -> None:
    bundle = load_sample("stripe_dunning_auth_expired.json")
    fixture = bundle["execution"]["deterministic_fixtures"][0]

    assert fixture["response"]["status_code"] == 401
    assert fixture["response"]["body"]["error"]["type"] == "invalid_request_error"
    assert fixture["request"]["headers"]["Authorization"] == "Bearer [REDACTED]"


def test_invalid_config_sample_sent_no_request() -> None:
    execution = load_sample("shipbob_fulfillment_invalid_config.json")["execution"]

    assert execution["deterministic_fixtures"] == []
    assert [attempt["status"] for attempt in execution["connector_attempts"]] == [
        "network_error"
    ]


def test_transient_upstream_wraps_html_503() -> None:
    output = records(
        load_sample("inventory_relay_transient_upstream.json")["execution"]
    )["push_stock_level"]["output"]

    assert output["status_code"] == 503
    assert output["body"]["body"].startswith("<html>")


def test_timeout_sample_records_timeouts_without_fixtures() -> None:
    bundle = load_sample("revenue_report_timeout.json")
    execution = bundle["execution"]
    last_success = bundle["history"][0]["connector_attempts"][0]

    assert execution["deterministic_fixtures"] == []
    assert [attempt["status"] for attempt in execution["connector_attempts"]] == [
        "timeout",
        "timeout",
    ]
    assert records(execution)["fetch_revenue"]["attempt"] == 2
    assert (
        last_success["duration_ms"]
        < definition_node(bundle, "fetch_revenue")["data"]["config"]["timeout"] * 1000
    )
