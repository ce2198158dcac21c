"""Loops run every node after them once per item or batch; a non-list fails with what arrived."""

import copy

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    loop,
    node,
    recorded_run,
    request,
    response,
    set_values,
    trigger,
    workflow,
)
from tools.replay import prepare_recording, replay, run_workflow


def _loop_workflow(items: object = "{{ trigger.items }}", **loop_config: object) -> dict:
    return workflow(
        [
            trigger(),
            loop("each", items, **loop_config),
            set_values("visit", {"seen": "{{ each.item }}", "at": "{{ each.index }}"}),
        ],
        chain("start", "each", "visit"),
    )


def test_body_runs_once_per_item_and_keeps_last() -> None:
    result = run_workflow(_loop_workflow(), trigger_data={"items": ["a", "b", "c"]}, fixtures=[])

    assert result.nodes["each"].output == {"items": ["a", "b", "c"], "count": 3}
    assert result.nodes["visit"].iterations == 3
    assert result.nodes["visit"].output["seen"] == "c"
    assert result.nodes["visit"].output["at"] == 2


def test_batches_hand_lists_to_each_iteration() -> None:
    result = run_workflow(_loop_workflow(batch_size=2), trigger_data={"items": [1, 2, 3, 4, 5]}, fixtures=[])

    assert result.nodes["visit"].iterations == 3
    assert result.nodes["visit"].output["seen"] == [5]
    assert result.nodes["visit"].output["at"] == 2


def test_loop_over_object_names_what_arrived() -> None:
    result = run_workflow(_loop_workflow(), trigger_data={"items": {"data": [1], "total": 1}}, fixtures=[])

    error = result.nodes["each"].error
    assert result.status == "failed"
    assert error["code"] == "LOOP_ITEMS_NOT_A_LIST"
    assert error["message"].startswith("items: expected a list at trigger.items, got an object with keys data, total")
    assert error["detail"]["list_fields"] == ["data"]
    assert result.nodes["visit"].status == "pending"


def test_each_iteration_request_is_its_own_fixture() -> None:
    definition = workflow(
        [trigger(), loop("each", "{{ trigger.ids }}"), http("fetch", "https://api.example.com/items/{{ each.item }}")],
        chain("start", "each", "fetch"),
    )
    world = [
        fixture(request("https://api.example.com/items/1"), response(200, {"id": 1})),
        fixture(request("https://api.example.com/items/2"), response(200, {"id": 2})),
    ]

    result = run_workflow(definition, trigger_data={"ids": [1, 2]}, fixtures=world)

    assert result.run_status == "completed"
    assert result.nodes["fetch"].iterations == 2
    assert result.nodes["fetch"].output["body"] == {"id": 2}


def test_failure_in_iteration_stops_and_names_index() -> None:
    definition = workflow(
        [trigger(), loop("each", "{{ trigger.orders }}"), set_values("price", {"total": "{{ each.item.total * 2 }}"})],
        chain("start", "each", "price"),
    )

    result = run_workflow(definition, trigger_data={"orders": [{"total": 1}, {"sum": 2}, {"total": 3}]}, fixtures=[])

    assert result.failed_node == "price"
    assert result.error["detail"]["iteration"] == {"loop": "each", "index": 1}
    assert result.nodes["price"].iterations == 2


def test_unchecked_iteration_marks_node_not_checked() -> None:
    definition = workflow(
        [trigger(), loop("each", "{{ trigger.ids }}"), http("fetch", "https://api.example.com/items/{{ each.item }}")],
        chain("start", "each", "fetch"),
    )
    world = [fixture(request("https://api.example.com/items/1"), response(200, {"id": 1}))]

    result = run_workflow(definition, trigger_data={"ids": [2, 1]}, fixtures=world)

    assert result.nodes["fetch"].status == "not_checked"
    assert result.needed[0]["url"] == "https://api.example.com/items/2"
    assert result.run_status == "incomplete"


@pytest.mark.parametrize(("loop_config", "expected_count"), [({}, 100), ({"max_items": 3}, 3)])
def test_items_are_cut_to_max_items(loop_config: dict, expected_count: int) -> None:
    result = run_workflow(_loop_workflow(**loop_config), trigger_data={"items": list(range(150))}, fixtures=[])

    assert result.nodes["each"].output["count"] == expected_count
    assert result.nodes["visit"].iterations == expected_count


def test_empty_list_skips_body() -> None:
    result = run_workflow(_loop_workflow(), trigger_data={"items": []}, fixtures=[])

    assert result.nodes["each"].output == {"items": [], "count": 0}
    assert result.nodes["visit"].status == "skipped"


def test_items_field_reads_list_from_input() -> None:
    definition = workflow(
        [
            trigger(),
            node("each", "logic_loop", {"items_field": "body.rows"}),
            set_values("visit", {"row": "{{ each.item }}"}),
        ],
        chain("start", "each", "visit"),
    )

    result = run_workflow(definition, trigger_data={"body": {"rows": [10, 20]}}, fixtures=[])

    assert result.nodes["visit"].output["row"] == 20


def test_invalid_batch_size_fails_loop() -> None:
    result = run_workflow(_loop_workflow(batch_size=0), trigger_data={"items": [1]}, fixtures=[])

    assert (
        result.nodes["each"].error["message"] == "batch_size: expected a whole number of at least 1, got the number 0"
    )


def test_nested_loops_run_inner_body_per_pair() -> None:
    definition = workflow(
        [
            trigger(),
            loop("rows", "{{ trigger.rows }}"),
            loop("cells", "{{ rows.item }}"),
            set_values("cell", {"value": "{{ cells.item }}", "row": "{{ rows.index }}"}),
        ],
        chain("start", "rows", "cells", "cell"),
    )

    result = run_workflow(definition, trigger_data={"rows": [[1, 2], [3]]}, fixtures=[])

    assert result.nodes["cell"].iterations == 3
    assert result.nodes["cell"].output["value"] == 3
    assert result.nodes["cell"].output["row"] == 1


def test_unchanged_loop_is_reused_whole() -> None:
    definition = _loop_workflow()
    recording = prepare_recording(definition, recorded_run(definition, trigger_data={"items": [1, 2]}, fixtures=[]))

    result = replay(recording)

    assert result.nodes["each"].reused
    assert result.nodes["visit"].reused


def test_changed_body_node_reruns_whole_loop() -> None:
    definition = _loop_workflow()
    recording = prepare_recording(definition, recorded_run(definition, trigger_data={"items": [1, 2]}, fixtures=[]))
    patched = copy.deepcopy(definition)
    patched["nodes"][2]["data"]["config"]["values"][0]["value"] = "{{ each.item * 10 }}"

    result = replay(recording, patched)

    assert not result.nodes["each"].reused
    assert result.nodes["visit"].iterations == 2
    assert result.nodes["visit"].output["seen"] == 20
