"""The runbook entry written for an execution: what failed and the steps to recover."""

import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, Timestamps, UuidPrimaryKey
from service.db.types import OrderedJSON


class ExecutionRunbook(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "execution_runbooks"

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"), unique=True)
    severity: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[Any]] = mapped_column(OrderedJSON)
    tags: Mapped[list[Any]] = mapped_column(OrderedJSON)
