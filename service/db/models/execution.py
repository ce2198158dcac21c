"""A recorded run of a workflow, as LinkFlow's engine reported it."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, CreatedAt, UuidPrimaryKey
from service.db.types import OrderedJSON, UtcDateTime

if TYPE_CHECKING:
    from service.db.models.execution_fixture import ExecutionFixture
    from service.db.models.execution_log import ExecutionLog
    from service.db.models.execution_node import ExecutionNode

ExecutionSource = Literal["import", "callback"]


class Execution(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "executions"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    workflow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    workflow_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_versions.id", ondelete="SET NULL"), index=True
    )
    # The version number the run reported, kept even before that version's definition is stored.
    workflow_version: Mapped[int | None] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    trigger_data: Mapped[Any] = mapped_column(OrderedJSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    failed_node_key: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of the recorded execution's compact JSON, to tell a re-import from a conflicting one.
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))

    # What the bundle knew around the run: the workspace's env variables, credential references
    # by name and status, and literal secrets found in the workflow definition.
    variables: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    credentials: Mapped[list[Any] | None] = mapped_column(OrderedJSON)
    connector_attempts: Mapped[list[Any] | None] = mapped_column(OrderedJSON)
    definition_findings: Mapped[list[Any] | None] = mapped_column(OrderedJSON)

    nodes: Mapped[list["ExecutionNode"]] = relationship(
        order_by="ExecutionNode.position", cascade="all, delete-orphan", passive_deletes=True
    )
    logs: Mapped[list["ExecutionLog"]] = relationship(
        order_by="ExecutionLog.position", cascade="all, delete-orphan", passive_deletes=True
    )
    fixtures: Mapped[list["ExecutionFixture"]] = relationship(
        order_by="ExecutionFixture.position", cascade="all, delete-orphan", passive_deletes=True
    )
