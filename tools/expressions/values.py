"""JavaScript value semantics over JSON data: truthiness, strict equality, number and text forms."""

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# JavaScript numbers are doubles: whole numbers beyond this lose precision.
MAX_SAFE_INTEGER = 2**53


def is_number(value: Any) -> bool:
    """Tell whether a value is a number; booleans are not, although Python counts them as ints."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def truthy(value: Any) -> bool:
    """Apply JavaScript truthiness: false, null, 0, NaN and empty text are false; lists and
    objects, even empty ones, are true."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def strict_equal(left: Any, right: Any) -> bool:
    """Compare like JavaScript's `===`, except that lists and objects compare by content.

    A number never equals text and a boolean never equals a number. Comparing lists and objects by
    content, not identity, is deliberate: identity has no meaning for data read from JSON.
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if is_number(left) and is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if left is None or right is None:
        return left is right
    if is_list(left) and is_list(right):
        return len(left) == len(right) and all(map(strict_equal, left, right))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(strict_equal(left[key], right[key]) for key in left)
    return False


def normalize_number(value: float) -> int | float:
    """Give an arithmetic result the form JSON writers use for a JavaScript number.

    A whole float becomes an int (Go and JavaScript write 3, not 3.0), and an int too large for
    a double becomes a float, as it would in JavaScript.
    """
    if type(value) is float:
        if value.is_integer() and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return int(value)
        return value
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def js_number_text(value: float) -> str:
    """Write a number as JavaScript's `String(number)` does: 3.0 as "3", 1e-7 as "1e-7"."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"

    sign = "-" if value < 0 else ""
    digits_tuple, exponent = _shortest_digits(abs(value))
    digits = "".join(map(str, digits_tuple))
    return sign + _place_decimal_point(digits, exponent + len(digits))


def js_string(value: Any) -> str:
    """Convert a value to text as JavaScript's `+` does when the other side is text.

    null becomes "null", lists join their items with commas, and objects become
    "[object Object]", as in JavaScript.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number_text(value)
    if is_list(value):
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def template_text(value: Any) -> str:
    """Convert a value to the text a template inserts: null as empty text, lists and objects
    as compact JSON, numbers as JavaScript writes them."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number_text(value)
    return compact_json(value)


def compact_json(value: Any) -> str:
    """Write a value as compact JSON without escaping non-ASCII characters."""
    return json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_json_default
    )


def _json_default(value: Any) -> Any:
    # Contexts may hold read-only mappings and tuples from Python callers, not only dicts and lists.
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _shortest_digits(value: float) -> tuple[tuple[int, ...], int]:
    # repr() gives the shortest text that reads back as the same double, like JavaScript.
    _, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    return digits, int(exponent)


def _place_decimal_point(digits: str, point: int) -> str:
    # `point` is where the decimal point falls after the first `point` digits (ECMAScript's n).
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits

    exponent = point - 1
    exponent_text = f"e+{exponent}" if exponent >= 0 else f"e-{-exponent}"
    if count == 1:
        return digits + exponent_text
    return digits[0] + "." + digits[1:] + exponent_text
