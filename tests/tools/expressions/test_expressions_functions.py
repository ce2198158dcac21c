"""The language's functions, each with normal and error cases; dates against a fixed clock."""

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tools.expressions import ExpressionTypeError, evaluate
from tools.expressions import functions as functions_module

CLOCK = datetime(2026, 3, 1, 9, 30, 5, 123456, tzinfo=UTC)


def assert_same_value(result: Any, expected: Any) -> None:
    assert result == expected
    assert type(result) is type(expected)


def raise_type_error(expression: str, context: dict[str, Any] | None = None) -> ExpressionTypeError:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate(expression, context or {}, now=CLOCK)
    return raised.value


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("toUpper('Ada')", "ADA"),
        ("toUpper('straße')", "STRASSE"),
        ("toLower('ÀDA')", "àda"),
        ("trim('  padded \\n')", "padded"),
        ("trim('')", ""),
        ("toUpper(fetch_customer.body.name)", "ADA LOVELACE"),
    ],
)
def test_text_case_and_trim_functions(expression: str, expected: str, context: dict[str, Any]) -> None:
    assert evaluate(expression, context) == expected


@pytest.mark.parametrize("function", ["toUpper", "toLower", "trim"])
def test_text_functions_reject_number_with_hint(function: str) -> None:
    error = raise_type_error(f"{function}(5)")

    assert str(error) == (
        f"{function}(5): expected text as the argument of {function}, got the number 5; convert it with toString()"
    )
    assert error.function == function
    assert error.argument == 1
    assert error.expected == "text"
    assert error.got == "the number 5"


def test_text_function_rejects_null() -> None:
    error = raise_type_error("toUpper(null)")

    assert str(error) == "toUpper(null): expected text as the argument of toUpper, got null"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("split('a,b,c', ',')", ["a", "b", "c"]),
        ("split('a, b', ', ')", ["a", "b"]),
        ("split('abc', '')", ["a", "b", "c"]),
        ("split('', ',')", [""]),
        ("split('no separator', ',')", ["no separator"]),
        ("split('a1b', 1)", ["a", "b"]),
        ("split(trigger.body.tags, ',')[1]", "green"),
    ],
)
def test_split_returns_list(expression: str, expected: Any, context: dict[str, Any]) -> None:
    assert evaluate(expression, context) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "split(trigger.body.items, ',')",
            "split(trigger.body.items, ','): expected text as argument 1 of split, got a list of 2 items",
        ),
        (
            "split(5, ',')",
            "split(5, ','): expected text as argument 1 of split, got the number 5; convert it with toString()",
        ),
        ("split('a', null)", "split('a', null): expected text or a number as argument 2 of split, got null"),
    ],
)
def test_split_wrong_argument_raises(expression: str, message: str, context: dict[str, Any]) -> None:
    assert str(raise_type_error(expression, context)) == message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("replace('a-b-c', '-', '')", "abc"),
        ("replace('aaa', 'a', 'b')", "bbb"),
        ("replace('x.y', '.', '$&')", "x$&y"),
        ("replace('a+b', '+', ' plus ')", "a plus b"),
        ("replace('v1', 1, 2)", "v2"),
        ("replace('abc', 'z', 'y')", "abc"),
    ],
)
def test_replace_replaces_every_occurrence(expression: str, expected: str) -> None:
    assert evaluate(expression, {}) == expected


def test_replace_on_null_raises() -> None:
    error = raise_type_error("replace(null, 'a', 'b')")

    assert str(error) == "replace(null, 'a', 'b'): expected text as argument 1 of replace, got null"
    assert error.argument == 1


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('jsonParse(\'{"a": 1, "b": [true, null]}\')', {"a": 1, "b": [True, None]}),
        ("jsonParse('[1, 2]')", [1, 2]),
        ("jsonParse('3.5')", 3.5),
        ("jsonParse('\"text\"')", "text"),
        ("jsonParse('null')", None),
    ],
)
def test_json_parse_reads_json_text(expression: str, expected: Any) -> None:
    assert evaluate(expression, {}) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "jsonParse('{a: 1}')",
            (
                "jsonParse('{a: 1}'): text \"{a: 1}\" is not valid JSON: Expecting property name enclosed in double "
                "quotes: line 1 column 2 (char 1)"
            ),
        ),
        ("jsonParse('NaN')", "jsonParse('NaN'): text \"NaN\" is not valid JSON: NaN is not allowed in JSON"),
        (
            "jsonParse('')",
            "jsonParse(''): empty text is not valid JSON: Expecting value: line 1 column 1 (char 0)",
        ),
        (
            "jsonParse(fetch_customer.body)",
            (
                "jsonParse(fetch_customer.body): expected JSON text as the argument of jsonParse, got an object with keys "
                "address, customer, email, id, name, score, tags; the value is already parsed, so use it without jsonParse"
            ),
        ),
    ],
)
def test_json_parse_invalid_input_raises(expression: str, message: str, context: dict[str, Any]) -> None:
    error = raise_type_error(expression, context)

    assert str(error) == message
    assert error.expected == "JSON text"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("jsonStringify(fetch_customer.body.address)", '{"city":"Zürich","zip":null}'),
        ("jsonStringify(fetch_customer.body.tags)", '["a","b"]'),
        ("jsonStringify('x')", '"x"'),
        ("jsonStringify(null)", "null"),
        ("jsonStringify(1.5)", "1.5"),
        ("jsonStringify(true)", "true"),
    ],
)
def test_json_stringify_writes_compact_json(expression: str, expected: str, context: dict[str, Any]) -> None:
    assert evaluate(expression, context) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("length('abc')", 3),
        ("length('')", 0),
        ("length(fetch_customer.body.tags)", 2),
        ("length(fetch_customer.body)", 7),
        ("length(fetch_customer.headers)", 0),
    ],
)
def test_length_counts_text_list_and_object(expression: str, expected: int, context: dict[str, Any]) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("argument", "got"), [("5", "the number 5"), ("null", "null"), ("true", "the boolean true")]
)
def test_length_of_scalar_raises(argument: str, got: str) -> None:
    error = raise_type_error(f"length({argument})")

    assert (
        str(error)
        == f"length({argument}): expected text, a list or an object as the argument of length, got {got}"
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("round(2.5)", 3),
        ("round(-2.5)", -3),
        ("round(2.4)", 2),
        ("round(7)", 7),
        ("round(1.005, 2)", 1.01),
        ("round(1234.5678, 2)", 1234.57),
        ("round(1234.5678, 0)", 1235),
        ("round(1250, -2)", 1300),
        ("round(0.125, 2)", 0.13),
        ("round(2.50, 1)", 2.5),
        ("round(1e20, 30)", 1e20),
    ],
)
def test_round_rounds_half_away_from_zero(expression: str, expected: Any) -> None:
    assert_same_value(evaluate(expression, {}), expected)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "round('2.5')",
            "round('2.5'): expected a number as the argument of round, got text \"2.5\"; convert text with toNumber()",
        ),
        (
            "round(2.5, 1.5)",
            "round(2.5, 1.5): expected a whole number as argument 2 of round, got the number 1.5",
        ),
        ("round(null)", "round(null): expected a number as the argument of round, got null"),
    ],
)
def test_round_wrong_argument_raises(expression: str, message: str) -> None:
    assert str(raise_type_error(expression)) == message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("toNumber('42')", 42),
        ("toNumber(' 4.5 ')", 4.5),
        ("toNumber('-3')", -3),
        ("toNumber('+3')", 3),
        ("toNumber('1e3')", 1000),
        ("toNumber('3.0')", 3),
        ("toNumber('.5')", 0.5),
        ("toNumber(7)", 7),
        ("toNumber(true)", 1),
        ("toNumber(false)", 0),
        ("toNumber(trigger.body.amount) > 10", True),
    ],
)
def test_to_number_converts_text(expression: str, expected: Any, context: dict[str, Any]) -> None:
    assert_same_value(evaluate(expression, context), expected)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("toNumber('abc')", "toNumber('abc'): text \"abc\" is not a number"),
        ("toNumber('12px')", "toNumber('12px'): text \"12px\" is not a number"),
        ("toNumber('')", "toNumber(''): empty text is not a number"),
        ("toNumber('NaN')", "toNumber('NaN'): text \"NaN\" is not a number"),
        ("toNumber('1e400')", "toNumber('1e400'): text \"1e400\" is too large for a number"),
        (
            "toNumber(null)",
            "toNumber(null): expected text holding a number as the argument of toNumber, got null",
        ),
        (
            "toNumber(fetch_customer.body.tags)",
            "toNumber(fetch_customer.body.tags): expected text holding a number as the argument of toNumber, got a list of 2 items",
        ),
    ],
)
def test_to_number_invalid_value_names_value(expression: str, message: str, context: dict[str, Any]) -> None:
    error = raise_type_error(expression, context)

    assert str(error) == message
    assert error.expected == "text holding a number"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("toString(1)", "1"),
        ("toString(3.5)", "3.5"),
        ("toString(trigger.body.ratio)", "3"),
        ("toString(null)", ""),
        ("toString(true)", "true"),
        ("toString('x')", "x"),
        ("toString(fetch_customer.body.tags)", '["a","b"]'),
        ("toString(fetch_customer.body.address)", '{"city":"Zürich","zip":null}'),
        ("toString(trigger.body.customer_id) === '42'", True),
    ],
)
def test_to_string_converts_as_templates_do(expression: str, expected: Any, context: dict[str, Any]) -> None:
    assert_same_value(evaluate(expression, context), expected)


def test_now_returns_given_clock_as_iso_utc() -> None:
    assert evaluate("now()", {}, now=CLOCK) == "2026-03-01T09:30:05.123Z"


def test_now_converts_offset_clock_to_utc() -> None:
    clock = datetime(2026, 3, 1, 11, 30, 0, tzinfo=timezone(timedelta(hours=2)))

    assert evaluate("now()", {}, now=clock) == "2026-03-01T09:30:00.000Z"


def test_now_with_clock_never_reads_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    class DatetimeWithoutRealClock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> "DatetimeWithoutRealClock":
            raise AssertionError("the real clock was read although a clock was given")

    monkeypatch.setattr(functions_module, "datetime", DatetimeWithoutRealClock)

    assert evaluate("dateFormat(now(), 'yyyy')", {}, now=CLOCK) == "2026"


def test_now_without_clock_reads_real_clock() -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    result = evaluate("now()", {})

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", result)
    assert datetime.fromisoformat(result) >= before


@pytest.mark.parametrize(
    ("date", "amount", "unit", "expected"),
    [
        ("'2026-03-01T09:30:00Z'", "1", "'days'", "2026-03-02T09:30:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "1", "'day'", "2026-03-02T09:30:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "2", "'Days'", "2026-03-03T09:30:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "-1", "'days'", "2026-02-28T09:30:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "3", "'hours'", "2026-03-01T12:30:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "1.5", "'hours'", "2026-03-01T11:00:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "45", "'minutes'", "2026-03-01T10:15:00.000Z"),
        ("'2026-03-01T09:30:00Z'", "30", "'seconds'", "2026-03-01T09:30:30.000Z"),
        ("'2026-03-01T09:30:00Z'", "250", "'milliseconds'", "2026-03-01T09:30:00.250Z"),
        ("'2026-03-01T09:30:00Z'", "2", "'weeks'", "2026-03-15T09:30:00.000Z"),
        ("'2026-01-31T00:00:00Z'", "1", "'months'", "2026-02-28T00:00:00.000Z"),
        ("'2024-01-31T00:00:00Z'", "1", "'month'", "2024-02-29T00:00:00.000Z"),
        ("'2026-03-31T00:00:00Z'", "-1", "'months'", "2026-02-28T00:00:00.000Z"),
        ("'2026-11-15T00:00:00Z'", "3", "'months'", "2027-02-15T00:00:00.000Z"),
        ("'2026-01-15T00:00:00Z'", "1", "'quarters'", "2026-04-15T00:00:00.000Z"),
        ("'2024-02-29T12:00:00Z'", "1", "'years'", "2025-02-28T12:00:00.000Z"),
        ("'2026-03-01'", "1", "'days'", "2026-03-02T00:00:00.000Z"),
        ("'2026-03-01T09:30:00'", "0", "'days'", "2026-03-01T09:30:00.000Z"),
        ("'2026-03-01T09:30:00+02:00'", "1", "'days'", "2026-03-02T07:30:00.000Z"),
        ("'2026-01-31T23:00:00-05:00'", "1", "'months'", "2026-03-01T04:00:00.000Z"),
        ("'2026-03-01T09:30:00.123456789Z'", "1", "'seconds'", "2026-03-01T09:30:01.123Z"),
        ("'2026-03-01t09:30:00z'", "1", "'minutes'", "2026-03-01T09:31:00.000Z"),
        ("0", "1", "'days'", "1970-01-02T00:00:00.000Z"),
        ("1772357400000", "1", "'hours'", "2026-03-01T10:30:00.000Z"),
        ("now()", "2", "'days'", "2026-03-03T09:30:05.123Z"),
    ],
)
def test_date_add_adds_calendar_units(date: str, amount: str, unit: str, expected: str) -> None:
    assert evaluate(f"dateAdd({date}, {amount}, {unit})", {}, now=CLOCK) == expected


@pytest.mark.parametrize(
    ("expression", "message", "argument"),
    [
        (
            "dateAdd(now(), 1, 'fortnight')",
            (
                "dateAdd(now(), 1, 'fortnight'): unknown unit \"fortnight\"; units: days, hours, milliseconds, minutes, "
                "months, quarters, seconds, weeks, years"
            ),
            3,
        ),
        (
            "dateAdd(now(), 1.5, 'months')",
            "dateAdd(now(), 1.5, 'months'): \"months\" needs a whole amount, got the number 1.5",
            2,
        ),
        (
            "dateAdd('next tuesday', 1, 'days')",
            (
                "dateAdd('next tuesday', 1, 'days'): text \"next tuesday\" is not an ISO 8601 date, such as "
                "2026-03-01T09:30:00Z, or epoch milliseconds"
            ),
            1,
        ),
        (
            "dateAdd(true, 1, 'days')",
            (
                "dateAdd(true, 1, 'days'): expected an ISO 8601 date, such as 2026-03-01T09:30:00Z, or epoch "
                "milliseconds, got the boolean true"
            ),
            1,
        ),
        (
            "dateAdd(now(), '1', 'days')",
            (
                "dateAdd(now(), '1', 'days'): expected a number as argument 2 of dateAdd, got text \"1\"; "
                "convert text with toNumber()"
            ),
            2,
        ),
        (
            "dateAdd('9999-12-31T00:00:00Z', 1, 'years')",
            "dateAdd('9999-12-31T00:00:00Z', 1, 'years'): adding 1 years leaves the years 1 to 9999",
            2,
        ),
        (
            "dateAdd('9999-12-31T00:00:00Z', 2, 'days')",
            "dateAdd('9999-12-31T00:00:00Z', 2, 'days'): adding 2 days leaves the years 1 to 9999",
            2,
        ),
    ],
)
def test_date_add_invalid_input_raises(expression: str, message: str, argument: int) -> None:
    error = raise_type_error(expression)

    assert str(error) == message
    assert error.function == "dateAdd"
    assert error.argument == argument


MORNING = "2026-03-01T09:05:07.089Z"
AFTERNOON = "2026-11-23T15:04:05.006+05:30"


@pytest.mark.parametrize(
    ("date", "pattern", "expected"),
    [
        (MORNING, "yyyy", "2026"),
        (MORNING, "yy", "26"),
        (MORNING, "y", "2026"),
        (MORNING, "MM", "03"),
        (MORNING, "M", "3"),
        (MORNING, "MMM", "Mar"),
        (MORNING, "MMMM", "March"),
        (MORNING, "LLL", "Mar"),
        (MORNING, "LLLL", "March"),
        (MORNING, "dd", "01"),
        (MORNING, "d", "1"),
        (MORNING, "HH", "09"),
        (MORNING, "H", "9"),
        (MORNING, "hh", "09"),
        (MORNING, "h", "9"),
        (MORNING, "mm", "05"),
        (MORNING, "m", "5"),
        (MORNING, "ss", "07"),
        (MORNING, "s", "7"),
        (MORNING, "SSS", "089"),
        (MORNING, "S", "89"),
        (MORNING, "a", "AM"),
        (MORNING, "EEE", "Sun"),
        (MORNING, "EEEE", "Sunday"),
        (MORNING, "E", "7"),
        (MORNING, "ZZ", "+00:00"),
        (MORNING, "Z", "+0"),
        (MORNING, "ZZZ", "+0000"),
        (MORNING, "o", "60"),
        (MORNING, "ooo", "060"),
        (MORNING, "WW", "09"),
        (MORNING, "X", "1772355907"),
        (MORNING, "x", "1772355907089"),
        (AFTERNOON, "HH:mm", "15:04"),
        (AFTERNOON, "hh:mm a", "03:04 PM"),
        (AFTERNOON, "h", "3"),
        (AFTERNOON, "ZZ", "+05:30"),
        (AFTERNOON, "Z", "+5:30"),
        (AFTERNOON, "ZZZ", "+0530"),
        (AFTERNOON, "EEEE, LLLL d", "Monday, November 23"),
        ("2026-03-01T00:15:00Z", "h a", "12 AM"),
        ("2026-03-01T12:15:00Z", "h a", "12 PM"),
        ("2026-03-01T09:30:00-04:00", "ZZ", "-04:00"),
        (MORNING, "yyyy-MM-dd'T'HH:mm:ss", "2026-03-01T09:05:07"),
        (MORNING, "dd/MM/yyyy", "01/03/2026"),
        (MORNING, "'Week' W, yyyy", "Week 9, 2026"),
        (MORNING, "", ""),
    ],
)
def test_date_format_writes_luxon_tokens(date: str, pattern: str, expected: str) -> None:
    assert evaluate("dateFormat(date, pattern)", {"date": date, "pattern": pattern}) == expected


def test_date_format_reads_epoch_milliseconds() -> None:
    assert evaluate("dateFormat(0, 'yyyy-MM-dd HH:mm')", {}) == "1970-01-01 00:00"


def test_date_format_of_now_uses_clock() -> None:
    assert (
        evaluate("dateFormat(now(), 'yyyy-MM-dd HH:mm:ss.SSS')", {}, now=CLOCK) == "2026-03-01 09:30:05.123"
    )


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("YYYY-MM-DD", 'unknown token "YYYY" in format "YYYY-MM-DD"'),
        ("yyyy-MM-ddTHH:mm", "put literal text in single quotes, such as 'T'"),
        ("yyyy 'T", "has a quote ' without its closing quote"),
    ],
)
def test_date_format_invalid_pattern_raises(pattern: str, fragment: str) -> None:
    with pytest.raises(ExpressionTypeError) as raised:
        evaluate("dateFormat(now(), pattern)", {"pattern": pattern}, now=CLOCK)

    assert fragment in str(raised.value)
    assert raised.value.argument == 2
    assert raised.value.function == "dateFormat"


def test_date_format_invalid_date_raises() -> None:
    error = raise_type_error("dateFormat('31/12/2026', 'yyyy')")

    assert str(error) == (
        "dateFormat('31/12/2026', 'yyyy'): text \"31/12/2026\" is not an ISO 8601 date, such as "
        "2026-03-01T09:30:00Z, or epoch milliseconds"
    )
    assert error.argument == 1
