import pytest

from tools.agent_tools import ToolError
from tools.agent_tools.get_workflow import Args, run
from tools.compact import json_size


def test_get_workflow_returns_whole_definition(data_mapping_session):
    result = run(data_mapping_session, Args())

    assert result["nodes"] == data_mapping_session.definition["nodes"]
    assert result["edges"] == data_mapping_session.definition["edges"]
    assert result["truncated"] is False


def test_get_workflow_selected_nodes_with_their_edges(data_mapping_session):
    result = run(data_mapping_session, Args(node_ids=["post_alert"]))

    assert [node["id"] for node in result["nodes"]] == ["post_alert"]
    assert [edge["id"] for edge in result["edges"]] == ["e_check_severity_true"]
    assert result["node_count"] == 5


def test_get_workflow_small_budget_truncates(data_mapping_session):
    result = run(data_mapping_session, Args(max_bytes=1_000))

    assert result["truncated"] is True
    assert json_size(result) <= 1_000


def test_get_workflow_unknown_node_is_retryable_error(data_mapping_session):
    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(node_ids=["post_alert", "ghost"]))

    assert raised.value.code == "node_not_found"
    assert raised.value.details["node_id"] == "ghost"
