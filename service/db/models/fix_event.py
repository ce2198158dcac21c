"""An outbox row for one signed `fix.applied` event, sent to LinkFlow after the fix commits.

The row is written in the transaction that applies the fix, so a fix is never applied without its
event, and a failed delivery is retried later without undoing the fix.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, CreatedAt, UuidPrimaryKey, utc_now
from service.db.types import UtcDateTime


class FixEvent(UuidPrimaryKey, CreatedAt, Base):
    __tablename__ = "fix_events"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
