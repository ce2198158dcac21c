"""A LinkFlow workflow; its definitions live in immutable versions."""

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, Timestamps, UuidPrimaryKey

if TYPE_CHECKING:
    from service.db.models.workflow_version import WorkflowVersion


class Workflow(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "workflows"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    # workflows and workflow_versions refer to each other, so this key is added after both tables exist.
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_versions.id", ondelete="SET NULL", use_alter=True)
    )

    current_version: Mapped["WorkflowVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
