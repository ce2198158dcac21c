"""The one error type the agent tools raise, and how it reaches the model."""

from typing import Any


class ToolError(Exception):
    """A tool call that cannot give a result.

    `code` is a stable word for the problem (`node_not_found`, `invalid_arguments`, ...).
    `retryable` is True when the model can fix its arguments and call again, and False when no
    change of arguments helps. `details` contains facts the model can act on, such as the ids
    that do exist.
    """

    def __init__(self, code: str, message: str, *, retryable: bool, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
        self.details = details or {}

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """Serialize the error as JSON-ready data for the model's tool message."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "retryable": self.retryable}
        if self.details:
            error["details"] = self.details
        return error
