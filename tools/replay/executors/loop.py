"""`logic_loop`: resolve the list to iterate. The run loop runs the nodes after it per item."""

from typing import Any

from tools.expressions import describe_value
from tools.replay.executors.base import NodeCall, expression_source
from tools.replay.executors.conditions import read_path
from tools.replay.failures import NodeFailure, invalid_config

# LinkFlow's engine iterates at most this many items unless max_items sets another number.
DEFAULT_MAX_ITEMS = 100


def execute_loop(call: NodeCall) -> dict[str, Any]:
    """Output {"items": [...], "count": N}, the items cut to `max_items`.

    Raises:
        NodeFailure: `items` does not resolve to a list (LOOP_ITEMS_NOT_A_LIST), or `max_items`
            or `batch_size` is not a whole number of at least 1.
    """
    items = _resolve_items(call)
    max_items = positive_int(call.config_value("max_items", DEFAULT_MAX_ITEMS), "max_items")
    positive_int(call.config_value("batch_size", 1), "batch_size")
    items = items[:max_items]
    return {"items": items, "count": len(items)}


def loop_batches(call: NodeCall, items: list[Any]) -> list[Any]:
    """Split items into each iteration's `item`: one item, or a list of `batch_size` items."""
    batch_size = positive_int(call.config_value("batch_size", 1), "batch_size")
    if batch_size == 1:
        return list(items)
    return [items[start : start + batch_size] for start in range(0, len(items), batch_size)]


def positive_int(value: Any, field: str) -> int:
    """Check a whole number of at least 1; a float with no fraction counts.

    Raises:
        NodeFailure: the value is anything else, naming the field.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid_config(f"{field}: expected a whole number of at least 1, got {describe_value(value)}")
    return value


def _resolve_items(call: NodeCall) -> list[Any]:
    if "items" in call.config:
        raw = call.config["items"]
        value = call.render(raw, where="items")
        source = expression_source(raw, "items")
    elif isinstance(call.config.get("items_field"), str):
        field = call.config["items_field"]
        value, problem = read_path(call.input, field)
        source = f"the input's {field}"
        if problem is not None:
            raise NodeFailure(
                "LOOP_ITEMS_NOT_A_LIST",
                f"items_field: expected a list at {source}, but {problem}",
                {"source": source, "got": "nothing"},
            )
    else:
        raise invalid_config("a loop needs items (a list or an expression that resolves to one) or items_field")

    if isinstance(value, list):
        return value
    raise _not_a_list(source, value)


def _not_a_list(source: str, value: Any) -> NodeFailure:
    got = describe_value(value)
    list_fields = (
        sorted(key for key, item in value.items() if isinstance(item, list)) if isinstance(value, dict) else []
    )
    hint = f"; its fields that hold lists: {', '.join(list_fields)}" if list_fields else ""
    return NodeFailure(
        "LOOP_ITEMS_NOT_A_LIST",
        f"items: expected a list at {source}, got {got}{hint}",
        {"source": source, "got": got, "list_fields": list_fields},
    )
