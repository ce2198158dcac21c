"""`logic_condition`, and the comparison rules it shares with `transform_filter`.

A rule compares the value at `field` with `value` by `operator`. `field` is either an expression
or a dotted path into the data under test (the node's input, or the item being filtered).
Comparisons are strict, as the expression language's are: a number never equals text, and
ordering a number against text fails the node instead of guessing.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from tools.expressions import ExpressionError, describe_value, evaluate, has_expression
from tools.expressions.errors import closest_match, list_keys
from tools.expressions.templates import find_expression_spans
from tools.expressions.values import is_list, is_number, strict_equal, truthy
from tools.replay.executors.base import NodeCall
from tools.replay.failures import NodeFailure, expression_failure, invalid_config

_OPERATOR_NAMES = {
    "eq": "eq", "==": "eq", "equals": "eq",
    "ne": "ne", "!=": "ne", "not_equals": "ne",
    "gt": "gt", ">": "gt", "greater_than": "gt",
    "gte": "gte", ">=": "gte",
    "lt": "lt", "<": "lt", "less_than": "lt",
    "lte": "lte", "<=": "lte",
    "contains": "contains",
    "startsWith": "starts_with", "starts_with": "starts_with",
    "endsWith": "ends_with", "ends_with": "ends_with",
    "matches": "matches", "regex": "matches",
    "in": "in",
    "empty": "empty", "is_empty": "empty",
    "not_empty": "not_empty", "is_not_empty": "not_empty",
    "exists": "exists", "not_exists": "not_exists",
}  # fmt: skip
_PRESENCE_OPERATORS = frozenset({"empty", "not_empty", "exists", "not_exists"})
_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

# Marks a field path that does not lead to a value; presence operators accept it.
_MISSING = object()


def execute_condition(call: NodeCall) -> dict[str, Any]:
    """Decide the branch: output {"result": bool, "output": "true" | "false"}."""
    mode = call.config_value("mode", "if")
    conditions = call.config.get("conditions")
    expression = call.config.get("expression")

    if mode == "expression" or (conditions is None and expression is not None):
        if not isinstance(expression, str) or not expression.strip():
            raise invalid_config('expression: mode "expression" needs a boolean expression text')
        result = evaluate_boolean(call, expression, where="expression")
    elif conditions is not None:
        result = evaluate_rules(call, conditions, subject=call.input)
    else:
        raise invalid_config("a condition needs conditions (a list of comparisons) or expression")
    return {"result": result, "output": "true" if result else "false"}


def evaluate_rules(call: NodeCall, raw_rules: Any, *, subject: Any) -> bool:
    """Combine a list of rules with `combine` (and, or), against the data under test."""
    rules = call.render(raw_rules, where="conditions") if isinstance(raw_rules, str) else raw_rules
    if not isinstance(rules, list) or not rules:
        raise invalid_config(f"conditions: expected a list of at least one comparison, got {describe_value(rules)}")

    combine = call.config_value("combine", "and")
    if combine not in ("and", "or"):
        raise invalid_config(f'combine: expected "and" or "or", got {describe_value(combine)}')

    results = (
        evaluate_rule(call, rule, subject=subject, where=f"conditions[{index}]") for index, rule in enumerate(rules)
    )
    return all(results) if combine == "and" else any(results)


def evaluate_rule(call: NodeCall, rule: Any, *, subject: Any, where: str, extra: dict[str, Any] | None = None) -> bool:
    """Apply one comparison rule {field, operator, value}.

    Raises:
        NodeFailure: the rule is malformed, its field is missing, or its operands cannot be compared.
    """
    if not isinstance(rule, Mapping) or "field" not in rule or "operator" not in rule:
        raise invalid_config(f"{where}: expected an object with field and operator, got {describe_value(rule)}")

    operator = _operator(call, rule["operator"], f"{where}.operator", extra)
    field_value = _field_value(call, rule["field"], subject, f"{where}.field", operator, extra)
    if operator in _PRESENCE_OPERATORS:
        return _presence(operator, field_value)

    expected = call.render(rule.get("value"), where=f"{where}.value", extra=extra)
    return _compare(operator, field_value, expected, where)


def evaluate_boolean(call: NodeCall, text: str, *, where: str, extra: dict[str, Any] | None = None) -> bool:
    """Evaluate a boolean expression written with or without braces.

    `{{ a > 1 }}` is one expression. `{{ a }} == 200` is read as `(a) == 200`, so literal text
    between the braces joins the expression. Text without braces is an expression as written.
    """
    context = call.state.context if extra is None else {**call.state.context, **extra}
    try:
        value = evaluate(_as_expression(text), context, now=call.state.now())
    except ExpressionError as error:
        if error.template is None:
            error.template = text
        raise expression_failure(error, where=where) from None
    return truthy(value)


def _as_expression(text: str) -> str:
    if not has_expression(text):
        return text
    pieces = []
    cursor = 0
    for start, end in find_expression_spans(text):
        pieces.append(text[cursor:start])
        pieces.append("(" + text[start + 2 : end - 2].strip() + ")")
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces).strip()


def _operator(call: NodeCall, raw: Any, where: str, extra: dict[str, Any] | None) -> str:
    written = call.render(raw, where=where, extra=extra)
    if isinstance(written, str) and written in _OPERATOR_NAMES:
        return _OPERATOR_NAMES[written]
    closest = closest_match(str(written), _OPERATOR_NAMES) if isinstance(written, str) else None
    hint = f'; did you mean "{closest}"?' if closest else ""
    raise invalid_config(
        f"{where}: unknown operator {describe_value(written)}; operators: {list_keys(list(_OPERATOR_NAMES))}{hint}",
        {"field": where, "closest": closest},
    )


def _field_value(
    call: NodeCall, field: Any, subject: Any, where: str, operator: str, extra: dict[str, Any] | None
) -> Any:
    if not isinstance(field, str) or not field:
        raise invalid_config(f"{where}: expected a dotted path or an expression, got {describe_value(field)}")
    if has_expression(field):
        try:
            return call.render(field, where=where, extra=extra)
        except NodeFailure as failure:
            # exists and empty test whether the value is there, so a missing path counts as absent.
            if operator in _PRESENCE_OPERATORS and failure.detail.get("code") == "missing_path":
                return _MISSING
            raise

    value, problem = read_path(subject, field)
    if value is _MISSING and operator not in _PRESENCE_OPERATORS:
        raise NodeFailure("FIELD_NOT_FOUND", f'{where} "{field}": {problem}', {"field": where, "path": field})
    return value


def read_path(subject: Any, path: str) -> tuple[Any, str | None]:
    """Follow a dotted path (`body.items[0].name`) into data.

    Returns the value and None, or the missing marker and why the path breaks there.
    """
    value = subject
    walked = "the data under test"
    for match in _PATH_STEP.finditer(path):
        key, index = match.group(1), match.group(2)
        if index is not None and is_list(value):
            position = int(index)
            if position >= len(value):
                return _MISSING, f"index {position} is out of range, {walked} has {len(value)} items"
            value = value[position]
        elif key is not None and isinstance(value, Mapping):
            if key not in value:
                return _MISSING, _missing_key_text(key, value, walked)
            value = value[key]
        else:
            step = key if key is not None else f"[{index}]"
            return _MISSING, f'{walked} is {describe_value(value)}, cannot read "{step}"'
        walked = path[: match.end()]
    return value, None


def _missing_key_text(key: str, value: Mapping[Any, Any], walked: str) -> str:
    keys = sorted(str(name) for name in value)
    closest = closest_match(key, keys)
    suggestion = f'; did you mean "{closest}"?' if closest else ""
    listing = f"keys there: {list_keys(keys)}" if keys else "it is an empty object"
    return f'no key "{key}" in {walked}; {listing}{suggestion}'


def _presence(operator: str, value: Any) -> bool:
    present = value is not _MISSING and value is not None
    empty = not present or value == "" or (isinstance(value, list | dict) and not value)
    return {"exists": present, "not_exists": not present, "empty": empty, "not_empty": not empty}[operator]


def _compare(operator: str, left: Any, right: Any, where: str) -> bool:
    if operator == "eq":
        return strict_equal(left, right)
    if operator == "ne":
        return not strict_equal(left, right)
    return _COMPARISONS[operator](left, right, where)


def _ordered(test: Callable[[Any, Any], bool], symbol: str) -> Callable[[Any, Any, str], bool]:
    def compare(left: Any, right: Any, where: str) -> bool:
        if (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
            return test(left, right)
        raise _type_mismatch(where, f"{symbol} compares two numbers or two texts", left, right)

    return compare


def _contains(left: Any, right: Any, where: str) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return right in left
    if is_list(left):
        return any(strict_equal(item, right) for item in left)
    if isinstance(left, Mapping) and isinstance(right, str):
        return right in left
    raise _type_mismatch(where, "contains looks for text in text, an item in a list or a key in an object", left, right)


def _text_test(test: Callable[[str, str], bool], name: str) -> Callable[[Any, Any, str], bool]:
    def compare(left: Any, right: Any, where: str) -> bool:
        if isinstance(left, str) and isinstance(right, str):
            return test(left, right)
        raise _type_mismatch(where, f"{name} compares two texts", left, right)

    return compare


def _matches(left: Any, right: Any, where: str) -> bool:
    if not isinstance(left, str) or not isinstance(right, str):
        raise _type_mismatch(where, "matches tests text against a regular expression given as text", left, right)
    try:
        # NOTE: LinkFlow's engine uses Go's RE2 syntax; Python's re accepts a superset of it.
        return re.search(right, left) is not None
    except re.error as error:
        raise invalid_config(f"{where}.value: invalid regular expression {right!r}: {error}") from None


def _in(left: Any, right: Any, where: str) -> bool:
    if is_list(right):
        return any(strict_equal(left, item) for item in right)
    if isinstance(left, str) and isinstance(right, str):
        return left in right
    raise _type_mismatch(where, "in looks for the field's value in a list given as value", left, right)


def _type_mismatch(where: str, rule: str, left: Any, right: Any) -> NodeFailure:
    message = f"{where}: {rule}, got {describe_value(left)} and {describe_value(right)}"
    return NodeFailure(
        "TYPE_MISMATCH",
        message,
        {"field": where, "left": describe_value(left), "right": describe_value(right)},
    )


_COMPARISONS: dict[str, Callable[[Any, Any, str], bool]] = {
    "gt": _ordered(lambda left, right: left > right, "gt"),
    "gte": _ordered(lambda left, right: left >= right, "gte"),
    "lt": _ordered(lambda left, right: left < right, "lt"),
    "lte": _ordered(lambda left, right: left <= right, "lte"),
    "contains": _contains,
    "starts_with": _text_test(str.startswith, "startsWith"),
    "ends_with": _text_test(str.endswith, "endsWith"),
    "matches": _matches,
    "in": _in,
}
