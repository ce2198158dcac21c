"""One immutable version of a workflow's definition.

A version row is never updated: a fix or a revert creates a new version. The ORM raises on any
attempt to update one, whether through a loaded object or an UPDATE statement.
"""

import uuid
from typing import Any, Literal

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from service.db.base import Base, CreatedAt, UuidPrimaryKey
from service.db.types import OrderedJSON

VersionSource = Literal["import", "callback", "sync", "fix", "revert"]


class ImmutableVersionError(RuntimeError):
    """Raised on an attempt to change a stored workflow version."""


class WorkflowVersion(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "version"),)

    workflow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(OrderedJSON)
    # SHA-256 of the definition's compact JSON, to tell a re-import from a conflicting one.
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))


def _version_label(version: WorkflowVersion) -> str:
    return f"workflow version {version.version} (id {version.id})"


@event.listens_for(WorkflowVersion, "before_update")
def _reject_update(mapper: Any, connection: Any, version: WorkflowVersion) -> None:
    raise ImmutableVersionError(f"{_version_label(version)} is immutable: store a new version instead")


@event.listens_for(Session, "do_orm_execute")
def _reject_update_statement(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if state.is_update and mapper is not None and mapper.class_ is WorkflowVersion:
        raise ImmutableVersionError("workflow versions are immutable: store a new version instead")
