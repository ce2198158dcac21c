"""Error messages and attributes: missing paths, key types, describe_value, closest_match, to_dict."""

import json
import pickle
from typing import Any

import pytest

from tools.expressions import (
    ExpressionTypeError,
    MissingPathError,
    UnknownFunctionError,
    describe_value,
    evaluate,
    parse_expression,
)
from tools.expressions.errors import closest_match

CUSTOMER_KEYS = ["address", "customer", "email", "id", "name", "score", "tags"]


def raise_missing_path(expression: str, context: dict[str, Any]) -> MissingPathError:
    with pytest.raises(MissingPathError) as raised:
        evaluate(expression, context)
    return raised.value


def test_missing_key_error_message_and_attributes(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.emial", context)

    assert str(error) == (
        'fetch_customer.body.emial: no key "emial" in fetch_customer.body (node fetch_customer); '
        'keys there: address, customer, email, id, name, score, tags; did you mean "email"?'
    )
    assert error.path == "fetch_customer.body.emial"
    assert error.node == "fetch_customer"
    assert error.root == "nodes"
    assert error.missing_key == "emial"
    assert error.at_path == "fetch_customer.body"
    assert error.available_keys == CUSTOMER_KEYS
    assert error.closest == "email"
    assert error.reason == "missing_key"


@pytest.mark.parametrize(
    ("expression", "closest"),
    [
        ("trigger.body.customerId", "customer_id"),
        ("trigger.body.CustomerID", "customer_id"),
        ("fetch_customer.body.Email", "email"),
        ("fetch_customer.body.nmae", "name"),
        ("fetch_customer.body.adress", "address"),
        ("fetch_customer.body.phone_number", None),
    ],
)
def test_missing_key_error_finds_closest_key(
    expression: str, closest: str | None, context: dict[str, Any]
) -> None:
    error = raise_missing_path(expression, context)

    assert error.closest == closest
    assert ("did you mean" in str(error)) is (closest is not None)


def test_missing_key_error_outside_nodes_has_no_node(context: dict[str, Any]) -> None:
    error = raise_missing_path("trigger.body.customerId", context)

    assert error.root == "trigger"
    assert error.node is None
    assert "(node" not in str(error)
    assert str(error).startswith('trigger.body.customerId: no key "customerId" in trigger.body; keys there: ')


def test_missing_key_error_keeps_bracket_path(context: dict[str, Any]) -> None:
    error = raise_missing_path("nodes['fetch-orders'].body.totl", context)

    assert str(error) == (
        "nodes['fetch-orders'].body.totl: no key \"totl\" in nodes['fetch-orders'].body (node fetch-orders); "
        'keys there: orders, total; did you mean "total"?'
    )
    assert error.node == "fetch-orders"
    assert error.root == "nodes"
    assert error.at_path == "nodes['fetch-orders'].body"


def test_missing_key_error_computed_key_at_path(context: dict[str, Any]) -> None:
    error = raise_missing_path("trigger.body.items[trigger.body.index].name", context)

    assert error.path == "trigger.body.items[trigger.body.index].name"
    assert error.at_path == "trigger.body.items[1]"
    assert error.available_keys == ["qty", "sku"]


def test_missing_key_error_in_empty_object_says_empty(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.headers.etag", context)

    assert str(error) == (
        'fetch_customer.headers.etag: no key "etag" in fetch_customer.headers (node fetch_customer); '
        "fetch_customer.headers is an empty object"
    )
    assert error.available_keys == []


def test_missing_key_error_lists_at_most_thirty_keys() -> None:
    context = {"trigger": {"body": {f"field_{number:02d}": number for number in range(40)}}}

    error = raise_missing_path("trigger.body.zzz", context)

    assert "field_29 and 10 more" in str(error)
    assert len(error.available_keys) == 40


@pytest.mark.parametrize(
    ("expression", "message", "length"),
    [
        (
            "trigger.body.items[5]",
            (
                "trigger.body.items[5]: index 5 is out of range, trigger.body.items is a list of length 2, "
                "so indexes run from 0 to 1"
            ),
            2,
        ),
        (
            "fetch_customer.body.tags[-1]",
            (
                "fetch_customer.body.tags[-1]: index -1 is out of range, fetch_customer.body.tags (node fetch_customer) "
                "is a list of length 2, so indexes run from 0 to 1"
            ),
            2,
        ),
        (
            "empty.list[0]",
            "empty.list[0]: index 0 is out of range, empty.list (node empty) is a list of length 0",
            0,
        ),
        (
            "single.list[1]",
            (
                "single.list[1]: index 1 is out of range, single.list (node single) is a list of length 1, "
                "so the only index is 0"
            ),
            1,
        ),
        (
            "trigger.body.tags[20]",
            (
                "trigger.body.tags[20]: index 20 is out of range, trigger.body.tags is text of length 9, "
                "so indexes run from 0 to 8"
            ),
            9,
        ),
    ],
)
def test_index_out_of_range_error_says_length(
    expression: str, message: str, length: int, context: dict[str, Any]
) -> None:
    context["nodes"]["empty"] = {"list": []}
    context["nodes"]["single"] = {"list": ["only"]}

    error = raise_missing_path(expression, context)

    assert str(error) == message
    assert error.length == length
    assert error.reason == "index_out_of_range"


def test_null_error_says_what_is_null(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.customer.email", context)

    assert str(error) == (
        "fetch_customer.body.customer.email: fetch_customer.body.customer is null (node fetch_customer), "
        'cannot read "email"'
    )
    assert error.reason == "null"
    assert error.at_path == "fetch_customer.body.customer"
    assert error.missing_key == "email"


def test_null_error_on_index_names_index(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.address.zip[0]", context)

    assert str(error).endswith(
        "fetch_customer.body.address.zip is null (node fetch_customer), cannot read index 0"
    )
    assert error.missing_key == 0


def test_not_an_object_error_on_list_suggests_index(context: dict[str, Any]) -> None:
    error = raise_missing_path("trigger.body.items.sku", context)

    assert str(error) == (
        'trigger.body.items.sku: trigger.body.items is a list of 2 items, cannot read "sku"; '
        "to read it from an item, index the list first, as in trigger.body.items[0].sku"
    )
    assert error.reason == "not_an_object"
    assert error.length == 2


def test_not_an_object_error_on_number_describes_number(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.score.value", context)

    assert str(error) == (
        "fetch_customer.body.score.value: fetch_customer.body.score is the number 7.5 (node fetch_customer), "
        'cannot read "value"'
    )


def test_unknown_node_error_lists_nodes_and_closest(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_custmer.body.email", context)

    assert str(error) == (
        'fetch_custmer.body.email: no node "fetch_custmer" in the run context (no node has that id, or it was '
        "skipped or has not run yet); nodes there: fetch-orders, fetch_customer, loop_items, order_hook, trigger; "
        'did you mean "fetch_customer"?'
    )
    assert error.reason == "unknown_node"
    assert error.node == "fetch_custmer"
    assert error.root == "nodes"
    assert error.missing_key == "fetch_custmer"
    assert error.available_keys == ["fetch-orders", "fetch_customer", "loop_items", "order_hook", "trigger"]
    assert error.closest == "fetch_customer"


def test_unknown_node_error_for_hyphenated_id_suggests_brackets(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch-orders.body.total", context)

    assert error.closest == "fetch-orders"
    assert "An id with \"-\" must be written as nodes['fetch-orders']" in str(error)


def test_unknown_node_error_through_nodes_brackets(context: dict[str, Any]) -> None:
    error = raise_missing_path("nodes['fetch-order'].body", context)

    assert error.path == "nodes['fetch-order'].body"
    assert error.node == "fetch-order"
    assert error.closest == "fetch-orders"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "trigger.body[true]",
            "trigger.body[true]: cannot read the boolean true from trigger.body, a key must be text or a number",
        ),
        (
            "trigger.body.items[1.5]",
            (
                "trigger.body.items[1.5]: cannot read the number 1.5 from trigger.body.items, a key must be an index, "
                "a whole number"
            ),
        ),
        (
            "trigger.body[null]",
            "trigger.body[null]: cannot read null from trigger.body, a key must be text or a number",
        ),
    ],
)
def test_key_of_wrong_type_raises_type_error(expression: str, message: str, context: dict[str, Any]) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context)

    assert str(raised.value) == message


def test_missing_path_to_dict_is_json_ready(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.emial", context)

    data = error.to_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["code"] == "missing_path"
    assert data["expression"] == "fetch_customer.body.emial"
    assert data["closest"] == "email"
    assert data["available_keys"] == CUSTOMER_KEYS
    assert data["field"] is None


def test_missing_path_error_survives_pickling(context: dict[str, Any]) -> None:
    error = raise_missing_path("fetch_customer.body.emial", context)

    restored = pickle.loads(pickle.dumps(error))

    assert type(restored) is MissingPathError
    assert str(restored) == str(error)
    assert restored.to_dict() == error.to_dict()


def test_type_error_to_dict_has_expected_and_got() -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate("length(5)", {})

    data = raised.value.to_dict()

    assert data["code"] == "type_mismatch"
    assert data["expected"] == "text, a list or an object"
    assert data["got"] == "the number 5"
    assert data["function"] == "length"
    assert data["argument"] == 1


def test_unknown_function_to_dict_has_name_and_known() -> None:
    with pytest.raises(UnknownFunctionError) as raised:
        parse_expression("lenght(x)")

    data = raised.value.to_dict()

    assert data["code"] == "unknown_function"
    assert data["name"] == "lenght"
    assert data["closest"] == "length"
    assert "length" in data["known"]


@pytest.mark.parametrize(
    ("value", "description"),
    [
        (None, "null"),
        (True, "the boolean true"),
        (False, "the boolean false"),
        (5, "the number 5"),
        (2.5, "the number 2.5"),
        (3.0, "the number 3"),
        ("", "empty text"),
        ("abc", 'text "abc"'),
        ('say "hi"', 'text "say \\"hi\\""'),
        ("x" * 50, 'text "' + "x" * 40 + '..." (50 characters)'),
        ([], "an empty list"),
        ([1], "a list of 1 item"),
        ([1, 2, 3], "a list of 3 items"),
        ({}, "an empty object"),
        ({"a": 1}, "an object with key a"),
        ({"total": 1, "items": []}, "an object with keys items, total"),
        ({"data": [], "total": 3}, "an object with keys data, total"),
        (
            {f"k{number:02d}": number for number in range(12)},
            "an object with keys k00, k01, k02, k03, k04, k05, k06, k07, k08, k09 and 2 more",
        ),
    ],
)
def test_describe_value_describes_briefly(value: Any, description: str) -> None:
    assert describe_value(value) == description


def test_describe_value_fits_loop_error_message() -> None:
    message = f"expected a list at trigger.body.items, got {describe_value({'data': [], 'total': 0})}"

    assert message == "expected a list at trigger.body.items, got an object with keys data, total"


@pytest.mark.parametrize(
    ("word", "candidates", "closest"),
    [
        ("emial", ["email", "name"], "email"),
        ("customerId", ["customer_id", "customer"], "customer_id"),
        ("CUSTOMER_ID", ["customer_id"], "customer_id"),
        ("customer-id", ["customer_id"], "customer_id"),
        ("nme", ["name"], "name"),
        ("id", ["ids"], "ids"),
        ("ab", ["id"], None),
        ("zzzzzz", ["email"], None),
        ("adress", ["address", "addresses"], "address"),
        ("cat", ["hat", "bat"], "bat"),
        ("", ["a"], None),
        ("x", [], None),
    ],
)
def test_closest_match_prefers_case_and_separator_variants(
    word: str, candidates: list[str], closest: str | None
) -> None:
    assert closest_match(word, candidates) == closest
