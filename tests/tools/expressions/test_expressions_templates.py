"""Templates: typing of a lone expression, joined text, nested values and error locations."""

from datetime import UTC, datetime
from typing import Any

import pytest

from tools.expressions import (
    ExpressionSyntaxError,
    MissingPathError,
    find_expressions,
    has_expression,
    render,
    render_value,
)


def assert_same_value(result: Any, expected: Any) -> None:
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ trigger.body.customer_id }}", 42),
        ("{{trigger.body.customer_id}}", 42),
        ("{{   fetch_customer.body.tags   }}", ["a", "b"]),
        ("{{ fetch_customer.body.address }}", {"city": "Zürich", "zip": None}),
        ("{{ fetch_customer.body.customer }}", None),
        ("{{ trigger.body.flags.vip }}", True),
        ("{{ fetch_customer.body.score }}", 7.5),
        ("{{ trigger.body.customer_id + 1 }}", 43),
        ("{{ 'text' }}", "text"),
        ("{{\n  trigger.body.customer_id\n}}", 42),
    ],
)
def test_render_single_expression_keeps_type(template: str, expected: Any, context: dict[str, Any]) -> None:
    assert_same_value(render(template, context), expected)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("id={{ trigger.body.customer_id }}", "id=42"),
        (" {{ trigger.body.customer_id }}", " 42"),
        ("{{ trigger.body.customer_id }} ", "42 "),
        ("{{ fetch_customer.body.id }}{{ fetch_customer.body.name }}", "42Ada Lovelace"),
        ("[{{ fetch_customer.body.customer }}]", "[]"),
        ("tags={{ fetch_customer.body.tags }}", 'tags=["a","b"]'),
        ("address={{ fetch_customer.body.address }}", 'address={"city":"Zürich","zip":null}'),
        ("vip={{ trigger.body.flags.vip }}", "vip=true"),
        ("ratio={{ trigger.body.ratio }}", "ratio=3"),
        ("score={{ fetch_customer.body.score }}", "score=7.5"),
        (
            "https://api.example.com/search?q={{ trigger.body.query }}",
            "https://api.example.com/search?q=a b&c",
        ),
        ("Bearer {{ credential.crm_token }}", "Bearer [REDACTED]"),
        (
            "{{ env.API_URL }}/customers/{{ trigger.body.customer_id }}",
            "https://api.example.com/customers/42",
        ),
        ("{{ 'a}}b' }}", "a}}b"),
        ('{{ "{{" }} literal', "{{ literal"),
    ],
)
def test_render_mixed_template_joins_text(template: str, expected: str, context: dict[str, Any]) -> None:
    assert render(template, context) == expected


def test_render_string_without_braces_returns_same_object(context: dict[str, Any]) -> None:
    text = "plain text with } and { but no template"

    assert render(text, context) is text


@pytest.mark.parametrize("value", [5, 2.5, None, True, ["{{ trigger.body.customer_id }}"], {"a": "{{ x }}"}])
def test_render_non_string_returns_value_unchanged(value: Any, context: dict[str, Any]) -> None:
    assert render(value, context) is value


def test_render_now_uses_clock(context: dict[str, Any]) -> None:
    clock = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

    assert render("sent {{ dateFormat(now(), 'yyyy-MM-dd') }}", context, now=clock) == "sent 2026-03-01"


def test_render_error_names_piece_and_template(context: dict[str, Any]) -> None:
    template = "Hi {{ fetch_customer.body.name }}, mail {{ fetch_customer.body.emial }}"

    with pytest.raises(MissingPathError) as raised:
        render(template, context)

    assert raised.value.expression == "fetch_customer.body.emial"
    assert raised.value.template == template
    assert raised.value.closest == "email"


def test_render_syntax_error_names_template(context: dict[str, Any]) -> None:
    template = "total: {{ trigger.body.amount * }}"

    with pytest.raises(ExpressionSyntaxError) as raised:
        render(template, context)

    assert raised.value.expression == "trigger.body.amount *"
    assert raised.value.template == template


def test_render_unclosed_braces_raises(context: dict[str, Any]) -> None:
    template = "Hello {{ trigger.body.name"

    with pytest.raises(ExpressionSyntaxError) as raised:
        render(template, context)

    assert str(raised.value) == (
        'syntax error in template "Hello {{ trigger.body.name": the "{{" at character 7 has no closing "}}"'
    )
    assert raised.value.position == 6
    assert raised.value.template == template


def test_render_empty_braces_raises(context: dict[str, Any]) -> None:
    with pytest.raises(ExpressionSyntaxError) as raised:
        render("a {{ }} b", context)

    assert str(raised.value).startswith("empty expression")


def test_render_value_renders_nested_strings_in_key_order(context: dict[str, Any]) -> None:
    config = {
        "url": "{{ env.API_URL }}/customers/{{ trigger.body.customer_id }}",
        "method": "POST",
        "timeout": 30,
        "headers": {"Authorization": "Bearer {{ credential.crm_token }}", "X-Trace": "static"},
        "body": {
            "customer": "{{ fetch_customer.body.id }}",
            "tags": "{{ fetch_customer.body.tags }}",
            "lines": [
                "{{ trigger.body.items[0].sku }}",
                3,
                None,
                {"nested": "{{ fetch_customer.body.score }}"},
            ],
        },
    }

    rendered = render_value(config, context)

    assert rendered == {
        "url": "https://api.example.com/customers/42",
        "method": "POST",
        "timeout": 30,
        "headers": {"Authorization": "Bearer [REDACTED]", "X-Trace": "static"},
        "body": {"customer": 42, "tags": ["a", "b"], "lines": ["A-1", 3, None, {"nested": 7.5}]},
    }
    assert list(rendered) == list(config)
    assert list(rendered["body"]) == ["customer", "tags", "lines"]


def test_render_value_leaves_input_unchanged(context: dict[str, Any]) -> None:
    config = {"to": ["{{ fetch_customer.body.email }}"]}

    render_value(config, context)

    assert config == {"to": ["{{ fetch_customer.body.email }}"]}


def test_render_value_keeps_keys_unrendered(context: dict[str, Any]) -> None:
    assert render_value({"{{ key }}": "v"}, context) == {"{{ key }}": "v"}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"to": ["{{ fetch_customer.body.emial }}"]}, "to[0]"),
        ({"headers": {"Authorization": "Bearer {{ fetch_customer.body.emial }}"}}, "headers.Authorization"),
        ({"headers": {"X-Api-Key": "{{ fetch_customer.body.emial }}"}}, "headers['X-Api-Key']"),
        (
            {"body": {"lines": [{"sku": "ok"}, {"sku": "{{ fetch_customer.body.emial }}"}]}},
            "body.lines[1].sku",
        ),
        ("{{ fetch_customer.body.emial }}", None),
    ],
)
def test_render_value_error_names_field(config: Any, field: str | None, context: dict[str, Any]) -> None:
    with pytest.raises(MissingPathError) as raised:
        render_value(config, context)

    assert raised.value.field == field
    assert raised.value.to_dict()["field"] == field


@pytest.mark.parametrize(
    ("template", "expressions"),
    [
        ("Hello {{ a }} and {{b.c}}", ["a", "b.c"]),
        ("no template", []),
        ("{{ a + }}", ["a +"]),
        ("{{ '}}' }} and {{ x }}", ["'}}'", "x"]),
        ("{{\n  multi\n}}", ["multi"]),
    ],
)
def test_find_expressions_lists_texts_without_parsing(template: str, expressions: list[str]) -> None:
    assert find_expressions(template) == expressions


def test_find_expressions_unclosed_raises() -> None:
    with pytest.raises(ExpressionSyntaxError):
        find_expressions("a {{ b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{{ a }}", True),
        ("x {{ a }} y", True),
        ("{{ unclosed", True),
        ("plain", False),
        ("{ a }", False),
        ("", False),
        (5, False),
        (None, False),
    ],
)
def test_has_expression_detects_braces(value: Any, expected: bool) -> None:
    assert has_expression(value) is expected
