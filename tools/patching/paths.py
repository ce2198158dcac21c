"""Data paths of the edit language: `config.to[0]`, `config.headers['X-Api-Key']`.

A path is relative to a node's `data`. A key that is an identifier (letters, digits and `_`, not
starting with a digit) starts the path or follows a dot. Any other key goes in brackets, quoted
with `'` or `"`, and a list index goes in brackets as a whole number from 0. Inside quotes a
backslash escapes the quote, the backslash, `n`, `r` and `t`. This is the access syntax of the
expression language, so a path copied from an error message parses here.
"""

import re
from collections.abc import Sequence

from tools.expressions.pathtext import format_path_key, quote_key
from tools.patching.errors import PathSyntaxError

PathKey = str | int

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"\[([0-9]+)\]")
_QUOTED = re.compile(r"""\[(?P<quote>['"])(?P<body>(?:\\.|(?!(?P=quote))[^\\])*)(?P=quote)\]""", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_SEGMENT_END = re.compile(r"[.\[]")


def parse_data_path(text: str) -> list[PathKey]:
    """Parse a data path into its keys: `config.headers['X-Api-Key']` gives config, headers, X-Api-Key.

    Raises:
        PathSyntaxError: the text is not a path; the message gives the position and the fix.
    """
    if not isinstance(text, str):
        raise PathSyntaxError(str(text), 0, f"a path is text, got {type(text).__name__}")
    if not text:
        raise PathSyntaxError(text, 0, "the path is empty; name a key of the node's data, such as config.url")

    keys: list[PathKey] = []
    position = 0
    while position < len(text):
        key, position = _read_key(text, position, first=not keys)
        keys.append(key)
    return keys


def format_data_path(keys: Sequence[PathKey]) -> str:
    """Write keys as a data path, the inverse of `parse_data_path`: `config.to[0]`."""
    return "".join(format_path_key(key, first=index == 0) for index, key in enumerate(keys))


def _read_key(text: str, position: int, *, first: bool) -> tuple[PathKey, int]:
    char = text[position]
    if char == "[":
        return _read_bracket(text, position)
    if first:
        if char == ".":
            raise PathSyntaxError(text, position, "a path starts with a key, not with '.'")
        return _read_name(text, position)
    if char == ".":
        return _read_name(text, position + 1)
    raise PathSyntaxError(text, position, f"expected '.' or '[' after a key, found {char!r}")


def _read_name(text: str, start: int) -> tuple[str, int]:
    """Read a dotted key; a key that is not an identifier gets a message with its bracket form."""
    match = _NAME.match(text, start)
    end = match.end() if match else start
    if match and (end == len(text) or text[end] in ".["):
        return match.group(), end

    segment_end = _SEGMENT_END.search(text, start)
    segment = text[start : segment_end.start() if segment_end else len(text)]
    if not segment:
        raise PathSyntaxError(text, start, "expected a key after '.'")

    rest = text[start + len(segment) :]
    prefix = text[: start - 1] if start > 0 and text[start - 1] == "." else text[:start]
    if segment.isdigit():
        fixed = f"{prefix}[{segment}]{rest}"
        raise PathSyntaxError(text, start, f"a list index goes in brackets: write {fixed}")

    fixed = prefix + format_path_key(segment, first=not prefix) + rest
    found = text[end] if end < len(text) else segment[0]
    raise PathSyntaxError(
        text, end, f"{found!r} cannot appear in a dotted key; put the key in quoted brackets: write {fixed}"
    )


def _read_bracket(text: str, start: int) -> tuple[PathKey, int]:
    index = _INDEX.match(text, start)
    if index:
        return int(index.group(1)), index.end()

    quoted = _QUOTED.match(text, start)
    if quoted:
        body_start = quoted.start("body")
        return _unescape(text, quoted.group("body"), body_start), quoted.end()

    raise PathSyntaxError(text, *_bracket_problem(text, start))


def _bracket_problem(text: str, start: int) -> tuple[int, str]:
    """Find where a bracket that did not parse goes wrong, and suggest how to write it."""
    inside = start + 1
    if inside >= len(text):
        return inside, "expected a number or a quoted key after '['"

    char = text[inside]
    if char in "'\"":
        close = _closing_quote(text, inside + 1, char)
        if close == -1:
            return inside, f"the quote {char} opened here is never closed"
        return close + 1, f"expected ']' after the quoted key, found {_found(text, close + 1)}"
    if char == "-":
        return inside, "a list index is a whole number from 0; negative indexes are not supported"
    if char.isdigit():
        digits_end = inside
        while digits_end < len(text) and text[digits_end].isdigit():
            digits_end += 1
        return digits_end, f"expected ']' after the index, found {_found(text, digits_end)}"

    bare_end = text.find("]", inside)
    if bare_end != -1:
        key = text[inside:bare_end]
        fixed = f"{text[:start]}[{quote_key(key)}]{text[bare_end + 1 :]}"
        return inside, f"a key in brackets is quoted: write {fixed}"
    return inside, f"expected a number or a quoted key after '[', found {char!r}"


def _closing_quote(text: str, position: int, quote: str) -> int:
    while position < len(text):
        if text[position] == "\\":
            position += 2
            continue
        if text[position] == quote:
            return position
        position += 1
    return -1


def _found(text: str, position: int) -> str:
    return repr(text[position]) if position < len(text) else "the end of the path"


def _unescape(text: str, body: str, body_start: int) -> str:
    def replace(match: re.Match[str]) -> str:
        escaped = match.group(1)
        if escaped not in _ESCAPES:
            position = body_start + match.start()
            raise PathSyntaxError(text, position, f"unknown escape \\{escaped}; use \\\\, \\', \\\", \\n, \\r or \\t")
        return _ESCAPES[escaped]

    return _ESCAPE.sub(replace, body)
