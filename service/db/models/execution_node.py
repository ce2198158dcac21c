"""One node's record within an execution: its input, output, error and timing."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, UuidPrimaryKey
from service.db.types import OrderedJSON, UtcDateTime


class ExecutionNode(UuidPrimaryKey, Base):
    __tablename__ = "execution_nodes"

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"), index=True)
    node_key: Mapped[str] = mapped_column(Text)
    node_type: Mapped[str] = mapped_column(Text)
    node_name: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    input: Mapped[Any] = mapped_column(OrderedJSON, nullable=True)
    output: Mapped[Any] = mapped_column(OrderedJSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sequence: Mapped[int | None] = mapped_column(Integer)
    attempt: Mapped[int | None] = mapped_column(Integer)
    # Order in the recording: a node retried or run in a loop appears more than once.
    position: Mapped[int] = mapped_column(Integer)
