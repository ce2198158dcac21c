"""An analysis of a failed execution: its diagnosis, ranked suggestions and their fate.

The columns, keys and index names follow the product specification's table; model_used is
wider than its 50 characters because model names can be longer.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import CURRENT_TIMESTAMP, Base, UuidPrimaryKey
from service.db.types import QueryableJSON, UtcDateTime

AnalysisStatus = Literal["queued", "running", "pending", "applied", "dismissed", "error"]


def naive_utc_now() -> datetime:
    """Return the time in UTC without a zone, for the specification's TIMESTAMP columns.

    Set in Python because PostgreSQL's CURRENT_TIMESTAMP, cast to TIMESTAMP, is the session's
    local time, which is UTC only when the server's time zone is.
    """
    return datetime.now(UTC).replace(tzinfo=None)


class AiFixSuggestion(UuidPrimaryKey, Base):
    __tablename__ = "ai_fix_suggestions"
    __table_args__ = (
        Index("idx_ai_fix_workspace", "workspace_id"),
        Index("idx_ai_fix_execution", "execution_id"),
        Index("idx_ai_fix_workflow", "workflow_id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"))
    workflow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    failed_node_key: Mapped[str] = mapped_column(String(100))
    error_message: Mapped[str] = mapped_column(Text)
    diagnosis: Mapped[str] = mapped_column(Text)
    suggestions: Mapped[list[Any]] = mapped_column(QueryableJSON)
    applied_index: Mapped[int | None] = mapped_column(SmallInteger)
    model_used: Mapped[str] = mapped_column(String(200))
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default=text("'pending'"))
    prompt_version: Mapped[str | None] = mapped_column(String(50))
    auto_applied: Mapped[bool] = mapped_column(default=False, server_default=false())
    failure_kind: Mapped[str | None] = mapped_column(String(50))
    # Why the analysis itself failed, for rows in status `error`.
    error_detail: Mapped[str | None] = mapped_column(Text)
    # {eligible, reason, confidence, verification}: whether auto-apply ran, and which rule stopped it.
    auto_apply_decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    # The version a fix created, and the version that was current before it, which a revert restores.
    applied_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_versions.id", ondelete="SET NULL")
    )
    replaced_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflow_versions.id", ondelete="SET NULL")
    )
    applied_patch: Mapped[list[Any] | None] = mapped_column(JSON)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    # The first run of the fixed version: whether it succeeded or failed at the patched node.
    outcome_status: Mapped[str | None] = mapped_column(String(20))
    outcome_execution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("executions.id", ondelete="SET NULL"))
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=naive_utc_now, server_default=CURRENT_TIMESTAMP)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(), default=naive_utc_now, onupdate=naive_utc_now, server_default=CURRENT_TIMESTAMP
    )
