"""The call an executor receives: one node, its input, and the run it belongs to."""

from collections.abc import Callable
from typing import Any

from tools.expressions import (
    ExpressionError,
    describe_value,
    find_expressions,
    render,
    render_value,
)
from tools.expressions.values import template_text
from tools.replay.failures import expression_failure, invalid_config
from tools.replay.state import RunState


class NodeCall:
    """One execution of one node (one iteration of it inside a loop).

    `attempts` counts the attempts the executor made. An executor that retries sets it.
    """

    __slots__ = ("attempts", "config", "data", "input", "node_id", "node_type", "state")

    def __init__(self, node_id: str, node: dict[str, Any], input_value: Any, state: RunState) -> None:
        self.node_id = node_id
        self.node_type = str(node.get("type", ""))
        data = node.get("data")
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        config = self.data.get("config")
        self.config: dict[str, Any] = config if isinstance(config, dict) else {}
        self.input = input_value
        self.state = state
        self.attempts = 1

    def render(self, value: Any, *, where: str | None = None, extra: dict[str, Any] | None = None) -> Any:
        """Resolve every expression inside a value, against the run's context and clock.

        `where` names the config field for the error message. `extra` adds top-level names, such
        as `item` in a filter, which a node with the same id would hide.

        Raises:
            NodeFailure: an expression failed, carrying the expression error's structured form.
        """
        context = self.state.context if extra is None else {**self.state.context, **extra}
        try:
            if isinstance(value, str):
                return render(value, context, now=self.state.now())
            return render_value(value, context, now=self.state.now())
        except ExpressionError as error:
            raise expression_failure(error, where=_location(where, error)) from None

    def render_text(self, value: Any, *, where: str) -> str:
        """Render a template as text: a lone expression's value is written as templates write it."""
        return template_text(self.render(value, where=where))

    def config_value(self, key: str, default: Any = None) -> Any:
        """Render one config field, or return `default` when the field is absent or null."""
        value = self.config.get(key)
        if value is None:
            return default
        return self.render(value, where=key)


Executor = Callable[[NodeCall], Any]


def _location(where: str | None, error: ExpressionError) -> str | None:
    inner = error.field
    if where is None:
        return inner
    if inner is None:
        return where
    if inner.startswith("["):
        return f"{where}{inner}"
    return f"{where}.{inner}"


def require_text(value: Any, field: str) -> str:
    """Check that a rendered config value is text.

    Raises:
        NodeFailure: the value is not text, naming the field and what it was.
    """
    if isinstance(value, str):
        return value
    raise invalid_config(f"{field}: expected text, got {describe_value(value)}", {"field": field})


def expression_source(raw: Any, fallback: str) -> str:
    """Name where a config value reads from: the expression of a lone `{{ }}`, else the text."""
    if not isinstance(raw, str):
        return fallback
    stripped = raw.strip()
    pieces = find_expressions(raw)
    if len(pieces) == 1 and stripped.startswith("{{") and stripped.endswith("}}"):
        return pieces[0]
    return repr(raw)
