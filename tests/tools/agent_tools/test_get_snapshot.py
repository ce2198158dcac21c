import pytest

from tests.bundles import make_bundle, make_execution
from tools.agent_tools import ToolError, open_session
from tools.agent_tools.get_snapshot import Args, run
from tools.compact import json_size


def test_get_snapshot_defaults_to_failed_node(data_mapping_session):
    result = run(data_mapping_session, Args())

    assert result["point"]["node_id"] == "post_alert"
    assert result["point"]["moment"] == "before_run"


def test_get_snapshot_at_failed_node_shows_fetched_incidents(data_mapping_session):
    result = run(data_mapping_session, Args(node_id="post_alert"))

    incidents = result["nodes"]["fetch_incidents"]["output"]["body"]["incidents"]
    assert isinstance(incidents, list)
    assert "severity" in incidents[0]
    assert "serverity" not in incidents[0]


def test_get_snapshot_at_sequence(data_mapping_session):
    result = run(data_mapping_session, Args(sequence=2))

    assert result["point"] == {"node_id": "fetch_incidents", "sequence": 2, "moment": "after_record"}


def test_get_snapshot_small_budget_truncates(data_mapping_session):
    result = run(data_mapping_session, Args(max_bytes=1_000))

    assert result["truncated"] is True
    assert json_size(result) <= 1_000


def test_get_snapshot_unknown_node_is_retryable_error(data_mapping_session):
    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(node_id="nowhere"))

    assert raised.value.code == "node_not_found"
    assert raised.value.retryable is True
    assert "post_alert" in raised.value.details["known_node_ids"]


def test_get_snapshot_unknown_sequence_lists_sequences(data_mapping_session):
    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(sequence=99))

    assert raised.value.code == "snapshot_point_not_found"
    assert raised.value.details["recorded_sequences"] == [1, 2, 3, 4]


def test_get_snapshot_args_reject_node_and_sequence():
    with pytest.raises(ValueError, match="not both"):
        Args(node_id="post_alert", sequence=2)


def test_get_snapshot_without_records_is_final_error():
    execution = make_execution()
    execution["nodes"] = []
    session = open_session(make_bundle(execution=execution))

    with pytest.raises(ToolError) as raised:
        run(session, Args())

    assert raised.value.code == "no_recorded_nodes"
    assert raised.value.retryable is False
