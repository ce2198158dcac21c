"""A LinkFlow workspace: the tenant every workflow, execution and token belongs to."""

from typing import TYPE_CHECKING

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base, CreatedAt, UuidPrimaryKey

if TYPE_CHECKING:
    from service.db.models.workspace_policy import WorkspacePolicy


class Workspace(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "workspaces"

    external_id: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str | None] = mapped_column(Text)

    policy: Mapped["WorkspacePolicy | None"] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", passive_deletes=True
    )
