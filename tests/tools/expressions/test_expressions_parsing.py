"""Parsing: precedence, literals, caching, syntax errors and what an expression references."""

from typing import Any

import pytest

from tools.expressions import (
    ExpressionSyntaxError,
    UnknownFunctionError,
    evaluate,
    parse_expression,
    parse_template,
    referenced_nodes,
    referenced_paths,
    render,
)
from tools.expressions import parser as parser_module


def assert_same_value(result: Any, expected: Any) -> None:
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("100 / 10 / 5", 2),
        ("2 * 3 % 4", 2),
        ("-2 * 3", -6),
        ("- -2", 2),
        ("-(2 + 3)", -5),
        ("2 * -(-3)", 6),
        ("1 + 2 + 'a'", "3a"),
        ("'a' + 1 + 2", "a12"),
        ("1 + 2 === 3", True),
        ("1 < 2 === true", True),
        ("2 > 1 && 3 > 2", True),
        ("true || false && false", True),
        ("(true || false) && false", False),
        ("!false && false", False),
        ("!0 === true", True),
        ("null || 0 || 'x'", "x"),
        ("false ? 1 : true ? 2 : 3", 2),
        ("true ? 1 : 2 + 10", 11 - 10),
        ("1 == 1 ? 'same' : 'different'", "same"),
        ("1 + 1 == 2 && 'yes' || 'no'", "yes"),
    ],
)
def test_evaluate_follows_operator_precedence(
    expression: str, expected: Any, context: dict[str, Any]
) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'single'", "single"),
        ('"double"', "double"),
        ("'it\\'s'", "it's"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("'line\\nbreak\\ttab'", "line\nbreak\ttab"),
        ("'back\\\\slash'", "back\\slash"),
        ("'caf\\u00e9'", "café"),
        ("'\\u{1F600}'", "\U0001f600"),
        ("'\\ud83d\\ude00'", "\U0001f600"),
        ("'\\x41'", "A"),
        ("'\\d'", "d"),
        ("'{{ not a template }}'", "{{ not a template }}"),
        ("''", ""),
        ("42", 42),
        ("4.5", 4.5),
        (".5", 0.5),
        ("1e3", 1000),
        ("2.5e-1", 0.25),
        ("1.0", 1),
        ("true", True),
        ("false", False),
        ("null", None),
    ],
)
def test_evaluate_reads_literals(expression: str, expected: Any) -> None:
    assert_same_value(evaluate(expression, {}), expected)


def test_parse_expression_same_text_returns_same_tree() -> None:
    first = parse_expression("fetch_customer.body.email")
    second = parse_expression("fetch_customer.body.email")

    assert first is second


def test_parse_expression_repeat_counts_cache_hit() -> None:
    parse_expression("trigger.body.cache_probe")
    hits_before = parse_expression.cache_info().hits

    parse_expression("trigger.body.cache_probe")

    assert parse_expression.cache_info().hits == hits_before + 1


def test_parse_template_same_text_returns_same_template() -> None:
    assert parse_template("Hi {{ trigger.body.name }}") is parse_template("Hi {{ trigger.body.name }}")


def test_render_cached_template_does_not_parse_again(
    context: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "Customer {{ fetch_customer.body.id }} of {{ workflow.id }}"
    first = render(template, context)

    def fail_parse() -> None:
        raise AssertionError("the Lark parser ran for a cached template")

    monkeypatch.setattr(parser_module, "_lark", fail_parse)

    assert render(template, context) == first


def test_parse_expression_builds_path_segments_as_written() -> None:
    tree = parse_expression("a.b[0]['c-d']")

    assert tree.text == "a.b[0]['c-d']"
    assert [segment.key for segment in tree.segments] == ["b", 0, "c-d"]
    assert [segment.text for segment in tree.segments] == [".b", "[0]", "['c-d']"]


@pytest.mark.parametrize(
    ("expression", "position", "expected", "found"),
    [
        ("a +", 3, ["a value"], "the end of the expression"),
        ("a b", 2, ["an operator", "the end of the expression"], '"b"'),
        ("a.", 2, ["a key name"], "the end of the expression"),
        ("f(", 2, ["a value", '")"'], "the end of the expression"),
        ("a ? b", 5, ['":"'], "the end of the expression"),
        ("(a", 2, ['")"'], "the end of the expression"),
        ("a && || b", 5, ["a value"], '"||"'),
        ("* 2", 0, ["a value"], '"*"'),
    ],
)
def test_parse_expression_invalid_syntax_reports_position_and_expected(
    expression: str, position: int, expected: list[str], found: str
) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression(expression)

    assert raised.value.position == position
    assert raised.value.expected == expected
    assert raised.value.found == found
    assert raised.value.expression == expression


def test_parse_expression_missing_operand_message_names_text_before() -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression("trigger.body.a +")

    assert str(raised.value) == (
        'syntax error in "trigger.body.a +": the expression ends after "trigger.body.a +"; expected a value'
    )


def test_parse_expression_extra_token_message_names_token() -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression("a b")

    assert str(raised.value) == (
        'syntax error in "a b": unexpected "b" after "a"; expected an operator or the end of the expression'
    )


@pytest.mark.parametrize(
    ("expression", "position", "hint"),
    [
        ("a = b", 2, 'compare with "==" or "==="'),
        ("a & b", 2, 'write "and" as "&&"'),
        ("a | b", 2, 'write "or" as "||"'),
        ("{{ a }}", 0, "expressions do not nest"),
    ],
)
def test_parse_expression_unexpected_character_gives_hint(expression: str, position: int, hint: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression(expression)

    assert raised.value.position == position
    assert hint in str(raised.value)


def test_parse_expression_unclosed_string_names_start() -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression("toUpper('abc)")

    assert raised.value.position == 8
    assert str(raised.value) == (
        "syntax error in \"toUpper('abc)\": the text starting at character 9 has no closing '"
    )


@pytest.mark.parametrize("expression", ["", "   "])
def test_parse_expression_empty_text_raises(expression: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression(expression)

    assert str(raised.value).startswith("empty expression")


def test_parse_expression_huge_number_raises() -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression("1e400")

    assert "the number 1e400 is too large" in str(raised.value)


def test_parse_expression_unknown_function_names_known_and_closest() -> None:
    with pytest.raises(UnknownFunctionError) as raised:
        parse_expression("toupper(trigger.body.name)")

    error = raised.value
    assert error.name == "toupper"
    assert error.closest == "toUpper"
    assert error.known == sorted(error.known)
    assert "dateFormat" in error.known
    assert error.position == 0
    assert str(error) == (
        'unknown function "toupper" in "toupper(trigger.body.name)"; functions: dateAdd, dateFormat, '
        "jsonParse, jsonStringify, length, now, replace, round, split, toLower, toNumber, toString, "
        'toUpper, trim; did you mean "toUpper"?'
    )


def test_unknown_function_without_close_match() -> None:
    with pytest.raises(UnknownFunctionError) as raised:
        parse_expression("encodeURIComponent(x)")

    assert raised.value.closest is None
    assert "did you mean" not in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "advice"),
    [
        ("trigger.body.name.toUpper()", "write toUpper(trigger.body.name)"),
        ("trigger.body.tags.split(',')", "write split(trigger.body.tags, ',')"),
        ("trigger.body.name.toUpperCase()", "call one of the functions by name: dateAdd,"),
    ],
)
def test_parse_expression_method_call_raises_with_advice(expression: str, advice: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression(expression)

    assert "method calls such as" in str(raised.value)
    assert advice in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "split('a')",
            "split('a'): split takes 2 arguments, as in split(text, separator), but got 1 argument",
        ),
        ("now(1)", "now(1): now takes no arguments, as in now(), but got 1 argument"),
        (
            "round(1, 2, 3)",
            "round(1, 2, 3): round takes 1 or 2 arguments, as in round(number, digits?), but got 3 arguments",
        ),
        ("toUpper()", "toUpper(): toUpper takes 1 argument, as in toUpper(text), but got 0 arguments"),
    ],
)
def test_parse_expression_wrong_argument_count_raises(expression: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        parse_expression(expression)

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("expression", "paths"),
    [
        ("fetch_customer.body.email", ["fetch_customer.body.email"]),
        ("nodes['fetch-customer'].body", ["nodes['fetch-customer'].body"]),
        ("nodes['fetch_customer'].body", ["fetch_customer.body"]),
        ("nodes.fetch_customer.body", ["fetch_customer.body"]),
        ('nodes["trigger"].body', ["nodes['trigger'].body"]),
        ("trigger.body['customer-id']", ["trigger.body['customer-id']"]),
        ("trigger.body['name']", ["trigger.body.name"]),
        ("trigger.body.items[0].sku", ["trigger.body.items[0].sku"]),
        ("trigger.body.items[trigger.body.index].sku", ["trigger.body.items", "trigger.body.index"]),
        ("toUpper(a.b) + a.b", ["a.b"]),
        ("jsonParse(trigger.body.raw).id", ["trigger.body.raw"]),
        ("env.API_URL + credential.crm_token", ["env.API_URL", "credential.crm_token"]),
        ("nodes[trigger.body.source].body", ["nodes", "trigger.body.source"]),
        ("a || b ? c : d", ["a", "b", "c", "d"]),
        ("1 + 2", []),
    ],
)
def test_referenced_paths_lists_paths_in_dotted_form(expression: str, paths: list[str]) -> None:
    assert referenced_paths(expression) == paths


@pytest.mark.parametrize(
    ("expression", "node_ids"),
    [
        ("fetch_customer.body.email + nodes['fetch-orders'].body.total", {"fetch_customer", "fetch-orders"}),
        ("nodes.order_hook.body", {"order_hook"}),
        ("loop_items.item.sku", {"loop_items"}),
        ("trigger.body.id + env.API_URL + workflow.id + execution.id", set()),
        ("nodes[trigger.body.source]", set()),
    ],
)
def test_referenced_nodes_lists_node_ids(expression: str, node_ids: set[str]) -> None:
    assert referenced_nodes(expression) == node_ids
