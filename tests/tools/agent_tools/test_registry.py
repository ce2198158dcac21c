from tools.agent_tools import TOOL_SPECS, run_tool

EXPECTED_TOOLS = [
    "get_logs",
    "get_snapshot",
    "get_node_schema",
    "get_workflow",
    "compare_with_last_success",
    "dry_run_patch",
    "submit_suggestions",
]


def test_tool_specs_name_every_tool():
    assert list(TOOL_SPECS) == EXPECTED_TOOLS


def test_tool_specs_have_descriptions():
    for name, (_, description) in TOOL_SPECS.items():
        assert len(description) > 80, name


def test_run_tool_valid_call_returns_result(data_mapping_session):
    result = run_tool("get_workflow", data_mapping_session, {"node_ids": ["post_alert"]})

    assert "error" not in result
    assert result["nodes"][0]["id"] == "post_alert"


def test_run_tool_unknown_tool_lists_tools(data_mapping_session):
    result = run_tool("get_everything", data_mapping_session, {})

    assert result["error"]["code"] == "unknown_tool"
    assert result["error"]["retryable"] is True
    assert result["error"]["details"]["tools"] == EXPECTED_TOOLS


def test_run_tool_invalid_args_name_field_path(data_mapping_session):
    result = run_tool("get_logs", data_mapping_session, {"limit": 0, "level": "error"})

    paths = [problem["path"] for problem in result["error"]["details"]["errors"]]
    assert result["error"]["code"] == "invalid_arguments"
    assert result["error"]["retryable"] is True
    assert paths == ["limit", "level"]


def test_run_tool_max_bytes_out_of_bounds_is_invalid(data_mapping_session):
    result = run_tool("get_snapshot", data_mapping_session, {"max_bytes": 10})

    assert result["error"]["details"]["errors"][0]["path"] == "max_bytes"


def test_run_tool_none_args_means_defaults(data_mapping_session):
    result = run_tool("get_snapshot", data_mapping_session, None)

    assert result["point"]["node_id"] == "post_alert"


def test_run_tool_tool_error_becomes_message(data_mapping_session):
    result = run_tool("dry_run_patch", data_mapping_session, {"edits": [{"node": "ghost", "unset": ["onError"]}]})

    assert result["error"]["code"] == "node_not_found"
    assert result["error"]["retryable"] is True
    assert result["error"]["details"]["edit_index"] == 0
