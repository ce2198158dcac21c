from tools.agent_tools import ToolError


def test_tool_error_to_dict_with_details():
    error = ToolError("node_not_found", "node 'x' is not in the workflow", retryable=True, details={"node_id": "x"})

    assert error.to_dict() == {
        "code": "node_not_found",
        "message": "node 'x' is not in the workflow",
        "retryable": True,
        "details": {"node_id": "x"},
    }


def test_tool_error_to_dict_without_details():
    error = ToolError("no_recorded_nodes", "the execution recorded no node", retryable=False)

    assert error.to_dict() == {
        "code": "no_recorded_nodes",
        "message": "the execution recorded no node",
        "retryable": False,
    }
    assert str(error) == "the execution recorded no node"
