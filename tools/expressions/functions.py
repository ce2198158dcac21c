"""The functions an expression may call, by name only: there are no methods and no other code.

Each implementation takes the scope, the call (for its text in errors) and the evaluated
arguments. Arguments are not converted silently: a function that needs text raises on a number,
so a type mismatch in the data shows up as an error naming the call and the value.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from tools.expressions.dates import (
    DateError,
    add_to_date,
    format_date,
    iso_utc,
    parse_date,
)
from tools.expressions.errors import ExpressionTypeError, describe_value
from tools.expressions.values import (
    compact_json,
    is_list,
    is_number,
    js_number_text,
    normalize_number,
    template_text,
)

if TYPE_CHECKING:
    from tools.expressions.syntax_tree import Call, Scope

_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Function:
    """A function of the language: its parameters, how many are required, and its code."""

    name: str
    parameters: tuple[str, ...]
    required: int
    implementation: Callable[["Scope", "Call", list[Any]], Any]

    @property
    def signature(self) -> str:
        written = [
            name if index < self.required else f"{name}?" for index, name in enumerate(self.parameters)
        ]
        return f"{self.name}({', '.join(written)})"

    def arity_text(self) -> str:
        """Describe how many arguments the function takes, such as `2 arguments` or `1 or 2 arguments`."""
        maximum = len(self.parameters)
        if maximum == 0:
            return "no arguments"
        if self.required == maximum:
            return "1 argument" if maximum == 1 else f"{maximum} arguments"
        if maximum == self.required + 1:
            return f"{self.required} or {maximum} arguments"
        return f"{self.required} to {maximum} arguments"


def argument_error(call: "Call", index: int, expected: str, value: Any) -> ExpressionTypeError:
    """Build the error for an argument of the wrong kind, with a hint for the usual conversions."""
    where = "the argument" if len(call.arguments) == 1 else f"argument {index + 1}"
    got = describe_value(value)
    message = f"{call.text}: expected {expected} as {where} of {call.name}, got {got}{_hint(expected, value)}"
    return ExpressionTypeError(message, expected=expected, got=got, function=call.name, argument=index + 1)


def _hint(expected: str, value: Any) -> str:
    if expected == "a number" and isinstance(value, str):
        return "; convert text with toNumber()"
    if expected == "text" and (is_number(value) or isinstance(value, bool)):
        return "; convert it with toString()"
    if expected == "JSON text" and not isinstance(value, str) and value is not None:
        return "; the value is already parsed, so use it without jsonParse"
    return ""


def _text(call: "Call", arguments: list[Any], index: int) -> str:
    value = arguments[index]
    if isinstance(value, str):
        return value
    raise argument_error(call, index, "text", value)


def _text_or_number(call: "Call", arguments: list[Any], index: int) -> str:
    value = arguments[index]
    if isinstance(value, str):
        return value
    if is_number(value):
        return js_number_text(value)
    raise argument_error(call, index, "text or a number", value)


def _number(call: "Call", arguments: list[Any], index: int) -> int | float:
    value = arguments[index]
    if is_number(value):
        return value
    raise argument_error(call, index, "a number", value)


def _whole_number(call: "Call", arguments: list[Any], index: int) -> int:
    value = arguments[index]
    if is_number(value) and float(value).is_integer():
        return int(value)
    raise argument_error(call, index, "a whole number", value)


def _to_upper(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    return _text(call, arguments, 0).upper()


def _to_lower(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    return _text(call, arguments, 0).lower()


def _trim(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    return _text(call, arguments, 0).strip()


def _split(scope: "Scope", call: "Call", arguments: list[Any]) -> list[str]:
    text = _text(call, arguments, 0)
    separator = _text_or_number(call, arguments, 1)
    # As in JavaScript, an empty separator splits into single characters.
    return list(text) if separator == "" else text.split(separator)


def _replace(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    """Replace every occurrence of plain text; the search is not a pattern, and `$` in the
    replacement has no special meaning."""
    text = _text(call, arguments, 0)
    search = _text_or_number(call, arguments, 1)
    replacement = _text_or_number(call, arguments, 2)
    return text.replace(search, replacement)


def _json_parse(scope: "Scope", call: "Call", arguments: list[Any]) -> Any:
    value = arguments[0]
    if not isinstance(value, str):
        raise argument_error(call, 0, "JSON text", value)

    try:
        return json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        got = describe_value(value)
        raise ExpressionTypeError(
            f"{call.text}: {got} is not valid JSON: {error}",
            expected="JSON text",
            got=got,
            function=call.name,
            argument=1,
        ) from error


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity, which are not JSON and which JSON.parse rejects.
    raise ValueError(f"{name} is not allowed in JSON")


def _json_stringify(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    return compact_json(arguments[0])


def _length(scope: "Scope", call: "Call", arguments: list[Any]) -> int:
    """Count characters (code points, where JavaScript counts UTF-16 units), items or keys."""
    value = arguments[0]
    if isinstance(value, str) or is_list(value) or isinstance(value, Mapping):
        return len(value)
    raise argument_error(call, 0, "text, a list or an object", value)


def _round(scope: "Scope", call: "Call", arguments: list[Any]) -> int | float:
    """Round half away from zero on the number as written in decimal, so round(1.005, 2) is 1.01.

    JavaScript's Math.round rounds -2.5 to -2 and works on the binary value; this rounds to -3.
    """
    number = _number(call, arguments, 0)
    digits = _whole_number(call, arguments, 1) if len(arguments) > 1 else 0

    exact = Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
    try:
        rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # More digits than a decimal context holds, far beyond a double's precision: nothing to round.
        return number
    if rounded == rounded.to_integral_value():
        return normalize_number(int(rounded))
    return float(rounded)


def _to_number(scope: "Scope", call: "Call", arguments: list[Any]) -> int | float:
    """Convert text to a number; booleans become 1 and 0 as in JavaScript, numbers stay."""
    value = arguments[0]
    if is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, str):
        raise argument_error(call, 0, "text holding a number", value)

    text = value.strip()
    if not _NUMBER_TEXT.fullmatch(text):
        raise _not_a_number_error(call, value, "is not a number")
    number = normalize_number(int(text) if text.lstrip("+-").isdigit() else float(text))
    if not math.isfinite(number):
        raise _not_a_number_error(call, value, "is too large for a number")
    return number


def _not_a_number_error(call: "Call", value: str, problem: str) -> ExpressionTypeError:
    got = describe_value(value)
    return ExpressionTypeError(
        f"{call.text}: {got} {problem}",
        expected="text holding a number",
        got=got,
        function=call.name,
        argument=1,
    )


def _to_string(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    """Convert to text as a template inserts it: null as empty text, lists and objects as JSON."""
    return template_text(arguments[0])


def _now(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    return iso_utc(scope.now if scope.now is not None else datetime.now(UTC))


def _date_add(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    amount = _number(call, arguments, 1)
    unit = _text(call, arguments, 2)
    try:
        return iso_utc(add_to_date(parse_date(arguments[0]), amount, unit))
    except DateError as error:
        raise _date_function_error(call, error) from error


def _date_format(scope: "Scope", call: "Call", arguments: list[Any]) -> str:
    pattern = _text(call, arguments, 1)
    try:
        return format_date(parse_date(arguments[0]), pattern)
    except DateError as error:
        raise _date_function_error(call, error) from error


def _date_function_error(call: "Call", error: DateError) -> ExpressionTypeError:
    return ExpressionTypeError(
        f"{call.text}: {error}",
        expected=error.expected,
        got=error.got,
        function=call.name,
        argument=error.argument,
    )


FUNCTIONS: dict[str, Function] = {
    function.name: function
    for function in [
        Function("toUpper", ("text",), 1, _to_upper),
        Function("toLower", ("text",), 1, _to_lower),
        Function("trim", ("text",), 1, _trim),
        Function("split", ("text", "separator"), 2, _split),
        Function("replace", ("text", "search", "replacement"), 3, _replace),
        Function("jsonParse", ("text",), 1, _json_parse),
        Function("jsonStringify", ("value",), 1, _json_stringify),
        Function("length", ("value",), 1, _length),
        Function("round", ("number", "digits"), 1, _round),
        Function("toNumber", ("value",), 1, _to_number),
        Function("toString", ("value",), 1, _to_string),
        Function("now", (), 0, _now),
        Function("dateAdd", ("date", "amount", "unit"), 3, _date_add),
        Function("dateFormat", ("date", "format"), 2, _date_format),
    ]
}
