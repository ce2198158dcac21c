"""LinkFlow's expression language: the `{{ ... }}` pieces in a workflow's configuration.

The context is a mapping with the roots `trigger`, `env`, `credential`, `workflow`, `execution`
and `nodes` (node id to that node's output). A bare name that is not a root is a node id, as in
`fetch_customer.body`. Only when `nodes` has no such id is the name read as a top-level key of the
context. Ids that are not plain names, or that equal a root, are read as `nodes['fetch-customer']`.

Semantics follow JavaScript where users expect them (`+` joins text, `&&` and `||` return an
operand by truthiness), with stricter rules where JavaScript would hide a data problem:

- comparisons are strict: `==` is `===`, and `<` on a number and text raises instead of converting;
- `-`, `*`, `/`, `%` and unary `-` need numbers, and division by zero raises (JSON has no Infinity);
- a path that does not exist raises MissingPathError, except a missing last key or index of a
  path whose value is only tested for truthiness (`a.nick || a.name`, `!a.flag`, `a.x ? b : c`),
  which reads as null as JavaScript's undefined would;
- lists and objects compare by content;
- arithmetic results that are whole numbers are ints, as JSON writers print them (3, not 3.0).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tools.expressions.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    MissingPathError,
    UnknownFunctionError,
    describe_value,
)
from tools.expressions.functions import FUNCTIONS
from tools.expressions.parser import parse_expression
from tools.expressions.references import referenced_nodes, referenced_paths
from tools.expressions.syntax_tree import Scope
from tools.expressions.templates import (
    find_expression_spans,
    parse_template,
    render_nested,
    render_string,
)

FUNCTION_NAMES = tuple(sorted(FUNCTIONS))


def evaluate(expression: str, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
    """Evaluate one expression, written without braces, against a run's context.

    `now` is the run's clock (timezone-aware): `now()` returns it, and the real clock is read only
    when it is None.

    Raises:
        ExpressionError: a subclass saying what failed; `expression` is set on it.
    """
    node = parse_expression(expression)
    scope = Scope(context, now)
    try:
        return node.evaluate(scope)
    except ExpressionError as error:
        error.expression = expression
        raise


def render(template: Any, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
    """Render a template string; a string that is exactly one `{{ ... }}` keeps its value's type.

    Values other than strings, and strings without `{{`, are returned unchanged.

    Raises:
        ExpressionError: with `expression` (the failing piece) and `template` set.
    """
    if not isinstance(template, str) or "{{" not in template:
        return template
    return render_string(template, Scope(context, now))


def render_value(value: Any, context: Mapping[str, Any], *, now: datetime | None = None) -> Any:
    """Render every string inside a value (objects field by field in key order, lists item by
    item), such as a node's whole configuration.

    Raises:
        ExpressionError: with `field` set to where the failing string sits (`headers.Authorization`).
    """
    return render_nested(value, Scope(context, now))


def find_expressions(template: str) -> list[str]:
    """List the expression texts inside the `{{ }}` of a template, stripped, without parsing them.

    Raises:
        ExpressionSyntaxError: a `{{` has no closing `}}`.
    """
    return [template[start + 2 : end - 2].strip() for start, end in find_expression_spans(template)]


def has_expression(text: Any) -> bool:
    """Tell whether a value is a string that `render` treats as a template (it contains `{{`)."""
    return isinstance(text, str) and "{{" in text


__all__ = [
    "FUNCTION_NAMES",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "MissingPathError",
    "UnknownFunctionError",
    "describe_value",
    "evaluate",
    "find_expressions",
    "has_expression",
    "parse_expression",
    "parse_template",
    "referenced_nodes",
    "referenced_paths",
    "render",
    "render_value",
]
