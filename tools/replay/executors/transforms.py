"""`transform_set` and `transform_filter`: data shaping with no outside calls."""

from collections.abc import Mapping
from typing import Any

from tools.expressions import describe_value
from tools.replay.executors.base import NodeCall, expression_source
from tools.replay.executors.conditions import evaluate_boolean, evaluate_rule
from tools.replay.failures import NodeFailure, invalid_config


def execute_set(call: NodeCall) -> dict[str, Any]:
    """Output the input object with the fields of `values` added or replaced.

    An input that is not an object (a list, or null for a node without predecessors) is not
    merged: the output then holds only the fields of `values`.
    """
    if "values" not in call.config:
        raise invalid_config("values is missing: list the fields to set, as [{key, value}] or an object")
    values = call.config["values"]
    if isinstance(values, str):
        values = call.render(values, where="values")

    if isinstance(values, list):
        fields = _entry_fields(call, values)
    elif isinstance(values, Mapping):
        fields = call.render(values, where="values")
    else:
        raise invalid_config(
            f"values: expected a list of {{key, value}} entries or an object, got {describe_value(values)}"
        )

    output = dict(call.input) if isinstance(call.input, Mapping) else {}
    output.update(fields)
    return output


def _entry_fields(call: NodeCall, entries: list[Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str) or not entry["key"]:
            raise invalid_config(
                f"values[{index}]: expected an object with a non-empty text key, got {describe_value(entry)}"
            )
        key = call.render_text(entry["key"], where=f"values[{index}].key")
        fields[key] = call.render(entry.get("value"), where=f"values[{index}].value")
    return fields


def execute_filter(call: NodeCall) -> dict[str, Any]:
    """Keep the items for which `condition` holds; output {"items": [...], "count": N}."""
    if "input" not in call.config or "condition" not in call.config:
        raise invalid_config("a filter needs input (the list to filter) and condition")

    raw_items = call.config["input"]
    items = call.render(raw_items, where="input")
    if not isinstance(items, list):
        source = expression_source(raw_items, "input")
        raise NodeFailure(
            "FILTER_INPUT_NOT_A_LIST",
            f"input: expected a list at {source}, got {describe_value(items)}",
            {"source": source, "got": describe_value(items)},
        )

    condition = call.config["condition"]
    if not isinstance(condition, Mapping | str):
        raise invalid_config(
            f"condition: expected a comparison object or an expression, got {describe_value(condition)}"
        )
    kept = [item for index, item in enumerate(items) if _keeps(call, condition, item, index)]
    return {"items": kept, "count": len(kept)}


def _keeps(call: NodeCall, condition: Mapping[str, Any] | str, item: Any, index: int) -> bool:
    where = f"condition (item {index})"
    extra = {"item": item}
    if isinstance(condition, str):
        return evaluate_boolean(call, condition, where=where, extra=extra)
    return evaluate_rule(call, condition, subject=item, where=where, extra=extra)
