"""Exceptions an executor raises when its node failed or could not be checked."""

from typing import Any

from tools.expressions import ExpressionError

# Marks a failure that produced no output, unlike a response with status 400 or more.
NO_OUTPUT = object()


class NodeFailure(Exception):
    """A node that failed, with a stable code, a message and structured detail.

    `output` is what the node still produced, such as a response with status 400 or more, which
    LinkFlow records as the node's output.
    """

    def __init__(
        self, code: str, message: str, detail: dict[str, Any] | None = None, *, output: Any = NO_OUTPUT
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail or {}
        self.output = output

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, "detail": self.detail}


class NotChecked(Exception):
    """A node replay cannot run because the world it needs is not recorded.

    `needed` describes what was missing: for a request its method, url, fingerprint and attempt.
    """

    def __init__(self, needed: dict[str, Any]) -> None:
        super().__init__(needed.get("reason", "no fixture for the request"))
        self.needed = needed


def expression_failure(error: ExpressionError, *, where: str | None = None) -> NodeFailure:
    """Wrap an expression error as the node's failure, keeping its structured form."""
    detail = error.to_dict()
    message = error.message if where is None else f"{where}: {error.message}"
    return NodeFailure("EXPRESSION_ERROR", message, detail)


def invalid_config(message: str, detail: dict[str, Any] | None = None) -> NodeFailure:
    """Build the failure of a node whose configuration cannot run."""
    return NodeFailure("INVALID_CONFIG", message, detail)
