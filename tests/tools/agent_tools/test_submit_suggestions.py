import pytest

from tools.agent_tools import ToolError, run_tool
from tools.agent_tools.submit_suggestions import Args, credential_names, run

from .sessions import DATA_MAPPING, expected_edits


def _submission(*suggestions: dict) -> dict:
    return {
        "diagnosis": "post_alert reads incidents[0].serverity, but the incident has severity",
        "failure_kind": "data_mapping",
        "suggestions": list(suggestions),
    }


def _edit_suggestion(**overrides) -> dict:
    suggestion = {
        "description": "Read severity instead of the misspelt serverity",
        "edits": expected_edits(DATA_MAPPING),
        "evidence": ["fetch_incidents.body.incidents[0] has severity"],
        "stated_confidence": 0.9,
    }
    suggestion.update(overrides)
    return suggestion


def test_submit_returns_normalised_proposal(data_mapping_session):
    args = Args.model_validate(_submission(_edit_suggestion()))

    result = run(data_mapping_session, args)

    assert result["failure_kind"] == "data_mapping"
    assert result["suggestions"][0]["edits"] == expected_edits(DATA_MAPPING)
    assert result["suggestions"][0]["action"] is None
    assert result["suggestions"][0]["stated_confidence"] == 0.9


def test_submit_accepts_no_suggestions(data_mapping_session):
    result = run(data_mapping_session, Args.model_validate(_submission()))

    assert result["suggestions"] == []


def test_submit_accepts_known_credential_action(data_mapping_session):
    action = {"type": "reconnect_credential", "credential": "incidenthub_token"}
    suggestion = {"description": "Reconnect the IncidentHub token", "action": action}

    result = run(data_mapping_session, Args.model_validate(_submission(suggestion)))

    assert result["suggestions"][0]["action"] == action
    assert result["suggestions"][0]["edits"] is None


def test_submit_unknown_credential_is_retryable_error(data_mapping_session):
    suggestion = {
        "description": "Reconnect",
        "action": {"type": "reconnect_credential", "credential": "pagerduty_token"},
    }

    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args.model_validate(_submission(suggestion)))

    assert raised.value.code == "credential_not_found"
    assert raised.value.retryable is True
    assert "incidenthub_token" in raised.value.details["known_credentials"]


def test_submit_unknown_node_names_suggestion(data_mapping_session):
    suggestion = _edit_suggestion(edits=[{"node": "post_alrt", "set": {"config.text": "x"}}])

    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args.model_validate(_submission(_edit_suggestion(), suggestion)))

    assert raised.value.code == "node_not_found"
    assert raised.value.details["suggestion_index"] == 1


def test_submit_path_through_text_is_retryable_error(data_mapping_session):
    suggestion = _edit_suggestion(edits=[{"node": "post_alert", "set": {"config.channel.name": "x"}}])

    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args.model_validate(_submission(suggestion)))

    assert raised.value.code == "not_a_container"
    assert raised.value.retryable is True


@pytest.mark.parametrize(
    ("suggestion", "error_path"),
    [
        (_edit_suggestion(stated_confidence=1.4), "suggestions.0.stated_confidence"),
        (_edit_suggestion(stated_confidence=-0.1), "suggestions.0.stated_confidence"),
        (_edit_suggestion(action={"type": "reconnect_credential", "credential": "slack_bot"}), "suggestions.0"),
        ({"description": "nothing to do"}, "suggestions.0"),
        (_edit_suggestion(evidence=["x" * 501]), "suggestions.0.evidence.0"),
        (_edit_suggestion(confidence=0.5), "suggestions.0.confidence"),
    ],
    ids=[
        "confidence_above_one",
        "confidence_below_zero",
        "edits_and_action",
        "neither",
        "long_evidence",
        "extra_field",
    ],
)
def test_submit_invalid_suggestion_names_field(data_mapping_session, suggestion, error_path):
    result = run_tool("submit_suggestions", data_mapping_session, _submission(suggestion))

    assert result["error"]["code"] == "invalid_arguments"
    assert result["error"]["retryable"] is True
    assert error_path in [problem["path"] for problem in result["error"]["details"]["errors"]]


def test_submit_more_than_three_suggestions_is_invalid(data_mapping_session):
    result = run_tool("submit_suggestions", data_mapping_session, _submission(*[_edit_suggestion()] * 4))

    assert result["error"]["code"] == "invalid_arguments"
    assert result["error"]["details"]["errors"][0]["path"] == "suggestions"


def test_submit_unknown_failure_kind_is_invalid(data_mapping_session):
    submission = {**_submission(), "failure_kind": "cosmic_rays"}

    result = run_tool("submit_suggestions", data_mapping_session, submission)

    assert result["error"]["details"]["errors"][0]["path"] == "failure_kind"


def test_credential_names_include_bundle_and_workflow(bearer_session):
    assert credential_names(bearer_session) == ["crm_token"]


def test_credential_names_read_templates(data_mapping_session):
    names = credential_names(data_mapping_session)

    assert "incidenthub_token" in names
    assert "slack_bot" in names
