"""The migrated schema, inspected: the specification's analysis table, policy defaults and JSON types."""

import uuid
from typing import Any

import pytest
from sqlalchemy import Uuid, bindparam, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# The analysis table as the product specification fixes it, plus the widened model_used and the
# added prompt_version, auto_applied and the columns applying a fix records: name -> (type on
# SQLite, type on PostgreSQL, nullable).
AI_FIX_SUGGESTION_COLUMNS = {
    "id": ("CHAR(32)", "UUID", False),
    "workspace_id": ("CHAR(32)", "UUID", False),
    "execution_id": ("CHAR(32)", "UUID", False),
    "workflow_id": ("CHAR(32)", "UUID", False),
    "failed_node_key": ("VARCHAR(100)", "VARCHAR(100)", False),
    "error_message": ("TEXT", "TEXT", False),
    "diagnosis": ("TEXT", "TEXT", False),
    "suggestions": ("JSON", "JSONB", False),
    "applied_index": ("SMALLINT", "SMALLINT", True),
    "model_used": ("VARCHAR(200)", "VARCHAR(200)", False),
    "tokens_used": ("INTEGER", "INTEGER", False),
    "status": ("VARCHAR(20)", "VARCHAR(20)", False),
    "created_at": ("DATETIME", "TIMESTAMP WITHOUT TIME ZONE", False),
    "updated_at": ("DATETIME", "TIMESTAMP WITHOUT TIME ZONE", False),
    "prompt_version": ("VARCHAR(50)", "VARCHAR(50)", True),
    "auto_applied": ("BOOLEAN", "BOOLEAN", False),
    "failure_kind": ("VARCHAR(50)", "VARCHAR(50)", True),
    "error_detail": ("TEXT", "TEXT", True),
    "auto_apply_decision": ("JSON", "JSON", True),
    "applied_version_id": ("CHAR(32)", "UUID", True),
    "replaced_version_id": ("CHAR(32)", "UUID", True),
    "applied_patch": ("JSON", "JSON", True),
    "applied_at": ("DATETIME", "TIMESTAMP WITH TIME ZONE", True),
    "outcome_status": ("VARCHAR(20)", "VARCHAR(20)", True),
    "outcome_execution_id": ("CHAR(32)", "UUID", True),
    "outcome_at": ("DATETIME", "TIMESTAMP WITH TIME ZONE", True),
}

AI_FIX_SUGGESTION_INDEXES = {
    "idx_ai_fix_workspace": ["workspace_id"],
    "idx_ai_fix_execution": ["execution_id"],
    "idx_ai_fix_workflow": ["workflow_id"],
}

# Recorded data and definitions, stored as PostgreSQL `json` so their key order survives.
ORDERED_JSON_COLUMNS = {
    ("workflow_versions", "definition"),
    ("executions", "trigger_data"),
    ("executions", "error"),
    ("executions", "variables"),
    ("executions", "credentials"),
    ("executions", "connector_attempts"),
    ("executions", "definition_findings"),
    ("execution_nodes", "input"),
    ("execution_nodes", "output"),
    ("execution_nodes", "error"),
    ("execution_logs", "context"),
    ("execution_fixtures", "request"),
    ("execution_fixtures", "response"),
    ("execution_fixtures", "error"),
}


async def _inspect(engine: AsyncEngine, read: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.run_sync(lambda sync: read(sync, inspect(sync)))


def _column_types(connection: Connection, inspector: Any, table: str) -> dict[str, tuple[str, bool]]:
    return {
        column["name"]: (column["type"].compile(dialect=connection.dialect), column["nullable"])
        for column in inspector.get_columns(table)
    }


async def test_ai_fix_suggestions_has_exact_columns(engine: AsyncEngine, database_backend: str) -> None:
    columns = await _inspect(engine, lambda sync, inspector: _column_types(sync, inspector, "ai_fix_suggestions"))
    type_index = 0 if database_backend == "sqlite" else 1

    expected = {name: (spec[type_index], spec[2]) for name, spec in AI_FIX_SUGGESTION_COLUMNS.items()}
    assert columns == expected


async def test_ai_fix_suggestions_keys_cascade_on_delete(engine: AsyncEngine) -> None:
    keys = await _inspect(engine, lambda sync, inspector: inspector.get_foreign_keys("ai_fix_suggestions"))

    found = {
        (
            tuple(key["constrained_columns"]),
            key["referred_table"],
            tuple(key["referred_columns"]),
            key["options"].get("ondelete"),
        )
        for key in keys
    }
    assert found == {
        (("workspace_id",), "workspaces", ("id",), "CASCADE"),
        (("execution_id",), "executions", ("id",), "CASCADE"),
        (("workflow_id",), "workflows", ("id",), "CASCADE"),
        (("applied_version_id",), "workflow_versions", ("id",), "SET NULL"),
        (("replaced_version_id",), "workflow_versions", ("id",), "SET NULL"),
        (("outcome_execution_id",), "executions", ("id",), "SET NULL"),
    }


async def test_ai_fix_suggestions_has_named_indexes(engine: AsyncEngine) -> None:
    indexes = await _inspect(engine, lambda sync, inspector: inspector.get_indexes("ai_fix_suggestions"))

    assert {index["name"]: index["column_names"] for index in indexes} == AI_FIX_SUGGESTION_INDEXES
    assert not any(index["unique"] for index in indexes)


async def test_ai_fix_suggestions_server_defaults(engine: AsyncEngine) -> None:
    ids = await _insert_parents(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO ai_fix_suggestions (id, workspace_id, execution_id, workflow_id, failed_node_key,"
                " error_message, diagnosis, suggestions, model_used)"
                " VALUES (:id, :workspace, :execution, :workflow, 'fetch_customer', 'HTTP 404', 'missing customer',"
                " '[]', 'gpt-4.1-mini')"
            ).bindparams(*_uuid_params("id", "workspace", "execution", "workflow")),
            {"id": uuid.uuid4(), **ids},
        )
        row = (
            await connection.execute(
                text("SELECT status, tokens_used, auto_applied, created_at FROM ai_fix_suggestions")
            )
        ).one()

    assert row.status == "pending"
    assert row.tokens_used == 0
    assert not row.auto_applied
    assert row.created_at is not None


async def test_workspace_policy_server_defaults(engine: AsyncEngine) -> None:
    ids = await _insert_parents(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO workspace_policies (workspace_id, redaction_fields) VALUES (:workspace, '[]')"
            ).bindparams(*_uuid_params("workspace")),
            {"workspace": ids["workspace"]},
        )
        row = (
            await connection.execute(
                text(
                    "SELECT ai_auto_fix_enabled, ai_auto_fix_confidence_threshold, daily_analysis_limit"
                    " FROM workspace_policies"
                )
            )
        ).one()

    assert not row.ai_auto_fix_enabled
    assert float(row.ai_auto_fix_confidence_threshold) == 0.95
    assert row.daily_analysis_limit == 50


@pytest.mark.parametrize("database_backend", ["postgresql"])
async def test_only_suggestions_column_is_jsonb(engine: AsyncEngine) -> None:
    json_columns = await _postgres_json_columns(engine)

    assert {column for column, data_type in json_columns.items() if data_type == "jsonb"} == {
        ("ai_fix_suggestions", "suggestions")
    }


@pytest.mark.parametrize("database_backend", ["postgresql"])
async def test_recorded_data_columns_are_json(engine: AsyncEngine) -> None:
    json_columns = await _postgres_json_columns(engine)

    assert {column: json_columns.get(column) for column in ORDERED_JSON_COLUMNS} == {
        column: "json" for column in ORDERED_JSON_COLUMNS
    }


@pytest.mark.parametrize("database_backend", ["postgresql"])
async def test_timestamps_are_timezone_aware_except_analyses(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'"
            )
        )
        naive = {(row.table_name, row.column_name) for row in rows if row.data_type == "timestamp without time zone"}

    assert naive == {("ai_fix_suggestions", "created_at"), ("ai_fix_suggestions", "updated_at")}


async def _postgres_json_columns(engine: AsyncEngine) -> dict[tuple[str, str], str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' AND data_type IN ('json', 'jsonb')"
            )
        )
        return {(row.table_name, row.column_name): row.data_type for row in rows}


def _uuid_params(*names: str) -> list[Any]:
    return [bindparam(name, type_=Uuid()) for name in names]


async def _insert_parents(engine: AsyncEngine) -> dict[str, uuid.UUID]:
    """Insert a workspace, workflow and execution with plain SQL, relying on server defaults."""
    ids = {"workspace": uuid.uuid4(), "workflow": uuid.uuid4(), "execution": uuid.uuid4()}
    statements = [
        "INSERT INTO workspaces (id, external_id) VALUES (:workspace, 'ws_sql')",
        "INSERT INTO workflows (id, workspace_id, external_id) VALUES (:workflow, :workspace, 'wf_sql')",
        "INSERT INTO executions (id, workspace_id, workflow_id, external_id, status, content_hash, source)"
        " VALUES (:execution, :workspace, :workflow, '1', 'failed', 'hash', 'import')",
    ]
    async with engine.begin() as connection:
        for statement in statements:
            clause = text(statement).bindparams(*_uuid_params(*[name for name in ids if f":{name}" in statement]))
            await connection.execute(clause, {name: value for name, value in ids.items() if f":{name}" in statement})
    return ids
