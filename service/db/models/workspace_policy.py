"""A workspace's auto-fix policy, changed only through the policy route."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import CURRENT_TIMESTAMP, Base, utc_now
from service.db.types import UtcDateTime

if TYPE_CHECKING:
    from service.db.models.workspace import Workspace

DEFAULT_CONFIDENCE_THRESHOLD = 0.95
DEFAULT_DAILY_ANALYSIS_LIMIT = 50


class WorkspacePolicy(Base):
    __tablename__ = "workspace_policies"

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    ai_auto_fix_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Floats, not Decimals: confidences are floats, and SQLite stores no exact decimals anyway.
    ai_auto_fix_confidence_threshold: Mapped[float] = mapped_column(
        Numeric(3, 2, asdecimal=False),
        default=DEFAULT_CONFIDENCE_THRESHOLD,
        server_default=text(str(DEFAULT_CONFIDENCE_THRESHOLD)),
    )
    daily_analysis_limit: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_DAILY_ANALYSIS_LIMIT, server_default=text(str(DEFAULT_DAILY_ANALYSIS_LIMIT))
    )
    # Extra field names to redact in this workspace's data, beyond the built-in secret names.
    redaction_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=CURRENT_TIMESTAMP
    )

    workspace: Mapped["Workspace"] = relationship(back_populates="policy")
