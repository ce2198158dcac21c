"""JavaScript value rules: number text, string conversion, strict equality, number normalization."""

from typing import Any

import pytest

from tools.expressions.values import (
    js_number_text,
    js_string,
    normalize_number,
    strict_equal,
    template_text,
    truthy,
)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (-0.0, "0"),
        (3.0, "3"),
        (3.5, "3.5"),
        (-3.5, "-3.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (100.0, "100"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e22, "1.5e+22"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (123.456, "123.456"),
        (2**60, "1152921504606846976"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_js_number_text_matches_javascript(number: float, text: str) -> None:
    assert js_number_text(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("x", "x"),
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (3.0, "3"),
        ([1, None, "a", [2, 3]], "1,,a,2,3"),
        ({"a": 1}, "[object Object]"),
    ],
)
def test_js_string_converts_like_plus(value: Any, text: str) -> None:
    assert js_string(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("x", "x"),
        (None, ""),
        (True, "true"),
        (2.0, "2"),
        (["é", None], '["é",null]'),
        ({"a": {"b": 1}}, '{"a":{"b":1}}'),
        ((1, 2), "[1,2]"),
    ],
)
def test_template_text_converts_like_templates(value: Any, text: str) -> None:
    assert template_text(value) == text


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (1, 1.0, True),
        (1, "1", False),
        (True, 1, False),
        (False, 0, False),
        (True, True, True),
        (None, None, True),
        (None, False, False),
        ("", 0, False),
        ([1, "a"], [1, "a"], True),
        ([1, "a"], ["1", "a"], False),
        ([True], [1], False),
        ({"a": [1]}, {"a": [1]}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({"a": 1}, [1], False),
        (float("nan"), float("nan"), False),
    ],
)
def test_strict_equal_never_converts(left: Any, right: Any, expected: bool) -> None:
    assert strict_equal(left, right) is expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (3.0, 3),
        (-0.0, 0),
        (3.5, 3.5),
        (7, 7),
        (2**53, 2**53),
        (2**53 + 2, float(2**53 + 2)),
        (1e300, 1e300),
        (10**400, float("inf")),
    ],
)
def test_normalize_number_gives_json_form(number: float, expected: Any) -> None:
    result = normalize_number(number)

    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (0.0, False),
        (float("nan"), False),
        ("", False),
        (None, False),
        ([], True),
        ({}, True),
        ("0", True),
    ],
)
def test_truthy_follows_javascript(value: Any, expected: bool) -> None:
    assert truthy(value) is expected
