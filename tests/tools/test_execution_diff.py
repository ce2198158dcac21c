import copy
import json

import pytest

from tools.execution_diff import (
    LIST_NOTE,
    diff_executions,
    diff_outputs,
    moved_keys,
    shape_of,
    split_path,
)
from tools.formats import Execution

ORDER = {"body": {"order_id": "ord_1001", "customer_id": "cus_42", "total": 129.5}}


def customer_response(body: dict) -> dict:
    return {"status_code": 200, "headers": {"content-type": "application/json"}, "body": body}


def order_run(execution_id: int, *, customer_body: dict, payload_status: str = "completed", version: int = 7) -> dict:
    """A run of order webhook -> fetch customer -> build payload."""
    payload = {
        "node_id": "build_payload",
        "node_type": "transform_set",
        "status": payload_status,
        "input": customer_response(customer_body),
        "sequence": 3,
    }
    if payload_status == "completed":
        payload["output"] = {"email": customer_body.get("email"), "total": ORDER["body"]["total"]}
    else:
        payload["error"] = {"message": "path fetch_customer.body.email not found"}
    return {
        "execution_id": execution_id,
        "workflow_id": "wf_orders",
        "workspace_id": "ws_acme",
        "workflow_version": version,
        "status": "completed" if payload_status == "completed" else "failed",
        "trigger_data": ORDER,
        "nodes": [
            {
                "node_id": "order_webhook",
                "node_type": "trigger_webhook",
                "status": "completed",
                "output": ORDER,
                "sequence": 1,
            },
            {
                "node_id": "fetch_customer",
                "node_type": "action_http_request",
                "status": "completed",
                "input": ORDER,
                "output": customer_response(customer_body),
                "sequence": 2,
            },
            payload,
        ],
    }


YESTERDAY_BODY = {"id": "cus_42", "name": "Ada Lovelace", "email": "ada@example.com", "total_spent": 1200}


def yesterday() -> dict:
    return order_run(811, customer_body=YESTERDAY_BODY)


def today(customer_body: dict, payload_status: str = "failed") -> dict:
    return order_run(812, customer_body=customer_body, payload_status=payload_status)


MOVED_BODY = {"id": "cus_42", "name": "Ada Lovelace", "contact": {"email": "ada@example.com"}, "total_spent": 1200}


def test_diff_moved_field_lists_removed_and_added_paths():
    result = diff_executions(yesterday(), today(MOVED_BODY)).node("fetch_customer")

    assert result.output.removed == [("body.email", "text")]
    assert result.output.added == [("body.contact", "object"), ("body.contact.email", "text")]
    assert result.output.type_changed == []


def test_diff_moved_field_summary_names_leaf_paths():
    lines = diff_executions(yesterday(), today(MOVED_BODY)).summary()

    assert "fetch_customer: output body.email removed; body.contact.email added (text)" in lines


def test_diff_type_change_reports_both_types():
    body = {**YESTERDAY_BODY, "total_spent": "1200.00"}

    result = diff_executions(yesterday(), today(body, payload_status="completed"))

    assert result.node("fetch_customer").output.type_changed == [("body.total_spent", "number", "text")]
    assert "fetch_customer: output body.total_spent changed from number to text" in result.summary()


def test_diff_type_change_hides_children_of_changed_path():
    before = customer_response(YESTERDAY_BODY)
    after = customer_response("<html>Service unavailable</html>")

    result = diff_outputs(before, after)

    assert result.type_changed == [("body", "object", "text")]
    assert result.removed == []


def test_diff_same_type_value_change_is_only_counted():
    body = {**YESTERDAY_BODY, "name": "Ada King", "total_spent": 1300}

    result = diff_executions(yesterday(), today(body, payload_status="completed"))

    assert result.node("fetch_customer").output.changed is False
    assert result.node("fetch_customer").output.values_changed == 2
    assert not any(line.startswith("fetch_customer") for line in result.summary())


def test_diff_status_change_summary_line():
    lines = diff_executions(yesterday(), today(MOVED_BODY)).summary()

    assert "build_payload: completed -> failed" in lines


def test_diff_failed_node_without_output_compares_status_only():
    result = diff_executions(yesterday(), today(MOVED_BODY))

    assert result.node("build_payload").output is None
    assert not any(line.startswith("build_payload: output") for line in result.summary())


def test_diff_null_output_reports_root_type():
    after = today(MOVED_BODY, payload_status="completed")
    after["nodes"][2]["output"] = None

    result = diff_executions(yesterday(), after)

    assert result.node("build_payload").output.type_changed == [("", "object", "null")]
    assert result.node("build_payload").output.removed == []
    assert "build_payload: output changed from object to null" in result.summary()


@pytest.mark.parametrize(
    ("drop_from", "expected_before", "expected_after", "expected_line"),
    [
        ("after", ["build_payload"], [], "build_payload: recorded only in execution 811 (before), as completed"),
        ("before", [], ["build_payload"], "build_payload: recorded only in execution 812 (after), as failed"),
    ],
)
def test_diff_node_only_in_one_run(drop_from, expected_before, expected_after, expected_line):
    runs = {"before": yesterday(), "after": today(MOVED_BODY)}
    runs[drop_from]["nodes"] = runs[drop_from]["nodes"][:2]

    result = diff_executions(runs["before"], runs["after"])

    assert result.only_in_before == expected_before
    assert result.only_in_after == expected_after
    assert expected_line in result.summary()
    assert result.to_dict()["nodes"][2]["output"] is None


def test_diff_lists_compared_by_first_element():
    before = {"items": [{"sku": "A-1", "qty": 1}, {"sku": "B-2", "qty": 2}]}
    after = {"items": [{"sku": "A-1", "quantity": 1}, {"sku": "B-2", "extra": True}, "odd"]}

    result = diff_outputs(before, after)

    assert result.removed == [("items[0].qty", "number")]
    assert result.added == [("items[0].quantity", "number")]


def test_diff_lists_summary_says_first_element_rule():
    before = yesterday()
    after = today(MOVED_BODY, payload_status="completed")
    before["nodes"][1]["output"]["body"]["orders"] = [{"id": "ord_1", "amount": 10}]
    after["nodes"][1]["output"]["body"]["orders"] = [{"id": "ord_1", "amount": "10.00"}]

    lines = diff_executions(before, after).summary()

    expected = (
        "fetch_customer: output body.email removed; body.contact.email added (text); "
        "body.orders[0].amount changed from number to text"
    )
    assert expected in lines
    assert lines[-1] == f"note: {LIST_NOTE}"


def test_diff_list_emptied_is_reported_without_element_paths():
    result = diff_outputs({"items": [{"sku": "A-1"}]}, {"items": []})

    assert result.emptied_lists == [("items", "after")]
    assert result.removed == []


def test_diff_reports_workflow_version_change():
    after = today(MOVED_BODY)
    after["workflow_version"] = 8

    lines = diff_executions(yesterday(), after).summary()

    assert lines[0] == "workflow version 7 -> 8"


def test_diff_identical_runs_have_one_summary_line():
    result = diff_executions(yesterday(), order_run(813, customer_body=YESTERDAY_BODY))

    assert result.summary() == ["no node changed its status or the shape of its output"]
    assert [node.changed for node in result.nodes] == [False, False, False]


def test_diff_different_workflows_raise():
    other = today(MOVED_BODY)
    other["workflow_id"] = "wf_invoices"

    with pytest.raises(ValueError, match='ran different workflows \\("wf_orders" and "wf_invoices"\\)'):
        diff_executions(yesterday(), other)


def test_diff_accepts_model_and_dict_alike():
    from_dicts = diff_executions(yesterday(), today(MOVED_BODY))
    from_models = diff_executions(Execution.model_validate(yesterday()), Execution.model_validate(today(MOVED_BODY)))

    assert from_dicts.to_dict() == from_models.to_dict()


def test_diff_uses_last_record_of_repeated_node():
    after = today(MOVED_BODY)
    retry = copy.deepcopy(after["nodes"][1])
    retry.update(status="failed", output=None, error={"message": "HTTP 503"}, attempt=1)
    after["nodes"].insert(1, retry)

    result = diff_executions(yesterday(), after)

    assert result.node("fetch_customer").status_after == "completed"


def test_diff_to_dict_is_json_with_notes():
    document = diff_executions(yesterday(), today(MOVED_BODY)).to_dict()

    assert json.loads(json.dumps(document)) == document
    assert document["before"] == {"execution_id": "811", "workflow_version": 7, "status": "completed"}
    assert document["notes"] == [LIST_NOTE]
    assert document["nodes"][1]["output"]["removed"] == [{"path": "body.email", "type": "text"}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {"": "null"}),
        (3, {"": "number"}),
        (2.5, {"": "number"}),
        (True, {"": "boolean"}),
        ("ok", {"": "text"}),
        ([], {"": "list"}),
        (
            {"body": {"email": "a@example.com", "items": [{"sku": "A-1"}, 7], "X-Trace": None}, "ok": False},
            {
                "": "object",
                "body": "object",
                "body.email": "text",
                "body.items": "list",
                "body.items[0]": "object",
                "body.items[0].sku": "text",
                'body["X-Trace"]': "null",
                "ok": "boolean",
            },
        ),
    ],
)
def test_shape_of_maps_paths_to_types(value, expected):
    assert shape_of(value) == expected


def test_shape_of_stops_at_max_depth():
    shape = shape_of({"a": {"b": {"c": {"d": 1}}}}, max_depth=2)

    assert shape == {"": "object", "a": "object", "a.b": "object"}


def test_shape_of_rejects_non_json_value():
    with pytest.raises(TypeError, match=r"expected JSON data, got a set at key path 'body\.tags'"):
        shape_of({"body": {"tags": {"a"}}})


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["body.email"], ["body.contact", "body.contact.email"], [("body.email", "body.contact.email")]),
        (["body.email"], ["body.phone"], []),
        (
            ["body.email", "body.phone"],
            ["data.phone", "data.email"],
            [("body.email", "data.email"), ("body.phone", "data.phone")],
        ),
        (
            ["body.email"],
            ["meta.owner.email", "body.contact.email"],
            [("body.email", "body.contact.email")],
        ),
        (
            ["body.address", "body.address.city", "body.address.zip"],
            ["body.billing", "body.billing.address", "body.billing.address.city", "body.billing.address.zip"],
            [("body.address", "body.billing.address")],
        ),
        (["items[0]"], ["rows[0]"], []),
        (["body.email", "customer.email"], ["body.contact.email"], [("body.email", "body.contact.email")]),
        (
            ['headers["X-Api-Version"]'],
            ['body.meta["X-Api-Version"]'],
            [('headers["X-Api-Version"]', 'body.meta["X-Api-Version"]')],
        ),
        ([], ["body.email"], []),
    ],
    ids=[
        "nested_move",
        "different_key",
        "two_moves",
        "closest_prefix_wins",
        "object_move_covers_children",
        "list_index_not_a_key",
        "added_path_used_once",
        "quoted_key",
        "nothing_removed",
    ],
)
def test_moved_keys_pairs_paths_by_last_key(removed, added, expected):
    assert moved_keys(removed, added) == expected


def test_moved_keys_from_diff_pairs_moved_email():
    output = diff_executions(yesterday(), today(MOVED_BODY)).node("fetch_customer").output

    pairs = moved_keys([path for path, _ in output.removed], [path for path, _ in output.added])

    assert pairs == [("body.email", "body.contact.email")]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", []),
        ("body.email", ["body", "email"]),
        ("items[0].sku", ["items", 0, "sku"]),
        ('headers["X-Api-Key"]', ["headers", "X-Api-Key"]),
        ('a["dot.ted"][2]', ["a", "dot.ted", 2]),
    ],
)
def test_split_path_reads_keys_and_indexes(path, expected):
    assert split_path(path) == expected


@pytest.mark.parametrize("path", [".body", "body..email", "items[0]sku", "body email", "a[x]"])
def test_split_path_rejects_malformed_path(path):
    with pytest.raises(ValueError, match="invalid key path"):
        split_path(path)
