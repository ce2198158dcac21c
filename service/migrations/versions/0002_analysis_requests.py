"""Add analysis_requests: background analyses queued by engine callbacks, one per execution.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysis_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("execution_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_analysis_requests_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["execution_id"],
            ["executions.id"],
            name=op.f("fk_analysis_requests_execution_id_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_requests")),
        sa.UniqueConstraint("execution_id", name=op.f("uq_analysis_requests_execution_id")),
    )
    op.create_index(op.f("ix_analysis_requests_workspace_id"), "analysis_requests", ["workspace_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_analysis_requests_workspace_id"), table_name="analysis_requests")
    op.drop_table("analysis_requests")
