"""Turn jsonschema's validation errors into messages that name the expected value and the value found.

jsonschema reports a value that fails `anyOf` as "not valid under any of the given schemas".
Typed fields here are `anyOf` a type and a {{ }} expression, so that message would hide
the real problem. This module looks inside such errors for the alternative the value was
meant to match and words that failure instead.
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError
from rapidfuzz import fuzz, process

from tools.catalog.issues import IssueCode

EXPRESSION_REF = "#/$defs/expression"
_MAX_SHOWN_TEXT = 80
_MAX_SHOWN_KEYS = 6
_SUGGESTION_CUTOFF = 70
_PATH_LIKE = re.compile(r"[A-Za-z_$][\w$-]*(\.[\w$-]+|\[[^\]]+\])+")

_TYPE_PHRASES = {
    "string": "text",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


@dataclass(frozen=True)
class Explanation:
    """A worded schema failure: its path in the validated value, its text and its issue code."""

    path: tuple[str | int, ...]
    text: str
    code: str


def explain_error(error: ValidationError, root_schema: dict[str, Any]) -> list[Explanation]:
    """Explain one top-level validation error as one or more specific failures."""
    if _is_required_choice(error):
        return [_explain_required_choice(error)]

    explanations: list[Explanation] = []
    for leaf in _leaf_errors(error):
        explanations.extend(_explain_leaf(leaf, root_schema))
    return explanations


def describe_value(value: Any) -> str:
    """Describe a JSON value briefly, naming its type, for 'got ...' in messages."""
    if isinstance(value, str):
        return _describe_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "null"
    if isinstance(value, list):
        return _describe_list(value)
    if isinstance(value, dict):
        return _describe_object(value)
    return repr(value)


def closest_match(value: str, choices: Iterable[str]) -> str | None:
    """Return the choice closest to value (case first, then spelling), or None if none is close."""
    options = list(choices)
    for option in options:
        if option.lower() == value.lower():
            return option

    match = process.extractOne(value, options, scorer=fuzz.ratio, score_cutoff=_SUGGESTION_CUTOFF)
    return match[0] if match else None


def quote_text(value: str) -> str:
    """Quote text for a message as a JSON string, shortened when long."""
    excerpt = value if len(value) <= _MAX_SHOWN_TEXT else value[:_MAX_SHOWN_TEXT] + "…"
    return json.dumps(excerpt, ensure_ascii=False)


def _describe_text(value: str) -> str:
    return f"text {quote_text(value)}" if value else "empty text"


def _describe_list(value: list[Any]) -> str:
    if not value:
        return "an empty list"
    noun = "item" if len(value) == 1 else "items"
    return f"a list of {len(value)} {noun}"


def _describe_object(value: dict[str, Any]) -> str:
    if not value:
        return "an empty object"
    keys = list(value)
    listed = ", ".join(keys[:_MAX_SHOWN_KEYS])
    more = f" and {len(keys) - _MAX_SHOWN_KEYS} more" if len(keys) > _MAX_SHOWN_KEYS else ""
    return f"an object with keys {listed}{more}"


# Choosing the failure to report


def _is_expression_branch(branch: Any) -> bool:
    return isinstance(branch, dict) and branch.get("$ref") == EXPRESSION_REF


def _branch_errors(error: ValidationError) -> dict[int, list[ValidationError]]:
    """Group the sub-errors of an anyOf/oneOf by alternative, leaving out the expression one."""
    branches = error.validator_value
    grouped: dict[int, list[ValidationError]] = {}
    for sub_error in error.context or ():
        index = sub_error.relative_schema_path[0]
        if _is_expression_branch(branches[index]):
            continue
        grouped.setdefault(index, []).append(sub_error)
    return grouped


def _is_type_mismatch(error: ValidationError) -> bool:
    """Tell whether the value failed only because it is of another type than the schema's."""
    if error.relative_path:
        return False
    if error.validator == "type":
        return True
    if error.validator in ("anyOf", "oneOf") and error.context:
        grouped = _branch_errors(error)
        return all(_is_type_mismatch(sub) for errors in grouped.values() for sub in errors)
    return False


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """Find the specific failures behind an anyOf/oneOf error.

    When the value has the type of one alternative, that alternative's own failures are
    the story (a header value that is a number, an unknown HTTP method). When it has the
    type of none, the anyOf error itself is kept and worded as a type mismatch.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]

    fitting = {
        index: errors
        for index, errors in _branch_errors(error).items()
        if not all(_is_type_mismatch(sub) for sub in errors)
    }
    if not fitting:
        return [error]

    leaves: list[ValidationError] = []
    for sub_error in fitting[min(fitting)]:
        leaves.extend(_leaf_errors(sub_error))
    return leaves


def _is_required_choice(error: ValidationError) -> bool:
    """Tell whether the error is an anyOf of 'required' alternatives, such as text or blocks."""
    if error.validator != "anyOf" or not error.context:
        return False
    return all(sub.validator == "required" and not sub.relative_path for sub in error.context)


def _explain_required_choice(error: ValidationError) -> Explanation:
    names = [name for branch in error.validator_value for name in branch.get("required", [])]
    quoted = [json.dumps(name) for name in dict.fromkeys(names)]
    choice = _join_alternatives(quoted) if len(quoted) == 1 else "one of " + _join_alternatives(quoted)
    return Explanation(
        path=tuple(error.absolute_path),
        text=f"missing required field: set {choice}",
        code=IssueCode.SCHEMA_VIOLATION,
    )


# Wording one failure


def _explain_leaf(error: ValidationError, root_schema: dict[str, Any]) -> list[Explanation]:
    path = tuple(error.absolute_path)

    if error.validator == "required":
        return _explain_required(error, root_schema)
    if error.validator == "enum":
        return [Explanation(path, _enum_text(error), IssueCode.BAD_ENUM)]

    return [Explanation(path, _leaf_text(error), IssueCode.SCHEMA_VIOLATION)]


def _leaf_text(error: ValidationError) -> str:
    got = describe_value(error.instance)
    keyword = error.validator
    limit = error.validator_value

    if keyword in ("type", "anyOf", "oneOf"):
        return _type_mismatch_text(error)
    if keyword == "const":
        return f"expected {json.dumps(limit)}, got {got}"
    if keyword == "pattern":
        expected = error.schema.get("x-expected") or f"text matching the pattern {limit}"
        return f"expected {expected}, got {got}"
    if keyword in _BOUND_PHRASES:
        return f"expected {_BOUND_PHRASES[keyword].format(limit=limit)}, got {got}"
    if keyword in _SIZE_PHRASES:
        return f"expected {_size_phrase(keyword, limit)}, got {got}"
    return error.message


_BOUND_PHRASES = {
    "minimum": "a number of at least {limit}",
    "maximum": "a number of at most {limit}",
    "exclusiveMinimum": "a number greater than {limit}",
    "exclusiveMaximum": "a number less than {limit}",
}

_SIZE_PHRASES = {
    "minItems": ("a list of at least {limit} {noun}", "item"),
    "maxItems": ("a list of at most {limit} {noun}", "item"),
    "minLength": ("text of at least {limit} {noun}", "character"),
    "maxLength": ("text of at most {limit} {noun}", "character"),
    "minProperties": ("an object with at least {limit} {noun}", "field"),
    "maxProperties": ("an object with at most {limit} {noun}", "field"),
}


def _size_phrase(keyword: str, limit: int) -> str:
    if keyword == "minLength" and limit == 1:
        return "non-empty text"
    template, noun = _SIZE_PHRASES[keyword]
    return template.format(limit=limit, noun=noun if limit == 1 else noun + "s")


def _type_mismatch_text(error: ValidationError) -> str:
    phrases = list(dict.fromkeys(_expected_phrases(error)))
    if not phrases:
        return error.message

    expected = _join_alternatives(phrases)
    text = f"expected {expected}, got {describe_value(error.instance)}"

    # Text cannot become a list or an object except through an expression, and a bare
    # path such as trigger.body.items is the usual slip.
    value = error.instance
    wants_container = "a list" in expected or "an object" in expected
    if wants_container and isinstance(value, str) and _PATH_LIKE.fullmatch(value.strip()):
        text += f"; to use the value at that path, write {{{{ {value.strip()} }}}}"
    return text


def _expected_phrases(error: ValidationError) -> list[str]:
    if error.validator == "type":
        return [error.schema.get("x-expected") or _type_phrase(error.validator_value)]

    phrases: list[str] = []
    for errors in _branch_errors(error).values():
        for sub_error in errors:
            phrases.extend(_expected_phrases(sub_error))
    return phrases


def _type_phrase(type_value: str | Sequence[str]) -> str:
    names = [type_value] if isinstance(type_value, str) else list(type_value)
    return _join_alternatives([_TYPE_PHRASES.get(name, name) for name in names])


def _enum_text(error: ValidationError) -> str:
    choices = [json.dumps(choice) if choice is not None else "null" for choice in error.validator_value]
    text = f"expected one of {', '.join(choices)}, got {describe_value(error.instance)}"

    if isinstance(error.instance, str):
        candidates = [choice for choice in error.validator_value if isinstance(choice, str)]
        suggestion = closest_match(error.instance, candidates)
        if suggestion is not None:
            text += f"; did you mean {json.dumps(suggestion)}?"
    return text


def _explain_required(error: ValidationError, root_schema: dict[str, Any]) -> list[Explanation]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    condition = _condition_phrase(error, root_schema)
    suffix = f" ({condition})" if condition else ""

    return [
        Explanation(
            path=(*error.absolute_path, name),
            text=f"missing required field {json.dumps(name)}{suffix}",
            code=IssueCode.SCHEMA_VIOLATION,
        )
        for name in error.validator_value
        if name not in instance
    ]


def _condition_phrase(error: ValidationError, root_schema: dict[str, Any]) -> str | None:
    """Word the `if` that made a field required, such as 'required when operation is update'."""
    if_schema = _enclosing_if(error, root_schema)
    if not if_schema:
        return None

    clauses = []
    for name, rule in if_schema.get("properties", {}).items():
        allowed = [rule["const"]] if "const" in rule else rule.get("enum", [])
        if allowed:
            clauses.append(f"{name} is {_join_alternatives([str(value) for value in allowed])}")
    return f"required when {' and '.join(clauses)}" if clauses else None


def _enclosing_if(error: ValidationError, root_schema: dict[str, Any]) -> dict[str, Any] | None:
    """Walk the error's schema path to the `then` it came from and return the sibling `if`.

    The walk stops at a $ref, because the path then continues in another schema.
    """
    node: Any = root_schema
    found: dict[str, Any] | None = None
    for token in error.absolute_schema_path:
        if token == "$ref":
            break
        if token == "then" and isinstance(node, dict):
            found = node.get("if")
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            break
    return found


def _join_alternatives(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]
