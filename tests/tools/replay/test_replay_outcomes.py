"""Outcomes relative to the recorded failed node: passed, suppressed, failed, unverifiable."""

import copy
import json

from tests.tools.replay.builders import (
    chain,
    condition,
    edge,
    fixture,
    http,
    recorded_run,
    request,
    response,
    set_values,
    timeout_fixture,
    trigger,
    workflow,
)
from tools.replay import prepare_recording, replay

CUSTOMER_URL = "https://crm.example.com/customers/7"
ERP_URL = "https://erp.example.com/orders"


def _order_sync() -> dict:
    return workflow(
        [
            trigger("order_hook"),
            http("fetch_customer", CUSTOMER_URL),
            set_values("build", {"email": "{{ fetch_customer.body.emial }}"}),
            http("post_order", ERP_URL, method="POST", body={"email": "{{ build.email }}"}),
        ],
        chain("order_hook", "fetch_customer", "build", "post_order"),
    )


def _recording(definition: dict | None = None, fixtures: list | None = None):
    definition = definition or _order_sync()
    world = (
        fixtures
        if fixtures is not None
        else [fixture(request(CUSTOMER_URL), response(200, {"email": "dana@example.com"}), node_id="fetch_customer")]
    )
    return prepare_recording(definition, recorded_run(definition, trigger_data={"id": 7}, fixtures=world))


def _patched(change) -> dict:
    definition = copy.deepcopy(_order_sync())
    change({item["id"]: item for item in definition["nodes"]}, definition)
    return definition


def _fix_mapping(nodes: dict, definition: dict) -> None:
    nodes["build"]["data"]["config"]["values"][0]["value"] = "{{ fetch_customer.body.email }}"


def test_unpatched_replay_reproduces_failure() -> None:
    result = replay(_recording())

    assert result.status == "failed"
    assert result.failed_node == "build"
    assert result.error["code"] == "EXPRESSION_ERROR"
    assert result.recorded_failed_node == "build"


def test_fix_passes_with_unchecked_rest() -> None:
    result = replay(_recording(), _patched(_fix_mapping))

    assert result.status == "passed"
    assert result.reached_node == "build"
    assert result.not_checked == ["post_order"]
    assert result.needed[0]["method"] == "POST"
    assert result.needed[0]["url"] == ERP_URL
    assert len(result.needed[0]["fingerprint"]) == 64
    assert result.run_status == "incomplete"


def test_fix_passes_completely_with_fixture() -> None:
    fixtures = [
        fixture(request(CUSTOMER_URL), response(200, {"email": "dana@example.com"}), node_id="fetch_customer"),
        fixture(request(ERP_URL, method="POST", body={"email": "dana@example.com"}), response(201, {"id": 1})),
    ]

    result = replay(_recording(fixtures=fixtures), _patched(_fix_mapping))

    assert result.status == "passed"
    assert result.run_status == "completed"
    assert result.not_checked == []


def _read_customer_directly(nodes: dict) -> None:
    nodes["post_order"]["data"]["config"]["body"] = {"email": "{{ fetch_customer.body.email }}"}


def test_ignoring_failed_node_error_is_suppressed() -> None:
    def ignore(nodes: dict, definition: dict) -> None:
        nodes["build"]["data"]["onError"] = "continue"
        _read_customer_directly(nodes)

    result = replay(_recording(), _patched(ignore))

    assert result.status == "suppressed"
    assert result.suppressed_by == ["build"]
    assert result.nodes["build"].error_ignored
    assert result.nodes["post_order"].status == "not_checked"


def test_ignored_error_that_breaks_next_node_fails() -> None:
    def ignore(nodes: dict, definition: dict) -> None:
        nodes["build"]["data"]["onError"] = "continue"

    result = replay(_recording(), _patched(ignore))

    assert result.status == "failed"
    assert result.failed_node == "post_order"
    assert result.error["detail"]["missing_key"] == "email"


def test_new_ignored_failure_after_fix_is_suppressed() -> None:
    def fix_and_break_later(nodes: dict, definition: dict) -> None:
        _fix_mapping(nodes, definition)
        definition["nodes"].append(set_values("audit", {"who": "{{ build.user.name }}"}, onError="continue"))
        definition["edges"].append(edge("build", "audit"))

    result = replay(_recording(), _patched(fix_and_break_later))

    assert result.status == "suppressed"
    assert result.suppressed_by == ["audit"]


def test_failure_after_fixed_node_fails_naming_it() -> None:
    def fix_and_break_later(nodes: dict, definition: dict) -> None:
        _fix_mapping(nodes, definition)
        definition["nodes"].append(set_values("audit", {"who": "{{ build.user.name }}"}))
        definition["edges"].append(edge("build", "audit"))

    result = replay(_recording(), _patched(fix_and_break_later))

    assert result.status == "failed"
    assert result.failed_node == "audit"
    assert result.error["detail"]["path"] == "build.user.name"


def test_failed_node_without_fixture_is_unverifiable() -> None:
    recording = _recording(fixtures=[timeout_fixture(request(CUSTOMER_URL))])
    # The recording keeps no fixture for a timeout, as LinkFlow records none.
    recording = prepare_recording(recording.definition, {**_raw(recording), "deterministic_fixtures": []})

    result = replay(recording)

    assert recording.failed_node == "fetch_customer"
    assert result.status == "unverifiable"
    assert result.failed_node is None
    assert result.not_checked == ["fetch_customer", "build", "post_order"]
    assert result.needed[0]["node"] == "fetch_customer"
    assert result.needed[0]["url"] == CUSTOMER_URL


def test_removed_failed_node_fails() -> None:
    def remove(nodes: dict, definition: dict) -> None:
        _read_customer_directly(nodes)
        definition["nodes"] = [item for item in definition["nodes"] if item["id"] != "build"]
        definition["edges"] = chain("order_hook", "fetch_customer", "post_order")

    result = replay(_recording(), _patched(remove))

    assert result.status == "failed"
    assert result.error["code"] == "FAILED_NODE_REMOVED"


def test_skipped_failed_node_fails() -> None:
    def route_around(nodes: dict, definition: dict) -> None:
        definition["nodes"].append(condition("gate", "{{ false }}"))
        definition["edges"] = [
            edge("order_hook", "fetch_customer"),
            edge("fetch_customer", "gate"),
            edge("gate", "build", "true"),
            edge("build", "post_order"),
        ]

    result = replay(_recording(), _patched(route_around))

    assert result.status == "failed"
    assert result.failed_node == "build"
    assert result.error["code"] == "FAILED_NODE_SKIPPED"


def test_failure_ignored_in_recording_does_not_suppress() -> None:
    definition = workflow(
        [
            trigger(),
            set_values("optional", {"x": "{{ trigger.nothing.here }}"}, onError="continue"),
            set_values("build", {"email": "{{ trigger.emial }}"}),
        ],
        chain("start", "optional", "build"),
    )
    recording = prepare_recording(
        definition, recorded_run(definition, trigger_data={"email": "a@example.com"}, fixtures=[])
    )
    patched = copy.deepcopy(definition)
    patched["nodes"][2]["data"]["config"]["values"][0]["value"] = "{{ trigger.email }}"

    result = replay(recording, patched)

    assert recording.failed_node == "build"
    assert result.nodes["optional"].error_ignored
    assert result.status == "passed"


def test_result_serializes_to_json() -> None:
    result = replay(_recording(), _patched(_fix_mapping))

    document = json.loads(json.dumps(result.to_dict()))

    assert document["status"] == "passed"
    assert document["nodes"]["post_order"]["status"] == "not_checked"
    assert document["needed"][0]["request"]["method"] == "POST"


def _raw(recording) -> dict:
    return {
        "execution_id": "812",
        "workflow_id": "wf_test",
        "workspace_id": "ws_test",
        "status": "failed",
        "trigger_data": recording.trigger_data,
        "nodes": list(recording.records.values()),
        "error": recording.recorded_error,
        "started_at": "2025-03-12T10:00:00Z",
    }
