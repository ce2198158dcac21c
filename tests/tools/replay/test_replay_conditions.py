"""Conditions pick a branch; nodes only on the other branch are skipped. Filters share the rules."""

import pytest

from tests.tools.replay.builders import (
    chain,
    condition,
    edge,
    node,
    set_values,
    trigger,
    workflow,
)
from tools.replay import run_workflow


def _branching(check: dict, trigger_data: object):
    definition = workflow(
        [trigger(), check, set_values("on_true", {"branch": "true"}), set_values("on_false", {"branch": "false"})],
        [edge("start", "check"), edge("check", "on_true", "true"), edge("check", "on_false", "false")],
    )
    return run_workflow(definition, trigger_data=trigger_data, fixtures=[])


def _rules(*rules: dict, combine: str = "and") -> dict:
    return node("check", "logic_condition", {"conditions": list(rules), "combine": combine})


@pytest.mark.parametrize(("paid", "taken", "skipped"), [(True, "on_true", "on_false"), (False, "on_false", "on_true")])
def test_condition_follows_matching_branch(paid: bool, taken: str, skipped: str) -> None:
    result = _branching(condition("check", "{{ trigger.paid }}"), {"paid": paid})

    assert result.nodes["check"].output == {"result": paid, "output": "true" if paid else "false"}
    assert result.nodes[taken].status == "completed"
    assert result.nodes[skipped].status == "skipped"


def test_expression_with_text_outside_braces() -> None:
    result = _branching(condition("check", "{{ trigger.status_code }} == 200"), {"status_code": 200})

    assert result.nodes["check"].output["result"] is True


def test_node_only_behind_skipped_branch_is_skipped() -> None:
    definition = workflow(
        [trigger(), condition("check", "{{ trigger.ok }}"), set_values("notify", {}), set_values("after_notify", {})],
        [edge("start", "check"), edge("check", "notify", "true"), edge("notify", "after_notify")],
    )

    result = run_workflow(definition, trigger_data={"ok": False}, fixtures=[])

    assert result.nodes["notify"].status == "skipped"
    assert result.nodes["after_notify"].status == "skipped"
    assert result.run_status == "completed"


def test_reading_skipped_node_fails_with_missing_node() -> None:
    definition = workflow(
        [
            trigger(),
            condition("check", "{{ trigger.ok }}"),
            set_values("notify", {"sent": True}),
            set_values("report", {"sent": "{{ notify.sent }}"}),
        ],
        [edge("start", "check"), edge("check", "notify", "true"), edge("check", "report", "false")],
    )

    result = run_workflow(definition, trigger_data={"ok": False}, fixtures=[])

    error = result.nodes["report"].error
    assert error["code"] == "EXPRESSION_ERROR"
    assert error["detail"]["reason"] == "unknown_node"
    assert error["detail"]["node"] == "notify"


@pytest.mark.parametrize(
    ("operator", "field_value", "value", "expected"),
    [
        ("equals", "paid", "paid", True),
        ("==", 5, "5", False),
        ("not_equals", "paid", "open", True),
        ("gt", 10, 5, True),
        ("<=", "a", "b", True),
        ("contains", "hello world", "world", True),
        ("contains", ["a", "b"], "b", True),
        ("startsWith", "INV-42", "INV-", True),
        ("ends_with", "report.csv", ".pdf", False),
        ("matches", "SKU-123", r"^SKU-\d+$", True),
        ("in", "eu", ["eu", "us"], True),
        ("is_empty", "", None, True),
        ("not_empty", [], None, False),
        ("exists", None, None, False),
    ],
)
def test_rule_operators(operator: str, field_value: object, value: object, expected: bool) -> None:
    rule = {"field": "subject", "operator": operator, "value": value}

    result = _branching(_rules(rule), {"subject": field_value})

    assert result.nodes["check"].output["result"] is expected


def test_rule_field_is_path_into_input() -> None:
    rule = {"field": "body.items[1].status", "operator": "equals", "value": "open"}

    result = _branching(_rules(rule), {"body": {"items": [{"status": "done"}, {"status": "open"}]}})

    assert result.nodes["check"].output["result"] is True


def test_rule_on_missing_path_fails_with_keys() -> None:
    rule = {"field": "body.stauts", "operator": "equals", "value": "open"}

    result = _branching(_rules(rule), {"body": {"status": "open"}})

    error = result.nodes["check"].error
    assert error["code"] == "FIELD_NOT_FOUND"
    assert (
        error["message"]
        == 'conditions[0].field "body.stauts": no key "stauts" in body; keys there: status; did you mean "status"?'
    )


def test_exists_on_missing_path_is_false() -> None:
    rule = {"field": "{{ trigger.body.coupon }}", "operator": "exists"}

    result = _branching(_rules(rule), {"body": {}})

    assert result.nodes["check"].output["result"] is False


@pytest.mark.parametrize(("combine", "expected"), [("and", False), ("or", True)])
def test_rules_combine(combine: str, expected: bool) -> None:
    rules = [{"field": "a", "operator": "equals", "value": 1}, {"field": "b", "operator": "equals", "value": 1}]

    result = _branching(_rules(*rules, combine=combine), {"a": 1, "b": 2})

    assert result.nodes["check"].output["result"] is expected


def test_ordering_number_against_text_fails_node() -> None:
    rule = {"field": "total", "operator": "gt", "value": 100}

    result = _branching(_rules(rule), {"total": "250.00"})

    error = result.nodes["check"].error
    assert error["code"] == "TYPE_MISMATCH"
    assert (
        error["message"] == 'conditions[0]: gt compares two numbers or two texts, got text "250.00" and the number 100'
    )


def test_unknown_operator_names_closest() -> None:
    rule = {"field": "a", "operator": "equal", "value": 1}

    result = _branching(_rules(rule), {"a": 1})

    assert result.nodes["check"].error["code"] == "INVALID_CONFIG"
    assert result.nodes["check"].error["detail"]["closest"] == "equals"


def test_condition_without_rules_or_expression_fails() -> None:
    result = _branching(node("check", "logic_condition", {}), {})

    assert result.nodes["check"].error["code"] == "INVALID_CONFIG"


def _filter(config: dict, trigger_data: object):
    definition = workflow([trigger(), node("keep", "transform_filter", config)], chain("start", "keep"))
    return run_workflow(definition, trigger_data=trigger_data, fixtures=[])


def test_filter_with_rule_keeps_matching_items() -> None:
    config = {"input": "{{ trigger.orders }}", "condition": {"field": "status", "operator": "equals", "value": "open"}}

    result = _filter(config, {"orders": [{"id": 1, "status": "open"}, {"id": 2, "status": "done"}]})

    assert result.nodes["keep"].output == {"items": [{"id": 1, "status": "open"}], "count": 1}


def test_filter_with_expression_reads_item() -> None:
    config = {"input": "{{ trigger.orders }}", "condition": "{{ item.total > 100 }}"}

    result = _filter(config, {"orders": [{"total": 50}, {"total": 150}, {"total": 101}]})

    assert result.nodes["keep"].output == {"items": [{"total": 150}, {"total": 101}], "count": 2}


def test_filter_over_non_list_fails() -> None:
    config = {"input": "{{ trigger.orders }}", "condition": "{{ item }}"}

    result = _filter(config, {"orders": {"data": [], "total": 0}})

    error = result.nodes["keep"].error
    assert error["code"] == "FILTER_INPUT_NOT_A_LIST"
    assert error["message"] == "input: expected a list at trigger.orders, got an object with keys data, total"


@pytest.mark.parametrize(("vip", "status"), [(True, "completed"), (False, "skipped")])
def test_edge_condition_gates_target(vip: bool, status: str) -> None:
    guarded = {**edge("start", "gift"), "condition": "{{ trigger.vip }}"}
    definition = workflow([trigger(), set_values("gift", {})], [guarded])

    result = run_workflow(definition, trigger_data={"vip": vip}, fixtures=[])

    assert result.nodes["gift"].status == status


def test_broken_edge_condition_fails_target() -> None:
    guarded = {**edge("start", "gift"), "condition": "{{ trigger.customer.vip }}"}
    definition = workflow([trigger(), set_values("gift", {})], [guarded])

    result = run_workflow(definition, trigger_data={}, fixtures=[])

    error = result.nodes["gift"].error
    assert error["code"] == "EXPRESSION_ERROR"
    assert error["message"].startswith("edge start->gift condition: ")
