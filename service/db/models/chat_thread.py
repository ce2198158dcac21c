"""A follow-up chat about one analysis."""

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, CreatedAt, UuidPrimaryKey


class ChatThread(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "chat_threads"

    analysis_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_fix_suggestions.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
