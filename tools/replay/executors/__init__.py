"""Executors, one module per node family, looked up by node type."""

from tools.catalog import SIDE_EFFECT_TYPES, TRIGGER_TYPES
from tools.replay.executors.base import Executor, NodeCall
from tools.replay.executors.code import execute_code
from tools.replay.executors.conditions import execute_condition
from tools.replay.executors.delay import execute_delay
from tools.replay.executors.http import execute_http_request
from tools.replay.executors.loop import execute_loop, loop_batches
from tools.replay.executors.side_effects import execute_side_effect
from tools.replay.executors.transforms import execute_filter, execute_set
from tools.replay.executors.triggers import execute_trigger

LOOP_TYPE = "logic_loop"
CONDITION_TYPE = "logic_condition"

EXECUTORS: dict[str, Executor] = {
    **dict.fromkeys(TRIGGER_TYPES, execute_trigger),
    **dict.fromkeys(SIDE_EFFECT_TYPES, execute_side_effect),
    "action_http_request": execute_http_request,
    CONDITION_TYPE: execute_condition,
    "logic_delay": execute_delay,
    LOOP_TYPE: execute_loop,
    "transform_set": execute_set,
    "transform_filter": execute_filter,
    "transform_code": execute_code,
}


def executor_for(node_type: str) -> Executor | None:
    """Return the executor of a node type, or None for a type replay cannot run."""
    return EXECUTORS.get(node_type)


__all__ = ["CONDITION_TYPE", "EXECUTORS", "LOOP_TYPE", "Executor", "NodeCall", "executor_for", "loop_batches"]
