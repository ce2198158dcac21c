"""Add what applying fixes needs: decision, applied version, outcome columns, and the fix_events outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "ai_fix_suggestions"

# Foreign keys added to an existing table: SQLite needs batch mode, which copies the table.
_NEW_KEYS = (
    ("applied_version_id", "workflow_versions"),
    ("replaced_version_id", "workflow_versions"),
    ("outcome_execution_id", "executions"),
)


def upgrade() -> None:
    with op.batch_alter_table(_TABLE) as batch:
        batch.add_column(sa.Column("failure_kind", sa.String(length=50), nullable=True))
        batch.add_column(sa.Column("error_detail", sa.Text(), nullable=True))
        batch.add_column(sa.Column("auto_apply_decision", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("applied_patch", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("outcome_status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
        for column, parent in _NEW_KEYS:
            batch.add_column(sa.Column(column, sa.Uuid(), nullable=True))
            batch.create_foreign_key(op.f(f"fk_{_TABLE}_{column}_{parent}"), parent, [column], ["id"], ondelete="SET NULL")

    op.create_table(
        "fix_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_fix_events_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fix_events")),
    )
    op.create_index(op.f("ix_fix_events_workspace_id"), "fix_events", ["workspace_id"], unique=False)
    op.create_index(op.f("ix_fix_events_next_attempt_at"), "fix_events", ["next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_fix_events_next_attempt_at"), table_name="fix_events")
    op.drop_index(op.f("ix_fix_events_workspace_id"), table_name="fix_events")
    op.drop_table("fix_events")

    with op.batch_alter_table(_TABLE) as batch:
        for column, parent in _NEW_KEYS:
            batch.drop_constraint(op.f(f"fk_{_TABLE}_{column}_{parent}"), type_="foreignkey")
            batch.drop_column(column)
        for column in ("outcome_at", "outcome_status", "applied_at", "applied_patch", "auto_apply_decision", "error_detail", "failure_kind"):
            batch.drop_column(column)
