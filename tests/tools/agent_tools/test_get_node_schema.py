import pytest

from tools.agent_tools import ToolError
from tools.agent_tools.get_node_schema import Args, run
from tools.catalog import NODE_TYPES, node_schema
from tools.compact import json_size


def test_get_node_schema_returns_catalog_schema(data_mapping_session):
    result = run(data_mapping_session, Args(node_type="action_http_request"))

    assert result["schema"] == node_schema("action_http_request")
    assert result["truncated"] is False


def test_get_node_schema_small_budget_truncates(data_mapping_session):
    result = run(data_mapping_session, Args(node_type="integration_github", max_bytes=1_000))

    assert result["truncated"] is True
    assert json_size(result) <= 1_000


def test_get_node_schema_unknown_type_lists_known_types(data_mapping_session):
    with pytest.raises(ToolError) as raised:
        run(data_mapping_session, Args(node_type="action_http"))

    assert raised.value.code == "unknown_node_type"
    assert raised.value.retryable is True
    assert raised.value.details["known_types"] == list(NODE_TYPES)
