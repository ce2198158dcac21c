"""One log line an execution recorded."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, UuidPrimaryKey
from service.db.types import OrderedJSON, UtcDateTime


class ExecutionLog(UuidPrimaryKey, Base):
    __tablename__ = "execution_logs"

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    node_key: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime())
    context: Mapped[dict[str, Any] | None] = mapped_column(OrderedJSON)
    # Order in the recording, which timestamps alone cannot give when two lines share a time.
    position: Mapped[int] = mapped_column(Integer)
