"""Create Auto-Fix's tables: workspaces, workflows, executions and analyses.

Revision ID: 0001
Revises:
Create Date: 2026-03-01

Written out rather than importing the models, so this revision keeps creating the same schema
when the models change later.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")


def _id() -> sa.Column:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False)


def _updated_at() -> sa.Column:
    return sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False)


def _json(name: str, *, nullable: bool = True) -> sa.Column:
    # PostgreSQL `json`, not `jsonb`: it keeps keys in the order received, which fingerprints need.
    return sa.Column(name, sa.JSON(), nullable=nullable)


def _uuid(column: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(column, sa.Uuid(), nullable=nullable)


def _cascade(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete="CASCADE"
    )


def _primary_key(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    _create_workspaces()
    _create_workflows()
    _create_executions()
    _create_execution_records()
    _create_analyses()


def _create_workspaces() -> None:
    op.create_table(
        "workspaces",
        _id(),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        _created_at(),
        _primary_key("workspaces"),
        sa.UniqueConstraint("external_id", name=op.f("uq_workspaces_external_id")),
    )
    op.create_table(
        "workspace_policies",
        _uuid("workspace_id"),
        sa.Column("ai_auto_fix_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "ai_auto_fix_confidence_threshold",
            sa.Numeric(precision=3, scale=2, asdecimal=False),
            server_default=sa.text("0.95"),
            nullable=False,
        ),
        sa.Column("daily_analysis_limit", sa.Integer(), server_default=sa.text("50"), nullable=False),
        sa.Column("redaction_fields", sa.JSON(), nullable=False),
        _updated_at(),
        _cascade("workspace_policies", "workspace_id", "workspaces"),
        _primary_key("workspace_policies", "workspace_id"),
    )
    op.create_table(
        "api_tokens",
        _id(),
        _uuid("workspace_id"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _created_at(),
        _cascade("api_tokens", "workspace_id", "workspaces"),
        _primary_key("api_tokens"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    _index("api_tokens", "workspace_id")


def _create_workflows() -> None:
    current_version_key = sa.ForeignKeyConstraint(
        ["current_version_id"],
        ["workflow_versions.id"],
        name=op.f("fk_workflows_current_version_id_workflow_versions"),
        ondelete="SET NULL",
        use_alter=True,
    )
    op.create_table(
        "workflows",
        _id(),
        _uuid("workspace_id"),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("current_version_id", sa.Uuid(), nullable=True),
        _created_at(),
        _updated_at(),
        current_version_key,
        _cascade("workflows", "workspace_id", "workspaces"),
        _primary_key("workflows"),
        sa.UniqueConstraint("workspace_id", "external_id", name=op.f("uq_workflows_workspace_id_external_id")),
    )
    _index("workflows", "workspace_id")

    op.create_table(
        "workflow_versions",
        _id(),
        _uuid("workflow_id"),
        sa.Column("version", sa.Integer(), nullable=False),
        _json("definition", nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _created_at(),
        _cascade("workflow_versions", "workflow_id", "workflows"),
        _primary_key("workflow_versions"),
        sa.UniqueConstraint("workflow_id", "version", name=op.f("uq_workflow_versions_workflow_id_version")),
    )
    _index("workflow_versions", "workflow_id")

    # The two tables refer to each other. SQLite accepts the key inside CREATE TABLE before its
    # target exists (and has no ALTER to add it later); databases with ALTER add it now.
    if op.get_context().dialect.supports_alter:
        op.create_foreign_key(
            current_version_key.name,
            "workflows",
            "workflow_versions",
            ["current_version_id"],
            ["id"],
            ondelete="SET NULL",
        )


def _create_executions() -> None:
    op.create_table(
        "executions",
        _id(),
        _uuid("workspace_id"),
        _uuid("workflow_id"),
        _uuid("workflow_version_id", nullable=True),
        sa.Column("workflow_version", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        _json("trigger_data"),
        _json("error"),
        sa.Column("failed_node_key", sa.Text(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _json("variables"),
        _json("credentials"),
        _json("connector_attempts"),
        _json("definition_findings"),
        _created_at(),
        _cascade("executions", "workspace_id", "workspaces"),
        _cascade("executions", "workflow_id", "workflows"),
        sa.ForeignKeyConstraint(
            ["workflow_version_id"],
            ["workflow_versions.id"],
            name=op.f("fk_executions_workflow_version_id_workflow_versions"),
            ondelete="SET NULL",
        ),
        _primary_key("executions"),
        sa.UniqueConstraint("workspace_id", "external_id", name=op.f("uq_executions_workspace_id_external_id")),
    )
    _index("executions", "workflow_id")
    _index("executions", "workflow_version_id")


def _create_execution_records() -> None:
    op.create_table(
        "execution_nodes",
        _id(),
        _uuid("execution_id"),
        sa.Column("node_key", sa.Text(), nullable=False),
        sa.Column("node_type", sa.Text(), nullable=False),
        sa.Column("node_name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        _json("input"),
        _json("output"),
        _json("error"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _cascade("execution_nodes", "execution_id", "executions"),
        _primary_key("execution_nodes"),
    )
    _index("execution_nodes", "execution_id")

    op.create_table(
        "execution_logs",
        _id(),
        _uuid("execution_id"),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("node_key", sa.Text(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        _json("context"),
        sa.Column("position", sa.Integer(), nullable=False),
        _cascade("execution_logs", "execution_id", "executions"),
        _primary_key("execution_logs"),
    )
    _index("execution_logs", "execution_id")

    op.create_table(
        "execution_fixtures",
        _id(),
        _uuid("execution_id"),
        sa.Column("request_fingerprint", sa.CHAR(length=64), nullable=False),
        _json("request"),
        _json("response"),
        _json("error"),
        sa.Column("position", sa.Integer(), nullable=False),
        _cascade("execution_fixtures", "execution_id", "executions"),
        _primary_key("execution_fixtures"),
    )
    _index("execution_fixtures", "execution_id")
    _index("execution_fixtures", "request_fingerprint")

    op.create_table(
        "execution_runbooks",
        _id(),
        _uuid("execution_id"),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _json("steps", nullable=False),
        _json("tags", nullable=False),
        _created_at(),
        _updated_at(),
        _cascade("execution_runbooks", "execution_id", "executions"),
        _primary_key("execution_runbooks"),
        sa.UniqueConstraint("execution_id", name=op.f("uq_execution_runbooks_execution_id")),
    )


def _create_analyses() -> None:
    # The product specification fixes this table's columns, keys and index names; model_used is
    # widened from 50 characters, and prompt_version and auto_applied are added.
    op.create_table(
        "ai_fix_suggestions",
        _id(),
        _uuid("workspace_id"),
        _uuid("execution_id"),
        _uuid("workflow_id"),
        sa.Column("failed_node_key", sa.String(length=100), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("diagnosis", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("applied_index", sa.SmallInteger(), nullable=True),
        sa.Column("model_used", sa.String(length=200), nullable=False),
        sa.Column("tokens_used", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=20), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("prompt_version", sa.String(length=50), nullable=True),
        sa.Column("auto_applied", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=NOW, nullable=False),
        _cascade("ai_fix_suggestions", "workspace_id", "workspaces"),
        _cascade("ai_fix_suggestions", "execution_id", "executions"),
        _cascade("ai_fix_suggestions", "workflow_id", "workflows"),
        _primary_key("ai_fix_suggestions"),
    )
    op.create_index("idx_ai_fix_workspace", "ai_fix_suggestions", ["workspace_id"], unique=False)
    op.create_index("idx_ai_fix_execution", "ai_fix_suggestions", ["execution_id"], unique=False)
    op.create_index("idx_ai_fix_workflow", "ai_fix_suggestions", ["workflow_id"], unique=False)

    op.create_table(
        "chat_threads",
        _id(),
        _uuid("analysis_id"),
        _uuid("workspace_id"),
        _created_at(),
        _cascade("chat_threads", "analysis_id", "ai_fix_suggestions"),
        _cascade("chat_threads", "workspace_id", "workspaces"),
        _primary_key("chat_threads"),
    )
    _index("chat_threads", "analysis_id")
    _index("chat_threads", "workspace_id")


def downgrade() -> None:
    # Children before parents; the workflows -> workflow_versions key goes first where ALTER exists,
    # because the two tables refer to each other.
    for table in (
        "chat_threads",
        "ai_fix_suggestions",
        "execution_runbooks",
        "execution_fixtures",
        "execution_logs",
        "execution_nodes",
        "executions",
    ):
        op.drop_table(table)

    if op.get_context().dialect.supports_alter:
        op.drop_constraint(op.f("fk_workflows_current_version_id_workflow_versions"), "workflows", type_="foreignkey")

    for table in ("workflow_versions", "workflows", "api_tokens", "workspace_policies", "workspaces"):
        op.drop_table(table)
