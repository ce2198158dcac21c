"""Errors raised while turning the model's edits into a patch, written for the model to act on."""

import json
from typing import Any


class EditError(ValueError):
    """An edit that cannot become a patch.

    `code` is a stable word for the kind of problem (`node_not_found`, `path_syntax`,
    `not_a_container`, `index_out_of_range`, `missing_key`, `masked_value`, `invalid_edit`,
    `edge_not_found`, `node_exists`). `edit_index` is the edit's 0-based place in the list given to
    `build_patch`, or None when the edit was parsed alone. `node` is the node the edit names and
    `path` the data path as the edit wrote it, when they apply. `details` contains facts particular to
    the problem, such as the existing node ids and the closest one.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid_edit",
        node: str | None = None,
        path: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.node = node
        self.path = path
        self.details = details or {}
        self.edit_index: int | None = None

    def __str__(self) -> str:
        if self.edit_index is None:
            return self.message
        return f"edit {self.edit_index}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Serialize the error as JSON-ready data for the model's tool result."""
        return {
            "code": self.code,
            "message": self.message,
            "edit_index": self.edit_index,
            "node": self.node,
            "path": self.path,
            **self.details,
        }


class PathSyntaxError(EditError):
    """A data path that does not parse; `position` is the 0-based character offset of the problem."""

    def __init__(self, text: str, position: int, reason: str) -> None:
        message = f"invalid path {json.dumps(text, ensure_ascii=False)} at position {position}: {reason}"
        super().__init__(message, code="path_syntax", path=text, details={"position": position})
        self.position = position
