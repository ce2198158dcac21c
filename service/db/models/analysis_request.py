"""A request to analyse an execution in the background, recorded at most once per execution."""

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, CreatedAt, UuidPrimaryKey


class AnalysisRequest(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "analysis_requests"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    # Unique, so a callback delivered many times, or by two service instances at once, queues one analysis.
    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"), unique=True)
