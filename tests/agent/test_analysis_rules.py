"""The analysis with no model configured: the diagnosers alone, verified and scored."""

import copy

import pytest

from agent.analysis import NotAFailure, analyze
from agent.config import PRIOR_CALIBRATION_PATH, AgentConfig, Policy
from agent.graph import analysis_graph
from agent.scoring import MAX_CONFIDENCE, MAX_CONFIDENCE_UNPROVEN
from tests.agent.samples import prepared_sample
from tests.evals.sample_expectations import SAMPLE_EXPECTATIONS

# Fixes to non-HTTP nodes replay from the recording alone; an HTTP fix needs a fixture never recorded.
REPLAY_PROVABLE = {"incident_alert_data_mapping.json", "order_sync_api_schema_change.json",
                   "sheets_order_form_type_mismatch.json", "github_triage_loop_shape.json"}

by_sample = pytest.mark.parametrize("expectation", SAMPLE_EXPECTATIONS, ids=lambda item: item.file.removesuffix(".json"))


def test_analysis_graph_has_design_steps():
    nodes = set(analysis_graph().get_graph().nodes)

    assert {"gather", "model", "tools", "rules", "verify", "score", "finish"} <= nodes


@by_sample
def test_analyze_sample_top_suggestion_is_expected_fix(expectation):
    result = analyze(prepared_sample(expectation.file))

    top = result.suggestions[0]
    assert top["failure_kind"] == expectation.failure_kind
    assert top["source"] == f"rule:{expectation.failure_kind}"
    if expectation.fix["kind"] == "action":
        assert top["kind"] == "action"
        assert top["action"]["credential"] == expectation.fix["credential"]
        assert top["patch"] == []
        assert top["verification"]["status"] == "not_run"
    else:
        assert top["kind"] == "patch"
        assert top["patch"][0]["op"] == "test"
        assert any(operation["op"] in {"replace", "add"} for operation in top["patch"])


@by_sample
def test_analyze_sample_verifies_where_replay_can(expectation):
    result = analyze(prepared_sample(expectation.file))

    status = result.suggestions[0]["verification"]["status"]
    if expectation.file in REPLAY_PROVABLE:
        assert status == "passed"
    elif expectation.fix["kind"] == "patch":
        assert status == "unverifiable"


@by_sample
def test_analyze_sample_reports_rules_only(expectation):
    result = analyze(prepared_sample(expectation.file))

    assert result.model_used == "rules"
    assert result.tokens_used == 0
    assert result.model_failures == []
    assert "no model is configured" in result.diagnosis
    assert result.prompt_version == "analysis-system/1"


@by_sample
def test_analyze_sample_confidence_within_caps(expectation):
    result = analyze(prepared_sample(expectation.file))

    for suggestion in result.suggestions:
        assert 0 <= suggestion["confidence"] <= MAX_CONFIDENCE
        if suggestion["verification"]["status"] in {"failed", "suppressed"}:
            assert suggestion["confidence"] <= MAX_CONFIDENCE_UNPROVEN


def test_analyze_diagnosis_cites_evidence():
    result = analyze(prepared_sample("incident_alert_data_mapping.json"))

    assert "post_alert" in result.diagnosis
    assert "serverity" in result.diagnosis
    assert 'did you mean "severity"' in result.diagnosis


def test_analyze_runbook_has_steps_and_tags():
    result = analyze(prepared_sample("stripe_dunning_auth_expired.json"))

    assert result.runbook["severity"] == "high"
    assert result.runbook["tags"][0] == "auth_expired"
    assert any("stripe_key" in step for step in result.runbook["steps"])


def test_analyze_auto_apply_off_by_policy():
    result = analyze(prepared_sample("incident_alert_data_mapping.json"))

    assert result.auto_apply["eligible"] is False
    assert result.auto_apply["reason"] == "the workspace policy has auto-fix disabled"


def test_analyze_auto_apply_eligible_when_policy_allows():
    policy = Policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=0.9)

    result = analyze(prepared_sample("incident_alert_data_mapping.json"), policy=policy)

    assert result.suggestions[0]["safe_unattended"] is True
    assert result.auto_apply["eligible"] is True


def test_analyze_auto_apply_never_for_action():
    policy = Policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=0.0)

    result = analyze(prepared_sample("stripe_dunning_auth_expired.json"), policy=policy)

    assert result.auto_apply["eligible"] is False
    assert "action" in result.auto_apply["reason"]


def test_analyze_auto_apply_stops_below_threshold():
    policy = Policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=0.99)
    # The hand-chosen prior keeps this fix below 0.99; a fitted map may not.
    config = AgentConfig(calibration_path=PRIOR_CALIBRATION_PATH)

    result = analyze(prepared_sample("incident_alert_data_mapping.json"), policy=policy, config=config)

    assert result.auto_apply["eligible"] is False
    assert "below the threshold 0.99" in result.auto_apply["reason"]


def test_analyze_unknown_failure_suggests_nothing():
    bundle = prepared_sample("sheets_order_form_type_mismatch.json")
    code_node = next(node for node in bundle["workflow"]["definition"]["nodes"] if node["id"] == "compute_totals")
    code_node["data"]["config"]["code"] = "throw new Error('ledger is closed for the day');"

    result = analyze(bundle)

    assert result.suggestions == []
    assert "no fix is suggested rather than a guess" in result.diagnosis


def test_analyze_completed_execution_raises():
    bundle = copy.deepcopy(prepared_sample("incident_alert_data_mapping.json"))
    bundle["execution"]["status"] = "completed"

    with pytest.raises(NotAFailure):
        analyze(bundle)


def test_analyze_without_model_never_builds_one():
    result = analyze(prepared_sample("incident_alert_data_mapping.json"), config=AgentConfig(model=None))

    assert result.model_used == "rules"
