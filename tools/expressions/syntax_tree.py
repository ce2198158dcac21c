"""The syntax tree a parsed expression becomes, and its evaluation against a run's context.

Each node evaluates itself against a `Scope`; the parser builds the tree once per expression text,
so evaluation only walks these small frozen objects.
"""

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tools.expressions import paths
from tools.expressions.errors import ExpressionTypeError, describe_value
from tools.expressions.values import (
    is_number,
    js_string,
    normalize_number,
    strict_equal,
    truthy,
)


class Scope:
    """Context, node outputs and clock of one evaluation."""

    __slots__ = ("context", "nodes", "now")

    def __init__(self, context: Mapping[str, Any], now: datetime | None) -> None:
        if not isinstance(context, Mapping):
            raise TypeError(f"the evaluation context must be a mapping, got {type(context).__name__}")
        nodes = context.get("nodes")
        if nodes is None:
            nodes = {}
        elif not isinstance(nodes, Mapping):
            raise TypeError(f'context["nodes"] must map node ids to outputs, got {describe_value(nodes)}')
        if now is not None and now.utcoffset() is None:
            raise ValueError(f"the clock must be timezone-aware, got the naive datetime {now.isoformat()}")

        self.context = context
        self.nodes = nodes
        self.now = now


@dataclass(frozen=True, slots=True)
class Literal:
    value: Any

    def evaluate(self, scope: Scope) -> Any:
        return self.value

    def children(self) -> tuple[Any, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Segment:
    """One step of a path: a literal key or index, or a computed one (`key_node`).

    `text` is the step as written: `.body`, `['c-d']`, `[0]` or `[trigger.body.field]`.
    """

    key: str | int | None
    key_node: Any
    text: str


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of member and index accesses from one root.

    `lenient` marks a path whose value is only tested for truthiness (`a.nick || a.name`): there,
    as in JavaScript, a missing last key or index reads as null instead of raising.
    """

    kind: str
    name: str | None
    base: Any
    segments: tuple[Segment, ...]
    text: str
    root_text: str
    lenient: bool = False

    def evaluate(self, scope: Scope) -> Any:
        value = paths.resolve_root(self, scope)
        for index, segment in enumerate(self.segments):
            key = segment.key if segment.key_node is None else segment.key_node.evaluate(scope)
            if type(value) is dict and type(key) is str:
                found = value.get(key, paths.MISSING)
                if found is not paths.MISSING:
                    value = found
                    continue
            value = paths.step(self, scope, value, key, index)
        return value

    def children(self) -> tuple[Any, ...]:
        keys = tuple(segment.key_node for segment in self.segments if segment.key_node is not None)
        return (self.base, *keys) if self.base is not None else keys


@dataclass(frozen=True, slots=True)
class Call:
    """A call of one of the language's functions; `function` receives the evaluated arguments."""

    name: str
    function: Callable[[Scope, "Call", list[Any]], Any]
    arguments: tuple[Any, ...]
    text: str

    def evaluate(self, scope: Scope) -> Any:
        return self.function(scope, self, [argument.evaluate(scope) for argument in self.arguments])

    def children(self) -> tuple[Any, ...]:
        return self.arguments


@dataclass(frozen=True, slots=True)
class Negate:
    operand: Any
    text: str

    def evaluate(self, scope: Scope) -> Any:
        value = self.operand.evaluate(scope)
        if not is_number(value):
            raise _operand_error(self.text, "-", value, "after")
        return normalize_number(-value)

    def children(self) -> tuple[Any, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Any

    def evaluate(self, scope: Scope) -> bool:
        return not truthy(self.operand.evaluate(scope))

    def children(self) -> tuple[Any, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Add:
    """`+`: joins text when either side is text, else adds two numbers."""

    left: Any
    right: Any
    text: str

    def evaluate(self, scope: Scope) -> Any:
        left = self.left.evaluate(scope)
        right = self.right.evaluate(scope)
        if isinstance(left, str):
            return left + (right if isinstance(right, str) else js_string(right))
        if isinstance(right, str):
            return js_string(left) + right
        if is_number(left) and is_number(right):
            return _finite(self.text, left + right)

        got = f"{describe_value(left)} and {describe_value(right)}"
        raise ExpressionTypeError(
            f'{self.text}: "+" adds two numbers or joins text, got {got}',
            expected="two numbers, or text on one side",
            got=got,
        )

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`-`, `*`, `/` and `%` on two numbers."""

    symbol: str
    left: Any
    right: Any
    text: str
    right_text: str

    def evaluate(self, scope: Scope) -> Any:
        left = self.left.evaluate(scope)
        right = self.right.evaluate(scope)
        if not is_number(left):
            raise _operand_error(self.text, self.symbol, left, "on the left of")
        if not is_number(right):
            raise _operand_error(self.text, self.symbol, right, "on the right of")
        if right == 0 and self.symbol in "/%":
            divisor = "" if isinstance(self.right, Literal) else f", because {self.right_text} is 0"
            raise ExpressionTypeError(
                f"{self.text}: division by zero{divisor}; JavaScript would give Infinity or NaN, "
                "which JSON cannot hold",
                expected="a non-zero divisor",
                got=describe_value(right),
            )
        return _finite(self.text, _ARITHMETIC[self.symbol](left, right))

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Equality:
    """`==`, `===`, `!=` and `!==`, all strict."""

    negated: bool
    left: Any
    right: Any

    def evaluate(self, scope: Scope) -> bool:
        return strict_equal(self.left.evaluate(scope), self.right.evaluate(scope)) is not self.negated

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Relation:
    """`<`, `<=`, `>` and `>=` on two numbers or two texts; mixed kinds raise instead of converting."""

    symbol: str
    left: Any
    right: Any
    text: str

    def evaluate(self, scope: Scope) -> bool:
        left = self.left.evaluate(scope)
        right = self.right.evaluate(scope)
        if (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
            return _RELATIONS[self.symbol](left, right)

        got = f"{describe_value(left)} and {describe_value(right)}"
        hint = "; convert text with toNumber()" if isinstance(left, str) or isinstance(right, str) else ""
        raise ExpressionTypeError(
            f'{self.text}: "{self.symbol}" compares two numbers or two texts, got {got}{hint}',
            expected="two numbers or two texts",
            got=got,
        )

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class And:
    """`&&`: the left operand when it is falsy, else the right one, as in JavaScript."""

    left: Any
    right: Any

    def evaluate(self, scope: Scope) -> Any:
        left = self.left.evaluate(scope)
        return self.right.evaluate(scope) if truthy(left) else left

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Or:
    """`||`: the left operand when it is truthy, else the right one, as in JavaScript."""

    left: Any
    right: Any

    def evaluate(self, scope: Scope) -> Any:
        left = self.left.evaluate(scope)
        return left if truthy(left) else self.right.evaluate(scope)

    def children(self) -> tuple[Any, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Conditional:
    test: Any
    then: Any
    otherwise: Any

    def evaluate(self, scope: Scope) -> Any:
        if truthy(self.test.evaluate(scope)):
            return self.then.evaluate(scope)
        return self.otherwise.evaluate(scope)

    def children(self) -> tuple[Any, ...]:
        return (self.test, self.then, self.otherwise)


Expression = (
    Literal | Path | Call | Negate | Not | Add | Arithmetic | Equality | Relation | And | Or | Conditional
)


def _remainder(left: float, right: float) -> int | float:
    # JavaScript's % keeps the sign of the dividend; Python's follows the divisor.
    if isinstance(left, int) and isinstance(right, int):
        result = abs(left) % abs(right)
        return -result if left < 0 else result
    return math.fmod(left, right)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": _remainder,
}

_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _finite(text: str, result: float) -> int | float:
    number = normalize_number(result)
    if isinstance(number, float) and not math.isfinite(number):
        raise ExpressionTypeError(
            f"{text}: the result is too large for a number, and JSON cannot hold Infinity",
            expected="a finite number",
            got=describe_value(number),
        )
    return number


def _operand_error(text: str, symbol: str, value: Any, side: str) -> ExpressionTypeError:
    got = describe_value(value)
    hint = "; convert text with toNumber()" if isinstance(value, str) else ""
    return ExpressionTypeError(
        f'{text}: expected a number {side} "{symbol}", got {got}{hint}',
        expected="a number",
        got=got,
    )
