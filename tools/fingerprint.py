"""LinkFlow-compatible fingerprints of recorded HTTP requests.

LinkFlow's engine keys each deterministic fixture by the SHA-256 of the request written with Go's
`encoding/json`. Replay recomputes that key from a rendered request, so the bytes must match Go's
exactly: compact output, `<`, `>`, `&`, U+2028 and U+2029 escaped, other non-ASCII text written as
UTF-8, map keys sorted, and numbers written the way Go writes a float64.
"""

import hashlib
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# Go escapes these even inside otherwise plain UTF-8 output, so HTML and JavaScript embedding stay safe.
_GO_EXTRA_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Go switches float64 output to exponent form outside this range.
_GO_FIXED_MIN = 1e-6
_GO_FIXED_LIMIT = 1e21


def go_json(value: Any, *, sort_keys: bool = True) -> str:
    """Encode a JSON value compactly, byte for byte as Go's `encoding/json` does.

    With `sort_keys` (the default) object keys are sorted, as Go sorts a map's keys. Pass
    `sort_keys=False` for data that Go keeps as a `json.RawMessage`, which keeps its own key order.

    Raises:
        TypeError: a value is not a JSON type (dict, list, str, int, float, bool or None),
            or an object key is not text; the message names the path.
        ValueError: a float is NaN or infinite, which JSON cannot hold.
    """
    pieces: list[str] = []
    _encode(value, pieces, ["$"], sort_keys)
    return "".join(pieces)


def fingerprint_request(request: Mapping[str, Any]) -> str:
    """Compute LinkFlow's fingerprint of an HTTP request, as 64 lowercase hex digits.

    `request` contains `method`, `url`, `headers` and `body`, any of them possibly missing. An empty
    or missing method counts as GET, missing or null headers as `{}` and a missing body as null.
    The body keeps its own key order because LinkFlow fingerprints it as raw JSON.

    NOTE: the body is encoded from parsed values, so a fixture whose original body text wrote a
    number or a string escape differently from Go's encoder (`1.0`, `\\u00e9`) will not match.
    """
    headers = request.get("headers") or {}
    parts = [
        '"body":' + go_json(request.get("body"), sort_keys=False),
        '"headers":' + go_json(headers),
        '"method":' + go_json(request.get("method") or "GET"),
        '"url":' + go_json(request.get("url") or ""),
    ]
    document = "{" + ",".join(parts) + "}"
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _encode(value: Any, pieces: list[str], path: list[str], sort_keys: bool) -> None:
    if value is None:
        pieces.append("null")
    elif value is True:
        pieces.append("true")
    elif value is False:
        pieces.append("false")
    elif isinstance(value, str):
        pieces.append(_go_string(value))
    elif isinstance(value, int):
        pieces.append(str(value))
    elif isinstance(value, float):
        pieces.append(_go_float(value, path))
    elif isinstance(value, Mapping):
        _encode_object(value, pieces, path, sort_keys)
    elif isinstance(value, (list, tuple)):
        _encode_array(value, pieces, path, sort_keys)
    else:
        raise TypeError(
            f"cannot encode {type(value).__name__} at {''.join(path)}: "
            "expected a JSON value (dict, list, str, int, float, bool or None)"
        )


def _encode_object(value: Mapping[Any, Any], pieces: list[str], path: list[str], sort_keys: bool) -> None:
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"cannot encode object key {key!r} at {''.join(path)}: JSON object keys must be text")

    # Go compares keys as UTF-8 bytes; sorting Python text by code point gives the same order.
    keys = sorted(value) if sort_keys else list(value)
    pieces.append("{")
    for index, key in enumerate(keys):
        if index:
            pieces.append(",")
        pieces.append(_go_string(key))
        pieces.append(":")
        path.append(f"[{key!r}]")
        _encode(value[key], pieces, path, sort_keys)
        path.pop()
    pieces.append("}")


def _encode_array(value: list[Any] | tuple[Any, ...], pieces: list[str], path: list[str], sort_keys: bool) -> None:
    pieces.append("[")
    for index, item in enumerate(value):
        if index:
            pieces.append(",")
        path.append(f"[{index}]")
        _encode(item, pieces, path, sort_keys)
        path.pop()
    pieces.append("]")


def _go_string(text: str) -> str:
    # The standard library writes \b, \f, \n, \r, \t and \u00XX for other control characters,
    # as Go 1.22 and later do, so only Go's extra escapes remain to apply.
    encoded = json.dumps(text, ensure_ascii=False).translate(_GO_EXTRA_ESCAPES)

    # Go decodes a lone surrogate escape to U+FFFD, so that is what it writes back.
    if _LONE_SURROGATE.search(encoded):
        encoded = _LONE_SURROGATE.sub("\ufffd", encoded)
    return encoded


def _go_float(number: float, path: list[str]) -> str:
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"cannot encode {number!r} at {''.join(path)}: JSON has no NaN or infinity")

    magnitude = abs(number)
    if magnitude != 0 and (magnitude < _GO_FIXED_MIN or magnitude >= _GO_FIXED_LIMIT):
        return _go_exponent_form(number)

    # repr gives the shortest digits that round-trip, as Go's formatter does; Decimal writes
    # them without an exponent, and normalize drops the ".0" Go never writes.
    return format(Decimal(repr(number)).normalize(), "f")


def _go_exponent_form(number: float) -> str:
    # Python's repr uses exponent form across Go's whole exponent range, with the same
    # shortest digits; Go then trims one leading zero of a negative exponent ("1e-07" -> "1e-7").
    text = repr(number)
    mantissa, exponent = text.split("e")
    sign = exponent[0]
    digits = exponent[1:]
    if sign == "-" and len(digits) == 2 and digits[0] == "0":
        digits = digits[1:]
    return f"{mantissa}e{sign}{digits}"
