import copy
import json

import pytest

from tools.compact import json_size
from tools.formats import Execution
from tools.time_travel import REDACTED, RedactedCredentials, snapshot

ORDER = {"body": {"order_id": "ord_1001", "customer_id": "cus_42", "total": 129.5}}
CUSTOMER_RESPONSE = {
    "status_code": 200,
    "headers": {"content-type": "application/json"},
    "body": {"id": "cus_42", "name": "Ada Lovelace", "email": "ada@example.com"},
}


def order_definition() -> dict:
    return {
        "nodes": [
            {"id": "order_webhook", "type": "trigger_webhook", "data": {"config": {"path": "/orders"}}},
            {
                "id": "fetch_customer",
                "type": "action_http_request",
                "data": {
                    "config": {
                        "method": "GET",
                        "url": "https://crm.example.com/customers/{{ trigger.body.customer_id }}",
                    }
                },
            },
            {
                "id": "build_payload",
                "type": "transform_set",
                "data": {"config": {"values": {"email": "{{ fetch_customer.body.emial }}"}}},
            },
        ],
        "edges": [
            {"source": "order_webhook", "target": "fetch_customer"},
            {"source": "fetch_customer", "target": "build_payload"},
        ],
    }


def order_execution() -> dict:
    """A failed run of order webhook -> fetch customer -> build payload, with records out of order."""
    return {
        "execution_id": 812,
        "workflow_id": "wf_orders",
        "workspace_id": "ws_acme",
        "workflow_version": 7,
        "workflow": {"version": 7, "name": "Orders to CRM", "definition": order_definition()},
        "status": "failed",
        "trigger_data": ORDER,
        "started_at": "2026-03-01T09:30:00Z",
        "nodes": [
            {
                "node_id": "build_payload",
                "node_type": "transform_set",
                "status": "failed",
                "input": CUSTOMER_RESPONSE,
                "error": {"message": "path fetch_customer.body.emial not found", "code": "EXPRESSION_ERROR"},
                "sequence": 3,
            },
            {
                "node_id": "order_webhook",
                "node_type": "trigger_webhook",
                "status": "completed",
                "input": None,
                "output": ORDER,
                "sequence": 1,
            },
            {
                "node_id": "fetch_customer",
                "node_type": "action_http_request",
                "node_name": "Fetch customer",
                "status": "completed",
                "input": ORDER,
                "output": CUSTOMER_RESPONSE,
                "sequence": 2,
                "attempt": 1,
            },
        ],
        "error": {"message": "build_payload failed", "failed_node": "build_payload"},
    }


def loop_definition() -> dict:
    return {
        "nodes": [
            {"id": "order_webhook", "type": "trigger_webhook"},
            {"id": "each_line", "type": "logic_loop", "data": {"config": {"items": "{{ trigger.body.lines }}"}}},
            {
                "id": "fetch_product",
                "type": "action_http_request",
                "data": {"config": {"url": "https://shop.example.com/p"}},
            },
            {"id": "build_line", "type": "transform_set"},
        ],
        "edges": [
            {"source": "order_webhook", "target": "each_line"},
            {"source": "each_line", "target": "fetch_product"},
            {"source": "fetch_product", "target": "build_line"},
        ],
    }


def loop_execution(*, with_definition: bool = True, batch_size: int | None = None) -> dict:
    lines = [{"sku": "A-1"}, {"sku": "B-2"}, {"sku": "C-3"}]
    definition = loop_definition()
    if batch_size is not None:
        definition["nodes"][1]["data"]["config"]["batch_size"] = batch_size
    execution = {
        "execution_id": "ex_900",
        "workflow_id": "wf_lines",
        "workspace_id": "ws_acme",
        "status": "failed",
        "trigger_data": {"body": {"lines": lines}},
        "nodes": [
            {
                "node_id": "order_webhook",
                "node_type": "trigger_webhook",
                "status": "completed",
                "output": {"body": {"lines": lines}},
                "sequence": 1,
            },
            {
                "node_id": "each_line",
                "node_type": "logic_loop",
                "status": "completed",
                "output": {"items": lines, "count": 3},
                "sequence": 2,
            },
            {
                "node_id": "fetch_product",
                "node_type": "action_http_request",
                "status": "completed",
                "output": {"status_code": 200, "body": {"sku": "C-3"}},
                "sequence": 3,
            },
            {
                "node_id": "build_line",
                "node_type": "transform_set",
                "status": "failed",
                "error": {"message": "price missing"},
                "sequence": 4,
            },
        ],
    }
    if with_definition:
        execution["workflow"] = {"version": 2, "definition": definition}
    return execution


@pytest.mark.parametrize(
    ("point", "expected_nodes", "expected_not_yet_run", "expected_current", "expected_moment"),
    [
        ({"at_node": "order_webhook"}, [], ["fetch_customer", "build_payload"], "order_webhook", "before_run"),
        ({"at_node": "fetch_customer"}, ["order_webhook"], ["build_payload"], "fetch_customer", "before_run"),
        ({"at_node": "build_payload"}, ["order_webhook", "fetch_customer"], [], "build_payload", "before_run"),
        ({"at_sequence": 1}, ["order_webhook"], ["fetch_customer", "build_payload"], "order_webhook", "after_record"),
        ({"at_sequence": 2}, ["order_webhook", "fetch_customer"], ["build_payload"], "fetch_customer", "after_record"),
    ],
)
def test_snapshot_splits_recording_at_point(
    point, expected_nodes, expected_not_yet_run, expected_current, expected_moment
):
    result = snapshot(order_execution(), **point)

    assert list(result.nodes) == expected_nodes
    assert result.not_yet_run == expected_not_yet_run
    assert result.current["node_id"] == expected_current
    assert result.point["moment"] == expected_moment


def test_snapshot_at_first_node():
    result = snapshot(order_execution(), at_node="order_webhook")

    assert result.trigger == ORDER
    assert result.nodes == {}
    assert result.current["status"] == "completed"
    assert result.current["input"] is None


def test_snapshot_at_failed_node():
    result = snapshot(order_execution(), at_node="build_payload")

    assert result.current["status"] == "failed"
    assert result.current["input"] == CUSTOMER_RESPONSE
    assert result.current["error"] == {
        "message": "path fetch_customer.body.emial not found",
        "code": "EXPRESSION_ERROR",
    }
    assert result.nodes["fetch_customer"] == {
        "status": "completed",
        "input": ORDER,
        "output": CUSTOMER_RESPONSE,
        "error": None,
    }


def test_snapshot_by_sequence_includes_that_node_in_nodes():
    result = snapshot(order_execution(), at_sequence=2)

    assert result.point == {"node_id": "fetch_customer", "sequence": 2, "moment": "after_record"}
    assert result.nodes["fetch_customer"]["output"] == CUSTOMER_RESPONSE
    assert result.context()["fetch_customer"] == CUSTOMER_RESPONSE


def test_snapshot_at_node_excludes_own_output():
    result = snapshot(order_execution(), at_node="fetch_customer")

    assert "fetch_customer" not in result.context()


def test_snapshot_records_metadata_of_workflow_and_execution():
    result = snapshot(order_execution(), at_node="build_payload")

    assert result.workflow == {"id": "wf_orders", "version": 7, "name": "Orders to CRM"}
    assert result.execution == {"id": "812", "workspace_id": "ws_acme", "started_at": "2026-03-01T09:30:00Z"}


def test_snapshot_accepts_model_and_dict_alike():
    from_dict = snapshot(order_execution(), at_node="build_payload", env={"CRM_URL": "https://crm.example.com"})
    from_model = snapshot(
        Execution.model_validate(order_execution()), at_node="build_payload", env={"CRM_URL": "https://crm.example.com"}
    )

    assert from_dict == from_model


def test_snapshot_unsequenced_records_come_last():
    execution = order_execution()
    execution["nodes"].append({"node_id": "notify_sales", "node_type": "action_slack_message", "status": "skipped"})
    execution["nodes"][0]["sequence"] = None

    result = snapshot(execution, at_node="notify_sales")

    assert list(result.nodes) == ["order_webhook", "fetch_customer", "build_payload"]


def test_snapshot_keeps_last_record_of_repeated_node():
    execution = order_execution()
    first_attempt = {
        "node_id": "fetch_customer",
        "node_type": "action_http_request",
        "status": "failed",
        "error": {"message": "HTTP 503"},
        "sequence": 2,
        "attempt": 1,
    }
    execution["nodes"].insert(0, first_attempt)
    execution["nodes"][3]["attempt"] = 2

    at_node = snapshot(execution, at_node="fetch_customer")
    later = snapshot(execution, at_node="build_payload")

    assert at_node.current["attempt"] == 2
    assert "fetch_customer" not in at_node.nodes
    assert later.nodes["fetch_customer"]["status"] == "completed"


def test_snapshot_does_not_share_data_with_recording():
    execution = order_execution()
    result = snapshot(execution, at_node="build_payload")

    execution["nodes"][2]["output"]["body"]["email"] = "changed@example.com"

    assert result.nodes["fetch_customer"]["output"]["body"]["email"] == "ada@example.com"


def test_snapshot_unknown_node_names_recorded_nodes_and_closest():
    with pytest.raises(ValueError) as caught:
        snapshot(order_execution(), at_node="fetch_custmer")

    message = str(caught.value)
    assert 'node "fetch_custmer" is not in the recording of execution 812' in message
    assert "recorded nodes: order_webhook, fetch_customer, build_payload" in message
    assert 'closest: "fetch_customer"' in message


def test_snapshot_node_in_workflow_but_unrecorded_says_so():
    execution = order_execution()
    execution["nodes"] = [record for record in execution["nodes"] if record["node_id"] != "build_payload"]

    with pytest.raises(ValueError, match="the workflow has this node, but the run never recorded it"):
        snapshot(execution, at_node="build_payload")


@pytest.mark.parametrize("sequence", [0, 4, -1, 100])
def test_snapshot_sequence_out_of_range_names_range(sequence):
    with pytest.raises(ValueError, match=rf"sequence {sequence} is outside the range 1\.\.3 recorded by execution 812"):
        snapshot(order_execution(), at_sequence=sequence)


def test_snapshot_sequence_gap_names_recorded_sequences():
    execution = order_execution()
    execution["nodes"][0]["sequence"] = 5

    with pytest.raises(ValueError, match="has no record with sequence 3; recorded sequences: 1, 2, 5"):
        snapshot(execution, at_sequence=3)


def test_snapshot_without_sequences_points_to_at_node():
    execution = order_execution()
    for record in execution["nodes"]:
        del record["sequence"]

    with pytest.raises(ValueError, match="records no sequence numbers"):
        snapshot(execution, at_sequence=1)


@pytest.mark.parametrize("point", [{}, {"at_node": "fetch_customer", "at_sequence": 2}])
def test_snapshot_needs_exactly_one_point(point):
    with pytest.raises(ValueError, match="pass exactly one of at_node or at_sequence"):
        snapshot(order_execution(), **point)


def test_snapshot_without_loop_has_no_note():
    assert snapshot(order_execution(), at_node="build_payload").note is None


def test_snapshot_in_loop_body_notes_last_iteration():
    result = snapshot(loop_execution(), at_node="build_line")

    assert "build_line runs inside loop each_line: its record is the last iteration only" in result.note
    assert "The records of loop body nodes fetch_product are their last iteration only." in result.note
    assert "each_line.item and each_line.index are those of the last iteration (index 2)" in result.note
    assert "inferred" not in result.note


def test_snapshot_in_loop_body_without_definition_infers_loop():
    result = snapshot(loop_execution(with_definition=False), at_node="build_line")

    assert "build_line runs inside loop each_line" in result.note
    assert "inferred from the recording order" in result.note


def test_snapshot_at_loop_node_itself_has_no_note():
    assert snapshot(loop_execution(), at_node="each_line").note is None


@pytest.mark.parametrize(
    ("batch_size", "expected_item", "expected_index"),
    [
        (None, {"sku": "C-3"}, 2),
        (1, {"sku": "C-3"}, 2),
        (2, [{"sku": "C-3"}], 1),
        (3, [{"sku": "A-1"}, {"sku": "B-2"}, {"sku": "C-3"}], 0),
    ],
)
def test_snapshot_context_gives_loop_last_iteration(batch_size, expected_item, expected_index):
    context = snapshot(loop_execution(batch_size=batch_size), at_node="build_line").context()

    assert context["each_line"]["item"] == expected_item
    assert context["each_line"]["index"] == expected_index
    assert context["each_line"]["count"] == 3


def test_context_has_every_root():
    result = snapshot(order_execution(), at_node="build_payload", env={"CRM_URL": "https://crm.example.com"})

    context = result.context()

    assert set(context) == {"trigger", "env", "credential", "workflow", "execution", "order_webhook", "fetch_customer"}
    assert context["trigger"] == ORDER
    assert context["env"] == {"CRM_URL": "https://crm.example.com"}
    assert context["workflow"]["id"] == "wf_orders"
    assert context["execution"]["id"] == "812"
    assert context["fetch_customer"] == CUSTOMER_RESPONSE


def test_context_maps_unrecorded_trigger_node_to_trigger_data():
    execution = order_execution()
    execution["nodes"] = [record for record in execution["nodes"] if record["node_id"] != "order_webhook"]

    context = snapshot(execution, at_node="fetch_customer").context()

    assert context["order_webhook"] == ORDER


def test_context_roots_win_over_node_with_same_id():
    execution = order_execution()
    execution["nodes"][1]["node_id"] = "env"
    execution["workflow"] = None

    context = snapshot(execution, at_node="build_payload", env={"REGION": "eu"}).context()

    assert context["env"] == {"REGION": "eu"}


def test_context_without_env_gives_empty_env():
    assert snapshot(order_execution(), at_node="build_payload").context()["env"] == {}


@pytest.mark.parametrize("name", ["crm_token", "stripe_live", "any-name", ""])
def test_credential_mapping_masks_every_name(name):
    credentials = snapshot(order_execution(), at_node="build_payload").context()["credential"]

    assert credentials[name] == REDACTED
    assert credentials.get(name) == REDACTED
    assert name in credentials


def test_credential_mapping_lists_no_names():
    credentials = RedactedCredentials()

    assert list(credentials) == []
    assert len(credentials) == 0
    assert 42 not in credentials


def test_credential_mapping_rejects_non_text_name():
    with pytest.raises(KeyError):
        RedactedCredentials()[0]


def test_to_dict_without_budget_is_complete():
    result = snapshot(order_execution(), at_node="build_payload")

    document = result.to_dict()

    assert document["truncated"] is False
    assert document["nodes"]["fetch_customer"]["output"] == CUSTOMER_RESPONSE
    assert document["current"]["node_id"] == "build_payload"
    assert json.loads(json.dumps(document)) == document


def test_to_dict_with_large_budget_cuts_nothing():
    document = snapshot(order_execution(), at_node="build_payload").to_dict(max_bytes=100_000)

    assert document == snapshot(order_execution(), at_node="build_payload").to_dict()


@pytest.mark.parametrize("max_bytes", [400, 1000, 3000])
def test_to_dict_with_budget_truncates_within_it(max_bytes):
    execution = order_execution()
    big_body = {"customers": [{"id": f"cus_{index}", "note": "x" * 300} for index in range(200)]}
    execution["nodes"][2]["output"] = {"status_code": 200, "body": big_body}

    document = snapshot(execution, at_node="build_payload").to_dict(max_bytes=max_bytes)

    assert document["truncated"] is True
    assert json_size(document) <= max_bytes


def test_to_dict_with_budget_keeps_sections():
    execution = order_execution()
    execution["nodes"][2]["output"] = {"status_code": 200, "body": {"rows": list(range(5000))}}

    document = snapshot(execution, at_node="build_payload").to_dict(max_bytes=2000)

    assert list(document) == [
        "truncated",
        "workflow",
        "execution",
        "point",
        "current",
        "note",
        "trigger",
        "nodes",
        "not_yet_run",
        "variables",
        "loop_iterations",
    ]
    assert document["nodes"]["fetch_customer"]["output"]["body"]["rows"][-1] == {"truncated": True, "items_total": 5000}


def test_to_dict_does_not_share_data_with_snapshot():
    result = snapshot(order_execution(), at_node="build_payload")
    original = copy.deepcopy(result.nodes)

    result.to_dict()["nodes"]["fetch_customer"]["output"]["body"]["email"] = "changed@example.com"

    assert result.nodes == original
