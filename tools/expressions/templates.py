"""Templates: strings that hold `{{ expression }}` pieces among literal text.

A string that is exactly one `{{ ... }}` (whitespace inside the braces aside) gives the value with
its type. Otherwise each value is converted to text and joined with the literal text: null as
empty text, lists and objects as compact JSON. Nothing is URL-encoded.
"""

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.expressions.errors import ExpressionError, ExpressionSyntaxError
from tools.expressions.parser import PARSE_CACHE_SIZE, parse_expression
from tools.expressions.syntax_tree import Expression, Scope
from tools.expressions.values import template_text

_OPEN = "{{"
_CLOSE = "}}"


@dataclass(frozen=True, slots=True)
class Piece:
    """One `{{ ... }}` of a template: its expression text, stripped, and its syntax tree."""

    text: str
    node: Expression


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: literal text and pieces in order; `single` is set when the whole
    string is one piece, whose value keeps its type."""

    source: str
    parts: tuple[str | Piece, ...]
    single: Piece | None


def find_expression_spans(template: str) -> list[tuple[int, int]]:
    """Locate each `{{ ... }}` as (start of `{{`, end after `}}`).

    A `}}` inside a quoted string of the expression does not close it.

    Raises:
        ExpressionSyntaxError: a `{{` has no closing `}}`.
    """
    spans = []
    start = template.find(_OPEN)
    while start != -1:
        close = _closing_braces(template, start + len(_OPEN))
        if close == -1:
            raise _unclosed_error(template, start)
        spans.append((start, close + len(_CLOSE)))
        start = template.find(_OPEN, close + len(_CLOSE))
    return spans


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_template(template: str) -> Template:
    """Split a template into literal text and parsed pieces; cached on the exact text.

    Raises:
        ExpressionError: a piece does not parse; its `template` names the whole string.
    """
    parts: list[str | Piece] = []
    cursor = 0
    for start, end in find_expression_spans(template):
        if start > cursor:
            parts.append(template[cursor:start])
        text = template[start + len(_OPEN) : end - len(_CLOSE)].strip()
        parts.append(Piece(text=text, node=_parse_piece(text, template)))
        cursor = end
    if cursor < len(template):
        parts.append(template[cursor:])

    single = parts[0] if len(parts) == 1 and isinstance(parts[0], Piece) else None
    return Template(source=template, parts=tuple(parts), single=single)


def render_string(template: str, scope: Scope) -> Any:
    """Render one string against a scope; a string without `{{` comes back unchanged."""
    if _OPEN not in template:
        return template

    compiled = parse_template(template)
    if compiled.single is not None:
        return _evaluate_piece(compiled.single, template, scope)

    texts = []
    for part in compiled.parts:
        if type(part) is str:
            texts.append(part)
            continue
        value = _evaluate_piece(part, template, scope)
        texts.append(value if type(value) is str else template_text(value))
    return "".join(texts)


def render_nested(value: Any, scope: Scope) -> Any:
    """Render every string inside objects and lists, keeping key order; other values stay.

    An error raised inside gets the location of its string in `field_keys`.
    """
    if isinstance(value, str):
        return render_string(value, scope)
    if isinstance(value, Mapping):
        return _render_object(value, scope)
    if isinstance(value, list | tuple):
        return _render_list(value, scope)
    return value


def _render_object(value: Mapping[Any, Any], scope: Scope) -> dict[Any, Any]:
    rendered = {}
    for key, item in value.items():
        try:
            rendered[key] = render_nested(item, scope)
        except ExpressionError as error:
            error.field_keys.insert(0, key)
            raise
    return rendered


def _render_list(value: list[Any] | tuple[Any, ...], scope: Scope) -> list[Any]:
    rendered = []
    for index, item in enumerate(value):
        try:
            rendered.append(render_nested(item, scope))
        except ExpressionError as error:
            error.field_keys.insert(0, index)
            raise
    return rendered


def _evaluate_piece(piece: Piece, template: str, scope: Scope) -> Any:
    try:
        return piece.node.evaluate(scope)
    except ExpressionError as error:
        error.expression = piece.text
        error.template = template
        raise


def _parse_piece(text: str, template: str) -> Expression:
    try:
        return parse_expression(text)
    except ExpressionError as error:
        error.template = template
        raise


def _closing_braces(template: str, start: int) -> int:
    """Find the `}}` that closes an expression starting at `start`, skipping quoted strings.

    When a quote never closes, the first `}}` is taken, so the parser reports the broken string.
    """
    quote = None
    index = start
    while index < len(template):
        character = template[index]
        if quote is not None:
            if character == "\\":
                index += 1
            elif character == quote:
                quote = None
        elif character in "'\"":
            quote = character
        elif template.startswith(_CLOSE, index):
            return index
        index += 1
    return template.find(_CLOSE, start)


def _unclosed_error(template: str, start: int) -> ExpressionSyntaxError:
    message = (
        f'syntax error in template {json.dumps(template, ensure_ascii=False)}: the "{{{{" at character '
        f'{start + 1} has no closing "}}}}"'
    )
    error = ExpressionSyntaxError(
        message,
        expression=template[start + len(_OPEN) :].strip(),
        position=start,
        expected=['"}}"'],
        found="the end of the template",
    )
    error.template = template
    return error
