import copy

import pytest

from tools.patching import (
    EditError,
    InsertNodeEdit,
    PathSyntaxError,
    SetEdit,
    UnsetEdit,
    apply_patch,
    build_patch,
    parse_edit,
)
from tools.redaction import SECRET_MASK

EMAIL_FIX = {"node": "send_invoice", "set": {"config.to[0]": "{{ fetch_customer.body.email }}"}}
WAIT_NODE = {"id": "wait_for_quota", "type": "logic_delay", "data": {"config": {"seconds": 12}}}


def branching_workflow() -> dict:
    return {
        "nodes": [
            {"id": "hook", "type": "trigger_manual", "data": {"config": {}}},
            {"id": "check_paid", "type": "logic_condition", "data": {"config": {"condition": "{{ trigger.paid }}"}}},
            {"id": "thank", "type": "action_send_email", "data": {"config": {"to": ["a@acme.test"]}}},
        ],
        "edges": [
            {"id": "e1", "source": "hook", "target": "check_paid"},
            {"id": "e2", "source": "check_paid", "target": "thank", "sourceHandle": "true"},
            {"id": "e_check_paid_wait", "source": "check_paid", "target": "thank", "sourceHandle": "false"},
        ],
    }


def test_build_patch_replace_pins_id_and_old_value(workflow):
    patch = build_patch(workflow, [EMAIL_FIX])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "test", "path": "/nodes/2/data/config/to/0", "value": "{{ fetch_customer.body.emial }}"},
        {"op": "replace", "path": "/nodes/2/data/config/to/0", "value": "{{ fetch_customer.body.email }}"},
    ]


def test_build_patch_add_pins_id_only(workflow):
    edit = {"node": "send_invoice", "set": {"retry": {"max_attempts": 3, "delay_ms": 12000}}}

    patch = build_patch(workflow, [edit])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "add", "path": "/nodes/2/data/retry", "value": {"max_attempts": 3, "delay_ms": 12000}},
    ]


def test_build_patch_missing_objects_are_created(workflow):
    patch = build_patch(workflow, [{"node": "send_invoice", "set": {"retry.policy.max_attempts": 3}}])

    assert patch[1:] == [{"op": "add", "path": "/nodes/2/data/retry", "value": {"policy": {"max_attempts": 3}}}]


def test_build_patch_index_equal_to_length_appends(workflow):
    patch = build_patch(workflow, [{"node": "send_invoice", "set": {"config.to[1]": "ops@acme.test"}}])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "add", "path": "/nodes/2/data/config/to/1", "value": "ops@acme.test"},
    ]
    assert apply_patch(workflow, patch)["nodes"][2]["data"]["config"]["to"][1] == "ops@acme.test"


def test_build_patch_unset_pins_removed_value(workflow):
    patch = build_patch(workflow, [{"node": "send_invoice", "unset": ["onError"]}])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "test", "path": "/nodes/2/data/onError", "value": "stop"},
        {"op": "remove", "path": "/nodes/2/data/onError"},
    ]


def test_build_patch_escapes_pointer_tokens(workflow):
    workflow["nodes"][1]["data"]["config"]["headers"]["a/b~c"] = "old"

    patch = build_patch(workflow, [{"node": "fetch_customer", "set": {"config.headers['a/b~c']": "new"}}])

    assert patch == [
        {"op": "test", "path": "/nodes/1/id", "value": "fetch_customer"},
        {"op": "test", "path": "/nodes/1/data/config/headers/a~1b~0c", "value": "old"},
        {"op": "replace", "path": "/nodes/1/data/config/headers/a~1b~0c", "value": "new"},
    ]


def test_build_patch_same_edit_later_path_sees_earlier(workflow):
    edit = {"node": "send_invoice", "set": {"retry": {"max_attempts": 3, "delay_ms": 1000}, "retry.delay_ms": 5000}}

    patch = build_patch(workflow, [edit])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "add", "path": "/nodes/2/data/retry", "value": {"max_attempts": 3, "delay_ms": 1000}},
        {"op": "replace", "path": "/nodes/2/data/retry/delay_ms", "value": 5000},
    ]
    assert apply_patch(workflow, patch)["nodes"][2]["data"]["retry"] == {"max_attempts": 3, "delay_ms": 5000}


def test_build_patch_shifted_list_index_not_pinned(workflow):
    patch = build_patch(workflow, [{"node": "send_invoice", "unset": ["config.tags[0]", "config.tags[0]"]}])

    assert patch == [
        {"op": "test", "path": "/nodes/2/id", "value": "send_invoice"},
        {"op": "test", "path": "/nodes/2/data/config/tags/0", "value": "invoice"},
        {"op": "remove", "path": "/nodes/2/data/config/tags/0"},
        {"op": "remove", "path": "/nodes/2/data/config/tags/0"},
    ]
    assert apply_patch(workflow, patch)["nodes"][2]["data"]["config"]["tags"] == []


def test_build_patch_ancestor_pinned_with_start_value(workflow):
    start_config = copy.deepcopy(workflow["nodes"][2]["data"]["config"])
    edit = {"node": "send_invoice", "set": {"config.cc": "ops@acme.test", "config": {"to": ["x@acme.test"]}}}

    patch = build_patch(workflow, [edit])

    assert {"op": "test", "path": "/nodes/2/data/config/cc", "value": "billing@acme.test"} in patch
    assert {"op": "test", "path": "/nodes/2/data/config", "value": start_config} in patch
    assert apply_patch(workflow, patch)["nodes"][2]["data"]["config"] == {"to": ["x@acme.test"]}


def test_build_patch_later_edit_sees_earlier_edit(workflow):
    edits = [
        {"insert_node": WAIT_NODE, "between": ["fetch_customer", "send_invoice"]},
        {"node": "wait_for_quota", "set": {"config.seconds": 30}},
    ]

    patch = build_patch(workflow, edits)

    assert patch[-3:] == [
        {"op": "test", "path": "/nodes/4/id", "value": "wait_for_quota"},
        {"op": "test", "path": "/nodes/4/data/config/seconds", "value": 12},
        {"op": "replace", "path": "/nodes/4/data/config/seconds", "value": 30},
    ]


def test_build_patch_leaves_definition_unchanged(workflow):
    before = copy.deepcopy(workflow)

    build_patch(workflow, [EMAIL_FIX, {"insert_node": WAIT_NODE, "between": ["fetch_customer", "send_invoice"]}])

    assert workflow == before


def test_build_patch_insert_node_rewires_edge(workflow):
    patch = build_patch(workflow, [{"insert_node": WAIT_NODE, "between": ["fetch_customer", "send_invoice"]}])

    assert patch == [
        {"op": "test", "path": "/edges/1", "value": {"id": "e2", "source": "fetch_customer", "target": "send_invoice"}},
        {
            "op": "add",
            "path": "/nodes/-",
            "value": {
                "id": "wait_for_quota",
                "type": "logic_delay",
                "position": {"x": 360.0, "y": 80.0},
                "data": {"config": {"seconds": 12}},
            },
        },
        {"op": "remove", "path": "/edges/1"},
        {
            "op": "add",
            "path": "/edges/-",
            "value": {"id": "e_fetch_customer_wait_for_quota", "source": "fetch_customer", "target": "wait_for_quota"},
        },
        {
            "op": "add",
            "path": "/edges/-",
            "value": {"id": "e_wait_for_quota_send_invoice", "source": "wait_for_quota", "target": "send_invoice"},
        },
    ]


def test_build_patch_insert_node_keeps_branch_handles():
    definition = branching_workflow()
    edit = {"insert_node": {"id": "wait", "type": "logic_delay"}, "between": ["check_paid", "thank"]}

    patch = build_patch(definition, [edit])
    edges = apply_patch(definition, patch)["edges"]

    assert edges == [
        {"id": "e1", "source": "hook", "target": "check_paid"},
        {"id": "e_check_paid_wait_2", "source": "check_paid", "target": "wait", "sourceHandle": "true"},
        {"id": "e_check_paid_wait_3", "source": "check_paid", "target": "wait", "sourceHandle": "false"},
        {"id": "e_wait_thank", "source": "wait", "target": "thank"},
    ]


def test_build_patch_insert_node_without_positions_has_none():
    definition = branching_workflow()
    edit = {"insert_node": {"id": "wait", "type": "logic_delay"}, "between": ["hook", "check_paid"]}

    patch = build_patch(definition, [edit])

    assert patch[1] == {"op": "add", "path": "/nodes/-", "value": {"id": "wait", "type": "logic_delay", "data": {}}}


def test_build_patch_never_pins_masked_value(workflow):
    edits = [
        {"node": "fetch_customer", "set": {"config.timeout": 60, "config.headers.Accept": "application/json"}},
        {
            "node": "fetch_customer",
            "set": {"config.headers": {"Authorization": "Bearer {{ credential.crm_token }}", "X-Api-Key": SECRET_MASK}},
        },
    ]

    patch = build_patch(workflow, edits[:1])

    assert all(SECRET_MASK not in str(operation.get("value")) for operation in patch)
    with pytest.raises(EditError) as caught:
        build_patch(workflow, edits)
    assert caught.value.code == "masked_value"


@pytest.mark.parametrize(
    ("edit", "path", "fragment"),
    [
        (
            {"node": "fetch_customer", "set": {"config.headers['X-Api-Key']": "new-key"}},
            "config.headers['X-Api-Key']",
            "replacing it",
        ),
        (
            {"node": "fetch_customer", "unset": ["config.headers['X-Api-Key']"]},
            "config.headers['X-Api-Key']",
            "removing it",
        ),
        ({"node": "fetch_customer", "unset": ["config.headers"]}, "config.headers", "removing it"),
        ({"node": "fetch_customer", "set": {"config": {"url": "https://api.example.com"}}}, "config", "replacing it"),
        (
            {"node": "send_invoice", "set": {"config.token": f"Bearer {SECRET_MASK}"}},
            "config.token",
            "contains [REDACTED]",
        ),
    ],
)
def test_build_patch_masked_value_rejected(workflow, edit, path, fragment):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [edit])

    assert caught.value.code == "masked_value"
    assert caught.value.path == path
    assert fragment in caught.value.message


def test_build_patch_insert_node_with_masked_data_rejected(workflow):
    node = {"id": "call", "type": "action_http_request", "data": {"config": {"headers": {"X-Api-Key": SECRET_MASK}}}}

    with pytest.raises(EditError) as caught:
        build_patch(workflow, [{"insert_node": node, "between": ["fetch_customer", "send_invoice"]}])

    assert caught.value.code == "masked_value"


def test_build_patch_missing_node_names_nodes_and_closest(workflow):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [EMAIL_FIX, {"node": "send_invoce", "set": {"label": "x"}}])

    error = caught.value
    assert error.code == "node_not_found"
    assert error.edit_index == 1
    assert error.message == (
        "node 'send_invoce' not found. Did you mean send_invoice? "
        "The workflow's nodes are: order_hook, fetch_customer, send_invoice, notify_team."
    )
    assert error.details["closest"] == "send_invoice"
    assert str(error).startswith("edit 1: ")


def test_build_patch_missing_node_without_close_id(workflow):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [{"node": "zzz", "set": {"label": "x"}}])

    assert caught.value.message == (
        "node 'zzz' not found. The workflow's nodes are: order_hook, fetch_customer, send_invoice, notify_team."
    )
    assert caught.value.details["closest"] is None


def test_build_patch_path_through_text(workflow):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [{"node": "send_invoice", "set": {"config.cc[0]": "x@acme.test"}}])

    assert caught.value.message == "config.cc is text, not a list; set config.cc to a list instead"
    assert caught.value.code == "not_a_container"
    assert caught.value.path == "config.cc[0]"
    assert caught.value.node == "send_invoice"
    assert caught.value.edit_index == 0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {"node": "send_invoice", "set": {"config.subject.text": "x"}},
            "config.subject is text, not an object; set config.subject to an object instead",
        ),
        (
            {"node": "send_invoice", "set": {"config.to.first": "x"}},
            "config.to is a list, not an object; use an index, such as config.to[0]",
        ),
        (
            {"node": "send_invoice", "set": {"config[0]": "x"}},
            "config is an object, not a list; use one of its keys: cc, subject, tags, to",
        ),
        (
            {"node": "send_invoice", "set": {"config.to[3]": "x"}},
            "config.to[3] is out of range: config.to has 1 item; use index 0, or 1 to append",
        ),
        (
            {"node": "send_invoice", "set": {"config.tags[5].name": "x"}},
            "config.tags[5] is out of range: config.tags has 2 items; use an index from 0 to 1",
        ),
        (
            {"node": "send_invoice", "unset": ["config.tags[2]"]},
            "config.tags[2] is out of range: config.tags has 2 items; use an index from 0 to 1",
        ),
        (
            {"node": "send_invoice", "unset": ["config.subjct"]},
            (
                "config.subjct does not exist on node send_invoice; config has keys cc, subject, tags, to; "
                "did you mean config.subject?"
            ),
        ),
        (
            {"node": "send_invoice", "unset": ["retry"]},
            "retry does not exist on node send_invoice; its data has keys config, label, onError",
        ),
        (
            {"node": "send_invoice", "set": {"config.bcc[0]": "x"}},
            (
                "config.bcc does not exist on node send_invoice, so config.bcc[0] cannot be set; "
                "set config.bcc to the whole list instead"
            ),
        ),
    ],
)
def test_build_patch_bad_path_message(workflow, edit, message):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [edit])

    assert caught.value.message == message


def test_build_patch_bad_path_syntax_has_position(workflow):
    with pytest.raises(PathSyntaxError) as caught:
        build_patch(workflow, [{"node": "fetch_customer", "set": {"config.headers.X-Api-Key": "x"}}])

    assert caught.value.position == 16
    assert caught.value.edit_index == 0
    assert caught.value.node == "fetch_customer"


@pytest.mark.parametrize(
    ("edit", "code", "fragment"),
    [
        (
            {"insert_node": {**WAIT_NODE, "id": "send_invoice"}, "between": ["fetch_customer", "send_invoice"]},
            "node_exists",
            "node id send_invoice already exists",
        ),
        (
            {"insert_node": {**WAIT_NODE, "id": "wait for"}, "between": ["fetch_customer", "send_invoice"]},
            "invalid_edit",
            "node id 'wait for' is invalid: use only letters, digits, _ and -",
        ),
        (
            {"insert_node": {**WAIT_NODE, "type": "logic_dely"}, "between": ["fetch_customer", "send_invoice"]},
            "invalid_edit",
            "did you mean logic_delay?",
        ),
        (
            {"insert_node": {**WAIT_NODE, "type": "trigger_manual"}, "between": ["fetch_customer", "send_invoice"]},
            "invalid_edit",
            "trigger_manual is a trigger",
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["send_invoice", "fetch_customer"]},
            "edge_not_found",
            'but one goes from fetch_customer to send_invoice; write "between": ["fetch_customer", "send_invoice"]',
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["order_hook", "send_invoice"]},
            "edge_not_found",
            "no edge goes from order_hook to send_invoice; edges from order_hook go to fetch_customer",
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["notify_team", "order_hook"]},
            "edge_not_found",
            "notify_team has no outgoing edges",
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["fetch_custmer", "send_invoice"]},
            "node_not_found",
            "Did you mean fetch_customer?",
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["fetch_customer"]},
            "invalid_edit",
            "between names the two node ids an edge joins",
        ),
        (
            {"insert_node": WAIT_NODE, "between": ["fetch_customer", "fetch_customer"]},
            "invalid_edit",
            "between names fetch_customer twice",
        ),
    ],
)
def test_build_patch_insert_node_rejected(workflow, edit, code, fragment):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, [edit])

    assert caught.value.code == code
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("obj", "model"),
    [
        (EMAIL_FIX, SetEdit),
        ({"node": "send_invoice", "unset": ["onError"]}, UnsetEdit),
        ({"insert_node": WAIT_NODE, "between": ["fetch_customer", "send_invoice"]}, InsertNodeEdit),
    ],
)
def test_parse_edit_shapes(obj, model):
    assert isinstance(parse_edit(obj), model)


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ("set config.to", "an edit is an object with one of set, unset, insert_node; got text"),
        ({"node": "send_invoice"}, "an edit has exactly one of set, unset, insert_node, found only node"),
        ({"node": "send_invoice", "set": {"a": 1}, "unset": ["b"]}, "found set, unset"),
        ({"node": "send_invoice", "set": {}}, "invalid set edit: set:"),
        ({"set": {"label": "x"}}, "invalid set edit: node: Field required"),
        ({"node": "send_invoice", "unset": "onError"}, "invalid unset edit: unset:"),
        ({"node": "send_invoice", "set": {"label": "x"}, "why": "typo"}, "why: Extra inputs are not permitted"),
    ],
)
def test_parse_edit_invalid_shape(obj, fragment):
    with pytest.raises(EditError) as caught:
        parse_edit(obj)

    assert fragment in caught.value.message
    assert caught.value.edit_index is None


def test_parse_edit_checks_path_syntax():
    with pytest.raises(PathSyntaxError) as caught:
        parse_edit({"node": "send_invoice", "unset": ["config..to"]})

    assert caught.value.node == "send_invoice"
    assert caught.value.position == 7


def test_build_patch_edits_not_a_list(workflow):
    with pytest.raises(EditError) as caught:
        build_patch(workflow, EMAIL_FIX)

    assert "edits is a list of edit objects, got an object" in caught.value.message


def test_build_patch_no_edits_gives_empty_patch(workflow):
    assert build_patch(workflow, []) == []
