"""Evaluation: truthiness, `+`, strict comparisons, arithmetic, access and how names resolve."""

from datetime import datetime
from typing import Any

import pytest

from tools.expressions import ExpressionTypeError, MissingPathError, evaluate


def assert_same_value(result: Any, expected: Any) -> None:
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (False, "falsy"),
        (None, "falsy"),
        (0, "falsy"),
        (0.0, "falsy"),
        (float("nan"), "falsy"),
        ("", "falsy"),
        (True, "truthy"),
        (1, "truthy"),
        (-0.5, "truthy"),
        ("0", "truthy"),
        ("false", "truthy"),
        (" ", "truthy"),
        ([], "truthy"),
        ({}, "truthy"),
    ],
)
def test_evaluate_condition_uses_javascript_truthiness(value: Any, expected: str) -> None:
    context = {"nodes": {"probe": value}}

    assert evaluate("probe ? 'truthy' : 'falsy'", context) == expected
    assert evaluate("!probe", context) is (expected == "falsy")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0 || 'x'", "x"),
        ("'a' || 'b'", "a"),
        ("'' && 'b'", ""),
        ("1 && 'b'", "b"),
        ("0 && 'b'", 0),
        ("null && missing_node.body", None),
        ("true || missing_node.body", True),
        ("fetch_customer.body && fetch_customer.body.name", "Ada Lovelace"),
        ("fetch_customer.body.customer || 'none'", "none"),
        ("trigger.body.note || 'no note'", "no note"),
    ],
)
def test_evaluate_logical_operators_return_operand(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("trigger.body.nickname || 'anon'", "anon"),
        ("trigger.body.nick || trigger.body.alias || 'anon'", "anon"),
        ("!trigger.body.nickname", True),
        ("trigger.body.nickname ? 1 : 2", 2),
        ("trigger.body.nickname && trigger.body.nickname.first", None),
        ("trigger.body.items[9] || 'none'", "none"),
        ("skipped_node || 'none'", "none"),
        ("nodes['skipped-node'] || 'none'", "none"),
        ("(trigger.body.a || trigger.body.b) ? 'set' : 'unset'", "unset"),
    ],
)
def test_tested_path_missing_key_reads_null(expression: str, expected: Any, context: dict[str, Any]) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "missing_key"),
    [
        ("trigger.body.profile.nick || 'anon'", "profile"),
        ("'' || trigger.body.nickname", "nickname"),
        ("trigger.body.nickname == null", "nickname"),
        ("skipped_node.body || 'none'", "skipped_node"),
    ],
)
def test_evaluate_untested_or_inner_missing_key_still_raises(
    expression: str, missing_key: str, context: dict[str, Any]
) -> None:
    with pytest.raises(MissingPathError) as raised:
        evaluate(expression, context)

    assert raised.value.missing_key == missing_key


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'a' + 'b'", "ab"),
        ("'n: ' + trigger.body.ratio", "n: 3"),
        ("'n: ' + fetch_customer.body.score", "n: 7.5"),
        ("'x' + null", "xnull"),
        ("null + 'x'", "nullx"),
        ("'x' + true", "xtrue"),
        ("'x' + 0.000001", "x0.000001"),
        ("'x' + 1e-7", "x1e-7"),
        ("'x' + 1e21", "x1e+21"),
        ("'x' + fetch_customer.body.tags", "xa,b"),
        ("'x' + fetch_customer.body.address", "x[object Object]"),
        ("trigger.body.customer_id + ''", "42"),
        ("1 + 2", 3),
        ("0.1 + 0.2", 0.30000000000000004),
        ("1.5 + 1.5", 3),
        ("trigger.body.ratio + 1", 4),
    ],
)
def test_evaluate_plus_joins_text_or_adds_numbers(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "got"),
    [
        ("null + 1", "null and the number 1"),
        ("true + 1", "the boolean true and the number 1"),
        ("fetch_customer.body.tags + 1", "a list of 2 items and the number 1"),
        (
            "fetch_customer.body.address + fetch_customer.body.address",
            "an object with keys city, zip and an object with keys city, zip",
        ),
    ],
)
def test_evaluate_plus_without_text_or_numbers_raises(
    expression: str, got: str, context: dict[str, Any]
) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context)

    assert raised.value.got == got
    assert str(raised.value) == f'{expression}: "+" adds two numbers or joins text, got {got}'


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 == '1'", False),
        ("1 === '1'", False),
        ("1 != '1'", True),
        ("1 !== '1'", True),
        ("1 == 1", True),
        ("trigger.body.ratio == 3", True),
        ("'a' == 'a'", True),
        ("'a' != 'a'", False),
        ("true == 1", False),
        ("false == 0", False),
        ("null == false", False),
        ("null == ''", False),
        ("null === null", True),
        ("'' == 0", False),
        ("trigger.body.tag_list == fetch_customer.body.tags", True),
        ("trigger.body.items == fetch_customer.body.tags", False),
        ("fetch_customer.body.address == fetch_customer.body.address", True),
        ("fetch_customer.body.address == trigger.body.flags", False),
        ("trigger.body.customer_id === fetch_customer.body.id", True),
    ],
)
def test_evaluate_equality_is_strict(expression: str, expected: bool, context: dict[str, Any]) -> None:
    assert evaluate(expression, context) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 < 10", True),
        ("'2' < '10'", False),
        ("'apple' < 'banana'", True),
        ("3 >= 3", True),
        ("3 <= 2.5", False),
        ("2.5 > 2", True),
        ("'2026-03-02' > '2026-03-01'", True),
    ],
)
def test_evaluate_relation_compares_numbers_or_texts(expression: str, expected: bool) -> None:
    assert evaluate(expression, {}) is expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "trigger.body.amount > 10",
            (
                'trigger.body.amount > 10: ">" compares two numbers or two texts, got text "19.90" and the number 10; '
                "convert text with toNumber()"
            ),
        ),
        ("null < 1", 'null < 1: "<" compares two numbers or two texts, got null and the number 1'),
    ],
)
def test_evaluate_relation_of_mixed_kinds_raises(
    expression: str, message: str, context: dict[str, Any]
) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context)

    assert str(raised.value) == message
    assert raised.value.expected == "two numbers or two texts"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("7 / 2", 3.5),
        ("6 / 3", 2),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("7 % -3", 1),
        ("7.5 % 2", 1.5),
        ("2 * 3.5", 7),
        ("10 - 0.5", 9.5),
        ("-trigger.body.customer_id", -42),
        ("9007199254740992 * 2", 18014398509481984.0),
    ],
)
def test_evaluate_arithmetic_follows_javascript_numbers(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("1 / 0", "1 / 0: division by zero; JavaScript would give Infinity or NaN, which JSON cannot hold"),
        (
            "5 % (trigger.body.customer_id - 42)",
            (
                "5 % (trigger.body.customer_id - 42): division by zero, because (trigger.body.customer_id - 42) is 0; "
                "JavaScript would give Infinity or NaN, which JSON cannot hold"
            ),
        ),
    ],
)
def test_evaluate_division_by_zero_raises(expression: str, message: str, context: dict[str, Any]) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context)

    assert str(raised.value) == message
    assert raised.value.expected == "a non-zero divisor"
    assert raised.value.got == "the number 0"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "trigger.body.amount * 2",
            (
                'trigger.body.amount * 2: expected a number on the left of "*", got text "19.90"; '
                "convert text with toNumber()"
            ),
        ),
        ("2 - null", '2 - null: expected a number on the right of "-", got null'),
        (
            "-trigger.body.tags",
            '-trigger.body.tags: expected a number after "-", got text "red,green"; convert text with toNumber()',
        ),
        ("1e308 * 10", "1e308 * 10: the result is too large for a number, and JSON cannot hold Infinity"),
    ],
)
def test_evaluate_arithmetic_on_non_numbers_raises(
    expression: str, message: str, context: dict[str, Any]
) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context)

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("trigger.body['odd keys']['c-d']", "dashed"),
        ('trigger.body["odd keys"]["with space"]', "spaced"),
        ("trigger.body['odd keys']['it\\'s']", "quoted"),
        ("trigger.body.items[0]['sku']", "A-1"),
        ("trigger.body.items[trigger.body.index].sku", "B-7"),
        ("trigger.body.items['1'].qty", 1),
        ("trigger.body[trigger.body.field + '']", None),
        ("trigger.body.codes[200]", "ok"),
        ("trigger.body.flags.true", "a key named true"),
        ("trigger.body.items.length", 2),
        ("trigger.body.tags.length", 9),
        ("trigger.body.tags[0]", "r"),
        ("'abc'[1]", "b"),
        ("(trigger.body).items[1].sku", "B-7"),
        ("jsonParse('{\"a\": {\"b-c\": [10, 20]}}').a['b-c'][1]", 20),
        ("headers['X-Request-Id']", None),
    ],
)
def test_evaluate_reads_dotted_and_bracket_access(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    context["nodes"]["headers"] = {"X-Request-Id": None}
    context["trigger"]["body"]["email"] = None

    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("trigger.body.customer_id", 42),
        ("nodes['trigger'].body", "a node whose id is trigger"),
        ("nodes.trigger.body", "a node whose id is trigger"),
        ("env.API_URL", "https://api.example.com"),
        ("workflow.id", "wf_orders"),
        ("execution.id", 812),
        ("credential.crm_token", "[REDACTED]"),
        ("credential['any-name']", "[REDACTED]"),
        ("fetch_customer.status_code", 200),
        ("nodes['fetch-orders'].body.total", 2),
        ("nodes.fetch_customer.body.id", 42),
        ("order_hook.body.customer_id", 42),
        ("loop_items.item.sku", "B-7"),
        ("loop_items.index", 1),
        ("item_count", 5),
        ("length(nodes)", 5),
    ],
)
def test_evaluate_resolves_roots_and_node_ids(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    assert_same_value(evaluate(expression, context), expected)


def test_evaluate_node_id_wins_over_top_level_key(context: dict[str, Any]) -> None:
    context["fetch_customer"] = {"status_code": 500}

    assert evaluate("fetch_customer.status_code", context) == 200


def test_evaluate_absent_reserved_root_reads_as_empty_object() -> None:
    with pytest.raises(MissingPathError) as raised:
        evaluate("env.API_URL", {"nodes": {}})

    assert str(raised.value) == 'env.API_URL: no key "API_URL" in env; env is an empty object'
    assert raised.value.root == "env"


def test_evaluate_context_without_nodes_reports_no_output() -> None:
    with pytest.raises(MissingPathError) as raised:
        evaluate("fetch_customer.body", {})

    assert "no node has output yet" in str(raised.value)


def test_evaluate_context_not_mapping_raises() -> None:
    with pytest.raises(TypeError, match="the evaluation context must be a mapping, got list"):
        evaluate("1", [])  # type: ignore[arg-type]


def test_evaluate_nodes_not_mapping_raises() -> None:
    with pytest.raises(
        TypeError, match=r'context\["nodes"\] must map node ids to outputs, got a list of 1 item'
    ):
        evaluate("1", {"nodes": ["x"]})


def test_evaluate_naive_clock_raises() -> None:
    with pytest.raises(ValueError, match="the clock must be timezone-aware"):
        evaluate("now()", {}, now=datetime(2026, 3, 1, 9, 30))


def test_evaluate_sets_expression_on_error(context: dict[str, Any]) -> None:
    with pytest.raises(MissingPathError) as raised:
        evaluate("fetch_customer.body.emial", context)

    assert raised.value.expression == "fetch_customer.body.emial"
    assert raised.value.template is None
