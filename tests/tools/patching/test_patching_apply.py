import copy

import pytest

from tools.patching import (
    PatchConflict,
    PatchError,
    apply_patch,
    build_patch,
    describe_patch,
)

EMAIL_FIX = {"node": "send_invoice", "set": {"config.to[0]": "{{ fetch_customer.body.email }}"}}


def test_apply_patch_returns_changed_copy(workflow):
    before = copy.deepcopy(workflow)
    patch = build_patch(workflow, [EMAIL_FIX])

    result = apply_patch(workflow, patch)

    assert result["nodes"][2]["data"]["config"]["to"] == ["{{ fetch_customer.body.email }}"]
    assert workflow == before


def test_apply_patch_after_value_changed_conflicts(workflow):
    patch = build_patch(workflow, [EMAIL_FIX])
    workflow["nodes"][2]["data"]["config"]["to"][0] = "{{ trigger.body.email }}"

    with pytest.raises(PatchConflict) as caught:
        apply_patch(workflow, patch)

    conflict = caught.value
    assert conflict.op_index == 1
    assert conflict.path == "/nodes/2/data/config/to/0"
    assert conflict.expected == "{{ fetch_customer.body.emial }}"
    assert conflict.actual == "{{ trigger.body.email }}"
    assert conflict.found is True
    assert conflict.message == (
        "test operation 1 failed, because the workflow changed since the patch was made: "
        '/nodes/2/data/config/to/0 is now "{{ trigger.body.email }}"; expected "{{ fetch_customer.body.emial }}"'
    )


def test_apply_patch_after_nodes_reordered_conflicts(workflow):
    patch = build_patch(workflow, [EMAIL_FIX])
    nodes = workflow["nodes"]
    nodes[1], nodes[2] = nodes[2], nodes[1]

    with pytest.raises(PatchConflict) as caught:
        apply_patch(workflow, patch)

    assert caught.value.op_index == 0
    assert caught.value.path == "/nodes/2/id"
    assert caught.value.actual == "fetch_customer"
    assert caught.value.expected == "send_invoice"


def test_apply_patch_after_node_removed_conflicts(workflow):
    patch = build_patch(workflow, [{"node": "notify_team", "set": {"config.text": "Sent"}}])
    del workflow["nodes"][3]

    with pytest.raises(PatchConflict) as caught:
        apply_patch(workflow, patch)

    assert caught.value.found is False
    assert caught.value.actual is None
    assert '/nodes/3/id no longer exists; expected "notify_team"' in caught.value.message
    assert caught.value.to_dict()["code"] == "patch_conflict"


def test_apply_patch_conflict_leaves_definition_unchanged(workflow):
    patch = build_patch(workflow, [EMAIL_FIX])
    workflow["nodes"][2]["data"]["config"]["to"][0] = "changed"
    before = copy.deepcopy(workflow)

    with pytest.raises(PatchConflict):
        apply_patch(workflow, patch)

    assert workflow == before


@pytest.mark.parametrize(
    ("patch", "op_index", "fragment"),
    [
        ([{"op": "remove", "path": "/nodes/2/data/retry"}], 0, "operation 0 (remove /nodes/2/data/retry) failed"),
        (
            [
                {"op": "test", "path": "/nodes/0/id", "value": "order_hook"},
                {"op": "add", "path": "/nodes/9/data/x", "value": 1},
            ],
            1,
            "operation 1 (add /nodes/9/data/x) failed",
        ),
        ([{"op": "frob", "path": "/nodes"}], 0, "Unknown operation 'frob'"),
        ([{"path": "/nodes"}], 0, "operation 0 has no text 'op' member"),
        (["remove /nodes/0"], 0, 'operation 0 is "remove /nodes/0", not an object'),
        ([{"op": "add", "path": "nodes", "value": 1}], 0, "Location must start with /"),
    ],
)
def test_apply_patch_invalid_operation(workflow, patch, op_index, fragment):
    with pytest.raises(PatchError) as caught:
        apply_patch(workflow, patch)

    assert not isinstance(caught.value, PatchConflict)
    assert caught.value.op_index == op_index
    assert fragment in caught.value.message


def test_apply_patch_not_a_list(workflow):
    with pytest.raises(PatchError) as caught:
        apply_patch(workflow, {"op": "remove", "path": "/nodes/0"})

    assert caught.value.message == "a patch is a list of operations, got dict"
    assert caught.value.op_index is None


def test_describe_patch_names_nodes_and_edges(workflow):
    edits = [
        EMAIL_FIX,
        {"node": "send_invoice", "set": {"retry": {"max_attempts": 3}}},
        {"node": "send_invoice", "unset": ["onError"]},
        {"insert_node": {"id": "wait", "type": "logic_delay"}, "between": ["fetch_customer", "send_invoice"]},
    ]

    lines = describe_patch(build_patch(workflow, edits))

    assert lines == [
        'send_invoice: set config.to[0] to "{{ fetch_customer.body.email }}"',
        'send_invoice: add retry: {"max_attempts":3}',
        "send_invoice: remove onError",
        "add node wait (logic_delay)",
        "remove edge fetch_customer -> send_invoice",
        "add edge fetch_customer -> wait",
        "add edge wait -> send_invoice",
    ]


def test_describe_patch_without_pins_uses_indexes():
    patch = [
        {"op": "replace", "path": "/nodes/2/data/label", "value": "x"},
        {"op": "remove", "path": "/edges/4"},
        {"op": "replace", "path": "/settings/retry/enabled", "value": True},
        {"op": "move", "from": "/a", "path": "/b"},
    ]

    assert describe_patch(patch) == [
        'node 2: set label to "x"',
        "remove edge 4",
        "settings: set retry.enabled to true",
        "move /b from /a",
    ]
