"""Triggers: the run starts from the execution's trigger data."""

from typing import Any

from tools.replay.executors.base import NodeCall


def execute_trigger(call: NodeCall) -> Any:
    """Output the trigger data, as LinkFlow's engine hands it to the first node."""
    return call.state.context["trigger"]
