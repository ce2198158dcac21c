"""Import results, and the conflict that stops an import."""

from dataclasses import dataclass
from typing import Literal

# - created: a new row.
# - unchanged: the same content was already stored.
# - updated: the execution was stored before (as another bundle's history) without this bundle's
#   variables, credentials and definition findings, and they are now added.
Outcome = Literal["created", "unchanged", "updated"]


class ImportConflict(Exception):
    """Ids already stored with different content; `path` is the JSON path of the new content."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class StoredVersion:
    workflow_id: str
    version: int
    outcome: Outcome
    is_current: bool


@dataclass(frozen=True)
class StoredExecution:
    workspace_id: str
    workflow_id: str
    workflow_version: int | None
    execution_id: str
    status: str
    failed_node: str | None
    error_message: str | None
    outcome: Outcome
    is_history: bool


@dataclass(frozen=True)
class ImportResult:
    """The bundle's failure first, then its history, with each workflow version the bundle carried."""

    workspace_id: str
    workspace_created: bool
    versions: list[StoredVersion]
    executions: list[StoredExecution]
