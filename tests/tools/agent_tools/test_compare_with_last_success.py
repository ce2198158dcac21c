from tools.agent_tools.compare_with_last_success import Args, run
from tools.compact import json_size


def _fetch_customer(result):
    return next(node for node in result["nodes"] if node["node_id"] == "fetch_customer")


def test_compare_reports_moved_email(schema_change_session):
    result = run(schema_change_session, Args())

    output = _fetch_customer(result)["output"]
    assert {"path": "body.email", "type": "text"} in output["removed"]
    assert {"path": "body.contact.email", "type": "text"} in output["added"]


def test_compare_summary_names_failed_node(schema_change_session):
    result = run(schema_change_session, Args())

    assert "build_erp_payload: completed -> failed" in result["summary"]
    assert result["last_success"]["execution_id"] == "4102"


def test_compare_lists_only_changed_nodes_by_default(schema_change_session):
    changed = run(schema_change_session, Args())
    everything = run(schema_change_session, Args(include_unchanged=True))

    assert len(everything["nodes"]) == len(changed["nodes"]) + changed["unchanged_nodes"]


def test_compare_without_success_says_so(data_mapping_session):
    result = run(data_mapping_session, Args())

    assert result["last_success"] is None
    assert "no completed run" in result["message"]


def test_compare_small_budget_truncates(schema_change_session):
    result = run(schema_change_session, Args(max_bytes=1_000))

    assert result["truncated"] is True
    assert json_size(result) <= 1_000
