"""Inputs and run order: what each node receives, and when it runs."""

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


def test_single_predecessor_input_is_its_output() -> None:
    definition = workflow(
        [trigger(), set_values("first", {"a": 1}), set_values("second", {"b": 2})],
        chain("start", "first", "second"),
    )

    result = run_workflow(definition, trigger_data={"x": 0}, fixtures=[])

    assert result.nodes["second"].input == {"x": 0, "a": 1}
    assert result.nodes["second"].output == {"x": 0, "a": 1, "b": 2}


def test_several_predecessors_input_is_keyed_by_id() -> None:
    definition = workflow(
        [trigger(), set_values("left", {"side": "L"}), set_values("right", {"side": "R"}), set_values("merge", {})],
        [*chain("start", "left", "merge"), *chain("start", "right", "merge")],
    )

    result = run_workflow(definition, trigger_data={}, fixtures=[])

    assert result.nodes["merge"].input == {"left": {"side": "L"}, "right": {"side": "R"}}


def test_skipped_predecessor_is_missing_from_input() -> None:
    definition = workflow(
        [
            trigger(),
            condition("check", "{{ trigger.paid }}"),
            set_values("paid", {"branch": "paid"}),
            set_values("unpaid", {"branch": "unpaid"}),
            set_values("merge", {}),
        ],
        [
            edge("start", "check"),
            edge("check", "paid", "true"),
            edge("check", "unpaid", "false"),
            edge("paid", "merge"),
            edge("unpaid", "merge"),
        ],
    )

    result = run_workflow(definition, trigger_data={"paid": True}, fixtures=[])

    assert result.nodes["unpaid"].status == "skipped"
    assert result.nodes["merge"].status == "completed"
    assert list(result.nodes["merge"].input) == ["paid"]


def test_nodes_run_in_topological_order_not_list_order() -> None:
    definition = workflow(
        [
            set_values("last", {"n": "{{ middle.n + 1 }}"}),
            set_values("middle", {"n": "{{ trigger.n + 1 }}"}),
            trigger(),
        ],
        chain("start", "middle", "last"),
    )

    result = run_workflow(definition, trigger_data={"n": 1}, fixtures=[])

    assert list(result.nodes) == ["start", "middle", "last"]
    assert result.nodes["last"].output["n"] == 3


def test_trigger_output_is_trigger_data_by_both_names() -> None:
    definition = workflow(
        [trigger("order_hook"), set_values("copy", {"by_root": "{{ trigger.id }}", "by_id": "{{ order_hook.id }}"})],
        chain("order_hook", "copy"),
    )

    result = run_workflow(definition, trigger_data={"id": 42}, fixtures=[])

    assert result.nodes["order_hook"].output == {"id": 42}
    assert result.nodes["copy"].output["by_root"] == 42
    assert result.nodes["copy"].output["by_id"] == 42


def test_second_trigger_is_skipped_unless_chosen() -> None:
    definition = workflow(
        [
            trigger("manual"),
            node("hook", "trigger_webhook"),
            set_values("after_manual", {}),
            set_values("after_hook", {}),
        ],
        [*chain("manual", "after_manual"), *chain("hook", "after_hook")],
    )

    default = run_workflow(definition, trigger_data={}, fixtures=[])
    chosen = run_workflow(definition, trigger_data={}, fixtures=[], trigger_node="hook")

    assert default.nodes["hook"].status == "skipped"
    assert default.nodes["after_hook"].status == "skipped"
    assert chosen.nodes["manual"].status == "skipped"
    assert chosen.nodes["after_hook"].status == "completed"


def test_unknown_trigger_node_is_rejected() -> None:
    definition = workflow([trigger()], [])

    with pytest.raises(ValueError, match='"nope" is not a trigger'):
        run_workflow(definition, trigger_data={}, fixtures=[], trigger_node="nope")


def test_node_without_predecessors_runs_with_null_input() -> None:
    definition = workflow([trigger(), set_values("orphan", {"a": 1})], [])

    result = run_workflow(definition, trigger_data={"x": 1}, fixtures=[])

    assert result.nodes["orphan"].status == "completed"
    assert result.nodes["orphan"].input is None
    assert result.nodes["orphan"].output == {"a": 1}


def test_cycle_is_rejected_with_its_nodes() -> None:
    definition = workflow(
        [trigger(), set_values("a", {}), set_values("b", {})], [*chain("start", "a", "b"), edge("b", "a")]
    )

    with pytest.raises(ValueError, match="cycle"):
        run_workflow(definition, trigger_data={}, fixtures=[])


def test_expression_error_carries_structured_detail() -> None:
    definition = workflow(
        [trigger(), set_values("build", {"email": "{{ trigger.customer.emial }}"})], chain("start", "build")
    )

    result = run_workflow(definition, trigger_data={"customer": {"email": "dana@example.com"}}, fixtures=[])

    error = result.nodes["build"].error
    assert error["code"] == "EXPRESSION_ERROR"
    assert error["message"].startswith("values[0].value: ")
    assert error["detail"]["code"] == "missing_path"
    assert error["detail"]["closest"] == "email"
    assert error["detail"]["path"] == "trigger.customer.emial"


def test_input_object_merges_with_set_values() -> None:
    definition = workflow(
        [trigger(), node("build", "transform_set", {"values": {"total": "{{ trigger.price * 2 }}"}})],
        chain("start", "build"),
    )

    result = run_workflow(definition, trigger_data={"price": 5}, fixtures=[])

    assert result.nodes["build"].output == {"price": 5, "total": 10}


def test_ignored_failure_passes_error_on() -> None:
    definition = workflow(
        [trigger(), set_values("build", {"a": "{{ trigger.missing.x }}"}, onError="continue"), set_values("after", {})],
        chain("start", "build", "after"),
    )

    result = run_workflow(definition, trigger_data={}, fixtures=[])

    assert result.nodes["build"].status == "failed"
    assert result.nodes["after"].input == {
        "error": {"message": result.nodes["build"].error["message"], "code": "EXPRESSION_ERROR"}
    }
    assert result.status == "suppressed"
    assert result.suppressed_by == ["build"]
