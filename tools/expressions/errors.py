"""Errors of the expression language, written for the diagnosers and the model that read them.

Every message starts with the expression part that failed (a path as written, a call, an
operation) and states what was found there, so it can be read without the workflow beside it.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tools.expressions.pathtext import format_path_key
from tools.expressions.values import js_number_text

_PREVIEW_CHARS = 40
_DESCRIBED_KEYS = 10
_LISTED_KEYS = 30


class ExpressionError(Exception):
    """Base of every error raised while parsing or evaluating an expression.

    `expression` is the expression text, without braces. `template` is the whole string it came
    from when it was rendered as part of a template. `field` is where that string sits inside a
    value given to `render_value`, such as `headers.Authorization` or `to[0]`.
    """

    code = "expression_error"

    def __init__(self, message: str, *, expression: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expression = expression
        self.template: str | None = None
        self.field_keys: list[str | int] = []

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses take keyword-only arguments, which Exception's default pickling cannot pass.
        return (_restore_error, (type(self), self.message, self.__dict__))

    @property
    def field(self) -> str | None:
        """Location of the failing string inside the value given to `render_value`."""
        if not self.field_keys:
            return None
        return "".join(format_path_key(key, first=index == 0) for index, key in enumerate(self.field_keys))

    def details(self) -> dict[str, Any]:
        """Attributes particular to the subclass, for `to_dict`."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Serialize the error as JSON-ready data, for the diagnosers and the model."""
        return {
            "code": self.code,
            "message": self.message,
            "expression": self.expression,
            "template": self.template,
            "field": self.field,
            **self.details(),
        }


class ExpressionSyntaxError(ExpressionError):
    """An expression or template that does not parse.

    `position` is the 0-based character offset in the expression text (in the template for an
    unclosed `{{`), `expected` what the parser could have accepted there, `found` what it met.
    """

    code = "expression_syntax"

    def __init__(
        self,
        message: str,
        *,
        expression: str | None,
        position: int,
        expected: list[str] | None = None,
        found: str | None = None,
    ) -> None:
        super().__init__(message, expression=expression)
        self.position = position
        self.expected = expected or []
        self.found = found

    def details(self) -> dict[str, Any]:
        return {"position": self.position, "expected": self.expected, "found": self.found}


class MissingPathError(ExpressionError):
    """A path that does not lead to a value.

    `path` is the whole path as written (`fetch_customer.body.emial`). `root` is the context root
    it starts from: `nodes` for a node's output, else `trigger`, `env` and so on. `node` is the
    node id it points into, None outside `nodes`. `missing_key` is the key or index that broke,
    `at_path` the path up to that key, `available_keys` the sorted keys that exist there, and
    `closest` the nearest of them when one is close. `reason` is one of `missing_key`,
    `index_out_of_range`, `null`, `not_an_object` and `unknown_node`. `length` is the length of
    the list or text that an index was out of range for.
    """

    code = "missing_path"

    def __init__(
        self,
        message: str,
        *,
        path: str,
        root: str | None,
        node: str | None,
        missing_key: str | int,
        at_path: str,
        available_keys: list[str],
        closest: str | None,
        reason: str,
        length: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.root = root
        self.node = node
        self.missing_key = missing_key
        self.at_path = at_path
        self.available_keys = available_keys
        self.closest = closest
        self.reason = reason
        self.length = length

    def details(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "root": self.root,
            "node": self.node,
            "missing_key": self.missing_key,
            "at_path": self.at_path,
            "available_keys": self.available_keys,
            "closest": self.closest,
            "reason": self.reason,
            "length": self.length,
        }


class ExpressionTypeError(ExpressionError):
    """A value of the wrong kind for an operation or a function argument.

    `expected` and `got` are phrases (`a list`, `an object with keys items, total`); `function`
    and `argument` (1-based) are set when a function call raised it.
    """

    code = "type_mismatch"

    def __init__(
        self,
        message: str,
        *,
        expected: str,
        got: str,
        function: str | None = None,
        argument: int | None = None,
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got
        self.function = function
        self.argument = argument

    def details(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "got": self.got,
            "function": self.function,
            "argument": self.argument,
        }


class UnknownFunctionError(ExpressionError):
    """A call of a function the language does not have, with the known ones and the closest."""

    code = "unknown_function"

    def __init__(
        self,
        message: str,
        *,
        expression: str | None,
        name: str,
        known: list[str],
        closest: str | None,
        position: int,
    ) -> None:
        super().__init__(message, expression=expression)
        self.name = name
        self.known = known
        self.closest = closest
        self.position = position

    def details(self) -> dict[str, Any]:
        return {"name": self.name, "known": self.known, "closest": self.closest, "position": self.position}


def _restore_error(
    error_class: type[ExpressionError], message: str, state: dict[str, Any]
) -> ExpressionError:
    error = error_class.__new__(error_class)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def describe_value(value: Any) -> str:
    """Describe a value in a few words for an error: objects by their keys, lists by length.

    Examples: `null`, `the number 5`, `text "abc"`, `a list of 3 items`,
    `an object with keys data, total`.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {js_number_text(value)}"
    if isinstance(value, str):
        return _describe_text(value)
    if isinstance(value, list | tuple):
        return _describe_list(value)
    if isinstance(value, Mapping):
        return _describe_object(value)
    return f"a {type(value).__name__} value"


def closest_match(word: str, candidates: Iterable[Any]) -> str | None:
    """Find the candidate a misspelt `word` most likely meant, or None when none is close.

    A candidate that differs only in case, or in `_`/`-` separators (customer_id, customerId,
    CustomerID), wins first. Otherwise the candidate with the smallest Levenshtein distance,
    ignoring case, within max(2, len(word) // 3) edits, or 1 edit for words of up to 3 characters.
    Ties go to the alphabetically first candidate.
    """
    names = sorted({str(candidate) for candidate in candidates})
    if not names or not word:
        return None

    folded = _fold(word)
    for name in names:
        if _fold(name) == folded:
            return name

    limit = 1 if len(word) <= 3 else max(2, len(word) // 3)
    match = process.extractOne(
        word.lower(), names, scorer=Levenshtein.distance, processor=str.lower, score_cutoff=limit
    )
    return match[0] if match else None


def list_keys(keys: list[str]) -> str:
    """Join keys for a message, cut after a fixed number so messages stay readable."""
    if len(keys) <= _LISTED_KEYS:
        return ", ".join(keys)
    return ", ".join(keys[:_LISTED_KEYS]) + f" and {len(keys) - _LISTED_KEYS} more"


def _fold(word: str) -> str:
    return word.replace("_", "").replace("-", "").lower()


def _describe_text(value: str) -> str:
    if not value:
        return "empty text"
    if len(value) <= _PREVIEW_CHARS:
        return "text " + json.dumps(value, ensure_ascii=False)
    preview = json.dumps(value[:_PREVIEW_CHARS], ensure_ascii=False)
    return f'text {preview[:-1]}..." ({len(value)} characters)'


def _describe_list(value: list[Any] | tuple[Any, ...]) -> str:
    if not value:
        return "an empty list"
    if len(value) == 1:
        return "a list of 1 item"
    return f"a list of {len(value)} items"


def _describe_object(value: Mapping[Any, Any]) -> str:
    keys = sorted(str(key) for key in value)
    if not keys:
        return "an empty object"
    if len(keys) > _DESCRIBED_KEYS:
        first_keys = ", ".join(keys[:_DESCRIBED_KEYS])
        return f"an object with keys {first_keys} and {len(keys) - _DESCRIBED_KEYS} more"
    return "an object with key " + keys[0] if len(keys) == 1 else "an object with keys " + ", ".join(keys)
