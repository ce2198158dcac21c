"""Reuse: unchanged nodes take their recorded output; changed nodes and what they feed run again."""

import copy

from tests.tools.replay.builders import (
    chain,
    edge,
    execution,
    fixture,
    http,
    node,
    record,
    request,
    response,
    set_values,
    trigger,
    workflow,
)
from tools.replay import prepare_recording, replay


def _linear_recording(**recorded_outputs: dict) -> tuple[dict, dict]:
    definition = workflow(
        [trigger(), set_values("first", {"a": "{{ trigger.n }}"}), set_values("second", {"b": "{{ first.a }}"})],
        chain("start", "first", "second"),
    )
    records = [
        record("start", "trigger_manual", "completed", output={"n": 1}, sequence=1),
        record(
            "first", "transform_set", "completed", output=recorded_outputs.get("first", {"n": 1, "a": 1}), sequence=2
        ),
        record(
            "second",
            "transform_set",
            "completed",
            output=recorded_outputs.get("second", {"n": 1, "a": 1, "b": 1}),
            sequence=3,
        ),
    ]
    return definition, execution(records, trigger_data={"n": 1})


def test_unchanged_nodes_reuse_recorded_output() -> None:
    # The recorded output differs from what running the node would give, so only reuse explains it.
    definition, recorded = _linear_recording(second={"recorded": True})
    recording = prepare_recording(definition, recorded)

    result = replay(recording)

    assert all(run.reused for run in result.nodes.values())
    assert result.nodes["second"].output == {"recorded": True}


def test_changed_node_reruns_downstream() -> None:
    definition, recorded = _linear_recording()
    recording = prepare_recording(definition, recorded)
    patched = copy.deepcopy(definition)
    patched["nodes"][1]["data"]["config"]["values"][0]["value"] = "{{ trigger.n + 10 }}"

    result = replay(recording, patched)

    assert result.nodes["start"].reused
    assert not result.nodes["first"].reused
    assert not result.nodes["second"].reused
    assert result.nodes["second"].output["b"] == 11


def test_downstream_reused_when_changed_node_output_is_unchanged() -> None:
    definition, recorded = _linear_recording(second={"recorded": True})
    recording = prepare_recording(definition, recorded)
    patched = copy.deepcopy(definition)
    patched["nodes"][1]["data"]["label"] = "renamed, same output"

    result = replay(recording, patched)

    assert not result.nodes["first"].reused
    assert result.nodes["second"].reused
    assert result.nodes["second"].output == {"recorded": True}


def test_node_reading_changed_node_by_expression_runs_again() -> None:
    definition = workflow(
        [
            trigger(),
            set_values("source", {"v": 1}),
            set_values("middle", {}),
            set_values("reader", {"v": "{{ source.v }}"}),
        ],
        [*chain("start", "source", "middle"), edge("middle", "reader")],
    )
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record("source", "transform_set", "completed", output={"v": 1}, sequence=2),
        record("middle", "transform_set", "completed", output={"v": 1}, sequence=3),
        record("reader", "transform_set", "completed", output={"v": 1}, sequence=4),
    ]
    recording = prepare_recording(definition, execution(records, trigger_data={}))
    patched = copy.deepcopy(definition)
    # middle passes its input on unchanged, so only the expression ties reader to source.
    patched["nodes"][1]["data"]["config"]["values"][0]["value"] = 2
    patched["nodes"][2]["data"]["config"]["values"] = [{"key": "v", "value": 1}]

    result = replay(recording, patched)

    assert result.nodes["middle"].output == {"v": 1}
    assert not result.nodes["reader"].reused
    assert result.nodes["reader"].output == {"v": 2}


def test_rewired_node_runs_again() -> None:
    definition, recorded = _linear_recording(second={"recorded": True})
    recording = prepare_recording(definition, recorded)
    patched = copy.deepcopy(definition)
    patched["nodes"].append(node("pause", "logic_delay", {"seconds": 1}))
    patched["edges"] = [*chain("start", "first", "pause", "second")]

    result = replay(recording, patched)

    assert result.nodes["first"].reused
    assert not result.nodes["second"].reused
    assert result.nodes["second"].output == {"n": 1, "a": 1, "b": 1}


def test_failed_recorded_node_is_never_reused() -> None:
    definition = workflow([trigger(), set_values("build", {"a": "{{ trigger.missing }}"})], chain("start", "build"))
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record("build", "transform_set", "failed", error={"message": "missing"}, sequence=2),
    ]
    recording = prepare_recording(definition, execution(records, trigger_data={}, failed_node="build"))

    result = replay(recording)

    assert not result.nodes["build"].reused
    assert result.nodes["build"].status == "failed"


def test_reused_request_uses_up_its_fixture() -> None:
    url = "https://api.example.com/stock"
    definition = workflow(
        [trigger(), http("first_read", url), set_values("between", {}), http("second_read", url)],
        chain("start", "first_read", "between", "second_read"),
    )
    fixtures = [
        fixture(request(url), response(200, {"stock": 5}), node_id="first_read"),
        fixture(request(url), response(200, {"stock": 4}), node_id="second_read"),
    ]
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record("first_read", "action_http_request", "completed", output=response(200, {"stock": 5}), sequence=2),
        record("between", "transform_set", "failed", error={"message": "boom"}, sequence=3),
    ]
    recording = prepare_recording(
        definition, execution(records, trigger_data={}, fixtures=fixtures, failed_node="between")
    )

    result = replay(recording)

    assert result.nodes["first_read"].reused
    assert result.nodes["second_read"].output["body"] == {"stock": 4}


def test_unknown_type_reuses_recorded_output() -> None:
    definition = workflow(
        [trigger(), node("custom", "vendor_magic"), set_values("after", {"x": "{{ custom.value }}"})],
        chain("start", "custom", "after"),
    )
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record("custom", "vendor_magic", "completed", output={"value": 7}, sequence=2),
        record("after", "transform_set", "failed", error={"message": "boom"}, sequence=3),
    ]
    recording = prepare_recording(definition, execution(records, trigger_data={}, failed_node="after"))
    patched = copy.deepcopy(definition)
    patched["nodes"][1]["data"]["label"] = "changed, still unknown"

    result = replay(recording, patched)

    assert result.nodes["custom"].status == "completed"
    assert result.nodes["custom"].reused
    assert result.nodes["after"].output == {"value": 7, "x": 7}


def test_unknown_type_without_recorded_output_is_not_checked() -> None:
    definition = workflow(
        [trigger(), node("custom", "vendor_magic"), set_values("after", {})], chain("start", "custom", "after")
    )
    records = [
        record("start", "trigger_manual", "completed", output={}, sequence=1),
        record("custom", "vendor_magic", "failed", error={"message": "vendor down"}, sequence=2),
    ]
    recording = prepare_recording(definition, execution(records, trigger_data={}, failed_node="custom"))

    result = replay(recording)

    assert result.nodes["custom"].status == "not_checked"
    assert "vendor_magic" in result.nodes["custom"].needed["reason"]
    assert result.nodes["after"].status == "not_checked"
    assert result.nodes["after"].blocked_by == "custom"
    assert result.status == "unverifiable"


def test_recording_accepts_pydantic_execution() -> None:
    from tools.formats import Execution, WorkflowDefinition

    definition, recorded = _linear_recording(second={"recorded": True})
    recording = prepare_recording(WorkflowDefinition.model_validate(definition), Execution.model_validate(recorded))

    result = replay(recording, definition)

    assert result.nodes["second"].reused
    assert result.nodes["second"].output == {"recorded": True}
