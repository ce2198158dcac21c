import pytest

from tools.agent_tools import ToolError, verify_patch
from tools.agent_tools.dry_run_patch import Args, run
from tools.compact import json_size
from tools.patching import build_patch

from .sessions import DATA_MAPPING, expected_edits

LITERAL_TOKEN = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"


def test_dry_run_of_expected_fix_passes(data_mapping_session):
    result = run(data_mapping_session, Args(edits=expected_edits(DATA_MAPPING)))

    assert result["verification"]["status"] == "passed"
    assert result["verification"]["reached_node"] == "post_alert"
    assert result["safe_unattended"] is True


def test_dry_run_returns_pinned_patch(data_mapping_session):
    result = run(data_mapping_session, Args(edits=expected_edits(DATA_MAPPING)))

    assert result["patch"][0] == {"op": "test", "path": "/nodes/3/id", "value": "post_alert"}
    assert result["patch"][-1]["op"] == "replace"
    assert result["guard"]["allowed"] is True
    assert result["validation"] == []


def test_dry_run_bad_node_is_retryable_error(data_mapping_session):
    edits = [{"node": "post_alrt", "set": {"config.text": "hi"}}]

    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(edits=edits))

    assert raised.value.code == "node_not_found"
    assert raised.value.retryable is True
    assert raised.value.details["edit_index"] == 0


def test_dry_run_path_through_text_is_retryable_error(data_mapping_session):
    edits = [{"node": "post_alert", "set": {"config.text.inner": "hi"}}]

    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(edits=edits))

    assert raised.value.code == "not_a_container"
    assert raised.value.retryable is True


def test_dry_run_ignoring_errors_is_suppressed_and_not_safe(data_mapping_session):
    edits = [{"node": "post_alert", "set": {"onError": "continue"}}]

    result = run(data_mapping_session, Args(edits=edits))

    assert result["verification"]["status"] == "suppressed"
    assert result["guard"]["safe_unattended"] is False
    assert result["safe_unattended"] is False


def test_dry_run_literal_secret_is_refused(data_mapping_session):
    edits = [{"node": "fetch_incidents", "set": {"config.headers.Authorization": f"Bearer {LITERAL_TOKEN}"}}]

    result = run(data_mapping_session, Args(edits=edits))

    assert result["verification"]["status"] == "refused"
    assert result["guard"]["allowed"] is False
    assert LITERAL_TOKEN not in str(result)


def test_dry_run_new_validation_error_is_refused(data_mapping_session):
    edits = [{"node": "fetch_incidents", "set": {"config.method": "FETCH"}}]

    result = run(data_mapping_session, Args(edits=edits))

    assert result["verification"]["status"] == "refused"
    assert result["validation"][0]["pointer"] == "/nodes/1/data/config/method"
    assert result["safe_unattended"] is False


def test_dry_run_small_budget_truncates(data_mapping_session):
    result = run(data_mapping_session, Args(edits=expected_edits(DATA_MAPPING), max_bytes=1_000))

    assert result["truncated"] is True
    assert json_size(result) <= 1_000


def test_verify_patch_removing_node_is_not_safe(data_mapping_session):
    fix = build_patch(data_mapping_session.definition, expected_edits(DATA_MAPPING))
    removal = [
        {"op": "test", "path": "/nodes/4/id", "value": "mark_quiet"},
        {"op": "test", "path": "/edges/3/id", "value": "e_check_severity_false"},
        {"op": "remove", "path": "/edges/3"},
        {"op": "remove", "path": "/nodes/4"},
    ]

    report = verify_patch(data_mapping_session, fix + removal)

    assert report.status == "passed"
    assert report.guard is not None
    assert "removes node mark_quiet" in report.guard.reasons
    assert report.safe_unattended is False


def test_verify_patch_conflicting_pin_is_refused(data_mapping_session):
    patch = [
        {"op": "test", "path": "/nodes/3/id", "value": "post_alert"},
        {"op": "test", "path": "/nodes/3/data/config/channel", "value": "#elsewhere"},
        {"op": "replace", "path": "/nodes/3/data/config/channel", "value": "#inc-response"},
    ]

    report = verify_patch(data_mapping_session, patch)

    assert report.status == "refused"
    assert report.safe_unattended is False
    assert "does not apply" in report.detail


def test_verify_patch_report_serializes(data_mapping_session):
    patch = build_patch(data_mapping_session.definition, expected_edits(DATA_MAPPING))

    report = verify_patch(data_mapping_session, patch).to_dict()

    assert report["verification"]["status"] == "passed"
    assert report["guard"]["allowed"] is True
    assert report["safe_unattended"] is True
