"""validate_definition's graph and node checks, and topological_order."""

import copy
from typing import Any

import pytest

from tools.catalog import Issue, topological_order, validate_definition


def make_workflow() -> dict[str, Any]:
    """A valid order workflow: webhook, HTTP fetch, condition with both branches."""
    return {
        "nodes": [
            {
                "id": "order_hook",
                "type": "trigger_webhook",
                "position": {"x": 0, "y": 80},
                "data": {"label": "New order", "config": {"method": ["POST"], "path": "orders"}},
            },
            {
                "id": "fetch_customer",
                "type": "action_http_request",
                "data": {
                    "label": "Fetch customer",
                    "config": {
                        "method": "GET",
                        "url": "https://api.example.com/customers/{{ trigger.body.customer_id }}",
                        "headers": {"Authorization": "Bearer {{ credential.crm_token }}"},
                        "timeout": 30,
                    },
                    "onError": "stop",
                    "retry": {"max_attempts": 3, "backoff": "exponential", "delay_ms": 1000},
                    "credential": "crm_token",
                },
            },
            {
                "id": "is_vip",
                "type": "logic_condition",
                "data": {"config": {"expression": "{{ fetch_customer.body.tier == 'vip' }}"}},
            },
            {
                "id": "notify_sales",
                "type": "action_slack_message",
                "data": {"config": {"channel": "#sales", "text": "VIP order from {{ fetch_customer.body.name }}"}},
            },
            {
                "id": "send_receipt",
                "type": "action_send_email",
                "data": {"config": {"to": ["{{ fetch_customer.body.email }}"], "subject": "Your receipt"}},
            },
        ],
        "edges": [
            {"id": "e1", "source": "order_hook", "target": "fetch_customer"},
            {"id": "e2", "source": "fetch_customer", "target": "is_vip"},
            {"id": "e3", "source": "is_vip", "target": "notify_sales", "sourceHandle": "true"},
            {"id": "e4", "source": "is_vip", "target": "send_receipt", "sourceHandle": "false"},
        ],
        "settings": {"retry": {"enabled": False, "max_attempts": 1}, "timeout": {"workflow": 3600, "node": 300}},
    }


def only_issue(issues: list[Issue], code: str) -> Issue:
    matching = [issue for issue in issues if issue.code == code]
    assert len(matching) == 1, f"expected one {code} issue, got {issues}"
    return matching[0]


def test_validate_definition_valid_workflow_has_no_issues():
    assert validate_definition(make_workflow()) == []


def test_validate_definition_config_violation_points_into_node():
    workflow = make_workflow()
    workflow["nodes"][1]["data"]["config"]["timeout"] = "thirty"

    issues = validate_definition(workflow)

    assert [issue.message for issue in issues] == [
        '/nodes/1/data/config/timeout: expected an integer, got text "thirty"'
    ]


def test_validate_definition_missing_config_reports_required_fields():
    workflow = make_workflow()
    del workflow["nodes"][1]["data"]["config"]

    issue = only_issue(validate_definition(workflow), "schema_violation")

    assert issue.pointer == "/nodes/1/data/config/url"


def test_validate_definition_unknown_key_in_config_is_warning():
    workflow = make_workflow()
    workflow["nodes"][1]["data"]["config"]["timout"] = 30

    issue = only_issue(validate_definition(workflow), "unknown_key")

    assert issue.severity == "warning"
    assert issue.pointer == "/nodes/1/data/config/timout"


def test_validate_definition_unknown_type_keeps_node():
    workflow = make_workflow()
    workflow["nodes"][3]["type"] = "action_teams_message"

    issues = validate_definition(workflow)

    issue = only_issue(issues, "unknown_node_type")
    assert issue.severity == "error"
    assert issue.pointer == "/nodes/3/type"
    assert len(issues) == 1
    assert "notify_sales" in topological_order(workflow)


def test_validate_definition_duplicate_node_id_is_error():
    workflow = make_workflow()
    workflow["nodes"][4]["id"] = "notify_sales"

    issue = only_issue(validate_definition(workflow), "duplicate_node_id")

    assert issue.severity == "error"
    assert issue.pointer == "/nodes/4/id"
    assert "/nodes/3" in issue.message


def test_validate_definition_invalid_node_id_is_error():
    workflow = make_workflow()
    workflow["nodes"][0]["id"] = "order hook"
    workflow["edges"][0]["source"] = "order hook"

    issue = only_issue(validate_definition(workflow), "invalid_node_id")

    assert issue.pointer == "/nodes/0/id"


@pytest.mark.parametrize("end", ["source", "target"])
def test_validate_definition_edge_to_missing_node_is_error(end):
    workflow = make_workflow()
    workflow["edges"][1][end] = "fetch_custmer"

    issue = only_issue(validate_definition(workflow), "missing_node")

    assert issue.severity == "error"
    assert issue.pointer == f"/edges/1/{end}"
    assert '"fetch_custmer"' in issue.message
    assert 'did you mean "fetch_customer"?' in issue.message


def test_validate_definition_edge_without_target_is_error():
    workflow = make_workflow()
    del workflow["edges"][0]["target"]

    issue = only_issue(validate_definition(workflow), "schema_violation")

    assert issue.message == '/edges/0/target: missing required field "target"'


def test_validate_definition_duplicate_edge_id_is_warning():
    workflow = make_workflow()
    workflow["edges"][3]["id"] = "e3"

    issue = only_issue(validate_definition(workflow), "duplicate_edge_id")

    assert issue.severity == "warning"
    assert issue.pointer == "/edges/3/id"


def test_validate_definition_cycle_names_its_nodes():
    workflow = make_workflow()
    workflow["edges"].append({"id": "e5", "source": "notify_sales", "target": "fetch_customer"})

    issue = only_issue(validate_definition(workflow), "cycle")

    assert issue.severity == "error"
    assert "fetch_customer -> is_vip -> notify_sales -> fetch_customer" in issue.message
    assert issue.pointer == "/edges/1"


def test_validate_definition_self_loop_is_cycle():
    workflow = make_workflow()
    workflow["edges"].append({"id": "e5", "source": "send_receipt", "target": "send_receipt"})

    issue = only_issue(validate_definition(workflow), "cycle")

    assert "send_receipt -> send_receipt" in issue.message
    assert issue.pointer == "/edges/4"


def test_validate_definition_two_disjoint_cycles_both_reported():
    workflow = make_workflow()
    workflow["edges"].append({"source": "is_vip", "target": "fetch_customer"})
    workflow["edges"].append({"source": "send_receipt", "target": "send_receipt"})

    cycles = [issue for issue in validate_definition(workflow) if issue.code == "cycle"]

    assert len(cycles) == 2


def test_validate_definition_condition_without_false_branch_is_warning():
    workflow = make_workflow()
    del workflow["edges"][3]

    issue = only_issue(validate_definition(workflow), "condition_without_branches")

    assert issue.severity == "warning"
    assert issue.pointer == "/nodes/2"
    assert 'sourceHandle "false"' in issue.message


def test_validate_definition_condition_with_other_handle_is_error():
    workflow = make_workflow()
    workflow["edges"][3]["sourceHandle"] = "else"

    issues = validate_definition(workflow)

    bad_handle = only_issue(issues, "bad_branch_handle")
    assert bad_handle.severity == "error"
    assert bad_handle.pointer == "/edges/3/sourceHandle"
    assert only_issue(issues, "condition_without_branches").severity == "warning"


def test_validate_definition_condition_edge_without_handle_is_warning():
    workflow = make_workflow()
    workflow["edges"].append({"id": "e5", "source": "is_vip", "target": "send_receipt"})

    issue = only_issue(validate_definition(workflow), "condition_edge_without_handle")

    assert issue.severity == "warning"
    assert issue.pointer == "/edges/4"


@pytest.mark.parametrize(
    ("field", "value", "pointer", "code"),
    [
        ("retry", {"max_attempts": "3"}, "/nodes/1/data/retry/max_attempts", "schema_violation"),
        ("retry", {"max_attempts": 0}, "/nodes/1/data/retry/max_attempts", "schema_violation"),
        ("retry", {"backoff": "linear"}, "/nodes/1/data/retry/backoff", "bad_enum"),
        ("retry", 3, "/nodes/1/data/retry", "schema_violation"),
        ("onError", "ignore", "/nodes/1/data/onError", "bad_enum"),
        ("onError", True, "/nodes/1/data/onError", "bad_enum"),
    ],
)
def test_validate_definition_bad_retry_or_on_error(field, value, pointer, code):
    workflow = make_workflow()
    workflow["nodes"][1]["data"][field] = value

    issues = validate_definition(workflow)

    assert [(issue.pointer, issue.code, issue.severity) for issue in issues] == [(pointer, code, "error")]


def test_validate_definition_misspelt_retry_field_is_warning():
    workflow = make_workflow()
    workflow["nodes"][1]["data"]["retry"] = {"maxAttempts": 3}

    issue = only_issue(validate_definition(workflow), "unknown_key")

    assert issue.severity == "warning"
    assert 'did you mean "max_attempts"?' in issue.message


def test_validate_definition_extra_data_fields_allowed():
    workflow = make_workflow()
    workflow["nodes"][1]["data"]["description"] = "Looks the customer up in the CRM"

    assert validate_definition(workflow) == []


def test_validate_definition_without_trigger_is_error():
    workflow = make_workflow()
    workflow["nodes"][0]["type"] = "action_approval"
    workflow["nodes"][0]["data"]["config"] = {}

    issue = only_issue(validate_definition(workflow), "no_trigger")

    assert issue.severity == "error"
    assert issue.pointer == "/nodes"


def test_validate_definition_second_trigger_is_warning():
    workflow = make_workflow()
    workflow["nodes"].append({"id": "nightly", "type": "trigger_schedule", "data": {"config": {"cron": "0 2 * * *"}}})

    issue = only_issue(validate_definition(workflow), "multiple_triggers")

    assert issue.severity == "warning"
    assert issue.pointer == "/nodes/5"


@pytest.mark.parametrize(
    ("definition", "pointer"),
    [
        ([], ""),
        ({"edges": []}, "/nodes"),
        ({"nodes": "order_hook"}, "/nodes"),
    ],
)
def test_validate_definition_malformed_top_level_is_error(definition, pointer):
    issues = validate_definition(definition)

    assert [(issue.pointer, issue.severity) for issue in issues] == [(pointer, "error")]


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda workflow: workflow["nodes"].append("fetch"), "/nodes/5"),
        (lambda workflow: workflow["nodes"][1].update(data=[]), "/nodes/1/data"),
        (lambda workflow: workflow["nodes"][1].pop("type"), "/nodes/1/type"),
        (lambda workflow: workflow["nodes"][1].update(id=7), "/nodes/1/id"),
        (lambda workflow: workflow["nodes"][1]["data"].update(config="GET"), "/nodes/1/data/config"),
        (lambda workflow: workflow["edges"].append(None), "/edges/4"),
        (lambda workflow: workflow.update(edges={"e1": {}}), "/edges"),
    ],
)
def test_validate_definition_malformed_part_is_located(change, pointer):
    workflow = make_workflow()
    change(workflow)

    issues = validate_definition(workflow)

    errors = [issue for issue in issues if issue.severity == "error"]
    assert pointer in [issue.pointer for issue in errors]


def test_validate_definition_200_nodes_finds_no_issue():
    workflow = make_long_workflow(200)

    issues = validate_definition(workflow)

    assert issues == []


def make_long_workflow(size: int) -> dict[str, Any]:
    template = make_workflow()
    kinds = [template["nodes"][1], template["nodes"][3], template["nodes"][4]]
    nodes = [template["nodes"][0]]
    edges = []
    for index in range(size - 1):
        node = copy.deepcopy(kinds[index % len(kinds)])
        node["id"] = f"step_{index}"
        nodes.append(node)
        edges.append({"id": f"e{index}", "source": nodes[-2]["id"], "target": node["id"]})
    return {"nodes": nodes, "edges": edges}


# topological_order


def graph(node_ids: list[str], edges: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "nodes": [{"id": node_id, "type": "transform_set"} for node_id in node_ids],
        "edges": [{"source": source, "target": target} for source, target in edges],
    }


def test_topological_order_follows_edges():
    workflow = make_workflow()

    assert topological_order(workflow) == ["order_hook", "fetch_customer", "is_vip", "notify_sales", "send_receipt"]


def test_topological_order_ties_follow_definition_order():
    diamond = [("t", "a"), ("t", "b"), ("a", "c"), ("b", "c")]

    assert topological_order(graph(["t", "b", "a", "c"], diamond)) == ["t", "b", "a", "c"]
    assert topological_order(graph(["c", "a", "b", "t"], diamond)) == ["t", "a", "b", "c"]


def test_topological_order_ready_node_waits_for_all_predecessors():
    edges = [("t", "slow"), ("slow", "slower"), ("slower", "join"), ("t", "join")]

    assert topological_order(graph(["t", "join", "slow", "slower"], edges)) == ["t", "slow", "slower", "join"]


def test_topological_order_unconnected_nodes_keep_definition_order():
    assert topological_order(graph(["z", "y", "x"], [])) == ["z", "y", "x"]


def test_topological_order_ignores_edges_to_missing_nodes():
    assert topological_order(graph(["a", "b"], [("a", "ghost"), ("ghost", "b"), ("b", "a")])) == ["b", "a"]


def test_topological_order_cycle_raises_value_error_naming_it():
    workflow = graph(["t", "a", "b", "c"], [("t", "a"), ("a", "b"), ("b", "c"), ("c", "a")])

    with pytest.raises(ValueError, match="a -> b -> c -> a"):
        topological_order(workflow)


def test_topological_order_cycle_starts_at_first_defined_node():
    workflow = graph(["t", "b", "a"], [("t", "a"), ("a", "b"), ("b", "a")])

    with pytest.raises(ValueError, match="b -> a -> b"):
        topological_order(workflow)
