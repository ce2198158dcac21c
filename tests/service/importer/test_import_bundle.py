"""Importing failure bundles into SQLite and PostgreSQL."""

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service.db.models import (
    Execution,
    ExecutionFixture,
    ExecutionLog,
    ExecutionNode,
    Workflow,
    WorkflowVersion,
    Workspace,
    WorkspacePolicy,
)
from service.importer import ImportConflict, ImportResult, import_bundle
from tests.bundles import BEARER_TOKEN, bundle_bytes, make_bundle, make_definition, make_execution
from tests.rows import postgres_rows_as_text, row_counts, snapshot
from tools.intake import PreparedBundle, prepare_bundle


def _prepare(bundle: dict[str, Any]) -> PreparedBundle:
    return prepare_bundle(bundle_bytes(bundle))


async def _import(session: AsyncSession, bundle: dict[str, Any]) -> ImportResult:
    result = await import_bundle(session, _prepare(bundle))
    await session.commit()
    return result


async def _import_conflict(session: AsyncSession, bundle: dict[str, Any]) -> ImportConflict:
    with pytest.raises(ImportConflict) as raised:
        await import_bundle(session, _prepare(bundle))
    await session.rollback()
    return raised.value


async def _execution(session: AsyncSession, external_id: str = "812") -> Execution:
    execution = await session.scalar(select(Execution).where(Execution.external_id == external_id))
    assert execution is not None, f"execution {external_id} not stored"
    return execution


async def test_import_stores_workspace_and_workflow(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    workspace = await session.scalar(select(Workspace))
    workflow = await session.scalar(select(Workflow))
    assert workspace.external_id == "ws_acme"
    assert workflow.external_id == "wf_orders"
    assert workflow.name == "Order intake"
    assert workflow.workspace_id == workspace.id


async def test_import_stores_version_as_current(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    version = await session.scalar(select(WorkflowVersion))
    workflow = await session.scalar(select(Workflow))
    assert version.version == 7
    assert version.source == "import"
    assert version.definition == make_definition()
    assert workflow.current_version_id == version.id


async def test_import_keeps_definition_key_order(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    version = await session.scalar(select(WorkflowVersion))
    config = version.definition["nodes"][1]["data"]["config"]
    assert list(config) == ["method", "url", "headers", "timeout"]


async def test_import_stores_execution(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    execution = await _execution(session)
    version = await session.scalar(select(WorkflowVersion))
    assert execution.status == "failed"
    assert execution.workflow_version == 7
    assert execution.workflow_version_id == version.id
    assert execution.failed_node_key == "fetch_customer"
    assert execution.error_message == "HTTP 404 Not Found from GET https://api.example.com/customers/cus_404"
    assert execution.error["code"] == "HTTP_404"
    assert execution.trigger_data["body"] == {"customer_id": "cus_404", "order_id": "ord_1001"}
    assert execution.duration_ms == 1840
    assert execution.started_at.isoformat() == "2026-03-01T09:30:00+00:00"
    assert execution.source == "import"
    assert len(execution.content_hash) == 64


async def test_import_stores_bundle_context(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    execution = await _execution(session)
    assert execution.variables == {"API_BASE": "https://api.example.com"}
    assert execution.credentials == [{"name": "crm_token", "type": "bearer", "status": "valid"}]
    assert execution.connector_attempts[0]["status_code"] == 404
    assert execution.definition_findings == []


async def test_import_stores_nodes_in_recorded_order(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    nodes = (await session.scalars(select(ExecutionNode).order_by(ExecutionNode.position))).all()
    assert [(node.node_key, node.status, node.position) for node in nodes] == [
        ("order_hook", "completed", 0),
        ("fetch_customer", "failed", 1),
    ]
    assert nodes[1].node_type == "action_http_request"
    assert nodes[1].output["status_code"] == 404
    assert nodes[1].error["message"] == "HTTP 404: customer not found"
    assert nodes[1].input["headers"]["Authorization"] == "Bearer [REDACTED]"


async def test_import_stores_logs_and_fixtures(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    logs = (await session.scalars(select(ExecutionLog).order_by(ExecutionLog.position))).all()
    fixtures = (await session.scalars(select(ExecutionFixture))).all()
    assert [(entry.level, entry.node_key) for entry in logs] == [("info", "order_hook"), ("error", "fetch_customer")]
    assert logs[1].context == {"status_code": 404, "attempt": 1}
    assert len(fixtures) == 1
    assert fixtures[0].request["headers"]["Authorization"] == "Bearer [REDACTED]"
    assert fixtures[0].response["status_code"] == 404


async def test_import_fixture_fingerprint_matches_redacted_request(session: AsyncSession) -> None:
    prepared = _prepare(make_bundle())
    await import_bundle(session, prepared)
    await session.commit()

    fixture = await session.scalar(select(ExecutionFixture))
    expected = prepared.raw["execution"]["deterministic_fixtures"][0]["request_fingerprint"]
    assert fixture.request_fingerprint == expected
    assert fixture.request_fingerprint != "0" * 64


async def test_import_result_describes_failure(session: AsyncSession) -> None:
    result = await _import(session, make_bundle())

    assert result.workspace_id == "ws_acme"
    assert result.workspace_created
    [failure] = result.executions
    assert failure.execution_id == "812"
    assert failure.workflow_id == "wf_orders"
    assert failure.workflow_version == 7
    assert failure.failed_node == "fetch_customer"
    assert failure.error_message.startswith("HTTP 404 Not Found")
    assert failure.outcome == "created"
    assert not failure.is_history
    assert [(version.version, version.outcome, version.is_current) for version in result.versions] == [
        (7, "created", True)
    ]


async def test_new_workspace_gets_default_policy(session: AsyncSession) -> None:
    await _import(session, make_bundle())

    policy = await session.scalar(select(WorkspacePolicy))
    assert policy is not None
    assert policy.ai_auto_fix_enabled is False
    assert policy.ai_auto_fix_confidence_threshold == 0.95
    assert policy.daily_analysis_limit == 50
    assert policy.redaction_fields == []


async def test_import_never_changes_stored_policy(session: AsyncSession) -> None:
    await _import(session, make_bundle())
    policy = await session.scalar(select(WorkspacePolicy))
    policy.ai_auto_fix_confidence_threshold = float(Decimal("0.70"))
    await session.commit()

    later = make_bundle(execution=make_execution(execution_id="813"))
    later["workspace"]["policy"] = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.99}
    await _import(session, later)

    session.expire_all()
    policy = await session.scalar(select(WorkspacePolicy))
    assert policy.ai_auto_fix_enabled is False
    assert policy.ai_auto_fix_confidence_threshold == 0.7


async def test_import_twice_changes_nothing(session: AsyncSession, engine: AsyncEngine) -> None:
    bundle = make_bundle(history=[make_execution(execution_id="800", failed=False)])
    await _import(session, bundle)
    before = await snapshot(engine)

    result = await _import(session, bundle)

    assert await snapshot(engine) == before
    assert [stored.outcome for stored in result.executions] == ["unchanged", "unchanged"]
    assert [version.outcome for version in result.versions] == ["unchanged"]
    assert not result.workspace_created


async def test_numeric_execution_id_reimports_unchanged(session: AsyncSession, engine: AsyncEngine) -> None:
    await _import(session, make_bundle())
    before = await snapshot(engine)
    numeric = make_bundle()
    numeric["execution"]["execution_id"] = 812

    result = await _import(session, numeric)

    assert [stored.outcome for stored in result.executions] == ["unchanged"]
    assert await snapshot(engine) == before


@pytest.mark.parametrize("written_version", ["7", 7.0])
async def test_version_as_text_stored_as_integer(session: AsyncSession, written_version: Any) -> None:
    bundle = make_bundle()
    bundle["workflow"]["version"] = written_version

    result = await _import(session, bundle)

    stored = await session.scalar(select(WorkflowVersion))
    assert stored.version == 7
    assert result.versions[0].is_current


@pytest.mark.parametrize("name", [{"first": "Acme"}, ["Acme"], 5])
async def test_workspace_name_not_text_dropped(session: AsyncSession, name: Any) -> None:
    bundle = make_bundle()
    bundle["workspace"]["name"] = name

    await _import(session, bundle)

    workspace = await session.scalar(select(Workspace))
    assert workspace.name is None


async def test_conflicting_definition_raises_and_stores_nothing(session: AsyncSession, engine: AsyncEngine) -> None:
    await _import(session, make_bundle())
    before = await snapshot(engine)
    changed = make_bundle(execution=make_execution(execution_id="813"))
    changed["workflow"]["definition"] = make_definition(timeout=60)

    conflict = await _import_conflict(session, changed)

    assert conflict.path == "$.workflow.definition"
    assert conflict.reason == "workflow wf_orders version 7 is already stored with a different definition"
    assert await snapshot(engine) == before


async def test_conflicting_execution_raises_and_stores_nothing(session: AsyncSession, engine: AsyncEngine) -> None:
    await _import(session, make_bundle())
    before = await snapshot(engine)
    changed = make_bundle(
        workflow={"id": "wf_orders", "name": "Order intake", "version": 8, "definition": make_definition(timeout=60)}
    )
    changed["execution"] = make_execution(version=8)

    conflict = await _import_conflict(session, changed)

    assert conflict.path == "$.execution"
    assert conflict.reason == "execution 812 of workspace ws_acme is already stored with different content"
    assert await snapshot(engine) == before


async def test_conflict_inside_one_bundle_stores_nothing(session: AsyncSession, engine: AsyncEngine) -> None:
    # The history run carries its own copy of version 7 that differs from the bundle's version 7.
    earlier = make_execution(execution_id="800", failed=False)
    earlier["workflow"] = {"version": 7, "definition": make_definition(timeout=60)}
    bundle = make_bundle(history=[earlier])

    conflict = await _import_conflict(session, bundle)

    assert conflict.path == "$.history[0].workflow.definition"
    assert set((await row_counts(engine)).values()) == {0}


async def test_newer_version_becomes_current(session: AsyncSession) -> None:
    await _import(session, make_bundle())
    newer = make_bundle(
        workflow={"id": "wf_orders", "name": "Order intake v8", "version": 8, "definition": make_definition(timeout=60)}
    )
    newer["execution"] = make_execution(execution_id="813", version=8)

    result = await _import(session, newer)

    session.expire_all()
    workflow = await session.scalar(select(Workflow))
    current = await session.scalar(select(WorkflowVersion).where(WorkflowVersion.id == workflow.current_version_id))
    assert current.version == 8
    assert workflow.name == "Order intake v8"
    assert [(version.version, version.is_current) for version in result.versions] == [(8, True)]


async def test_older_version_keeps_current(session: AsyncSession) -> None:
    newer = make_bundle(
        workflow={"id": "wf_orders", "name": "Order intake v8", "version": 8, "definition": make_definition(timeout=60)}
    )
    newer["execution"] = make_execution(execution_id="813", version=8)
    await _import(session, newer)

    result = await _import(session, make_bundle())

    session.expire_all()
    workflow = await session.scalar(select(Workflow))
    current = await session.scalar(select(WorkflowVersion).where(WorkflowVersion.id == workflow.current_version_id))
    assert current.version == 8
    assert workflow.name == "Order intake v8"
    assert [(version.version, version.outcome, version.is_current) for version in result.versions] == [
        (7, "created", False)
    ]


async def test_history_runs_stored_as_executions(session: AsyncSession) -> None:
    earlier = make_execution(execution_id="800", failed=False, started_at="2026-02-28T09:30:00Z")
    earlier["workflow"] = {"version": 6, "definition": make_definition(timeout=20)}
    unversioned = make_execution(execution_id="790", failed=False, version=None, started_at="2026-02-27T09:30:00Z")

    result = await _import(session, make_bundle(history=[earlier, unversioned]))

    stored = await _execution(session, "800")
    unknown = await _execution(session, "790")
    versions = (await session.scalars(select(WorkflowVersion.version).order_by(WorkflowVersion.version))).all()
    assert stored.status == "completed"
    assert stored.workflow_version == 6
    assert stored.variables is None
    assert unknown.workflow_version is None
    assert versions == [6, 7]
    assert [(item.execution_id, item.is_history) for item in result.executions] == [
        ("812", False),
        ("800", True),
        ("790", True),
    ]


async def test_history_run_gains_context_when_imported_as_failure(session: AsyncSession) -> None:
    later_failure = make_bundle(execution=make_execution(execution_id="813"), history=[make_execution()])
    await _import(session, later_failure)

    result = await _import(session, make_bundle())

    execution = await _execution(session)
    assert result.executions[0].outcome == "updated"
    assert execution.variables == {"API_BASE": "https://api.example.com"}
    assert execution.credentials[0]["name"] == "crm_token"


async def test_changed_credentials_conflict(session: AsyncSession) -> None:
    await _import(session, make_bundle())
    changed = make_bundle(credentials=[{"name": "crm_token", "type": "bearer", "status": "expired"}])

    conflict = await _import_conflict(session, changed)

    assert "different variables, credentials or definition findings" in conflict.reason


async def test_definition_findings_stored_with_masked_definition(session: AsyncSession) -> None:
    bundle = make_bundle()
    bundle["workflow"]["definition"]["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] = "sk_live_literal_0042"

    await _import(session, bundle)

    execution = await _execution(session)
    version = await session.scalar(select(WorkflowVersion))
    assert [finding["node"] for finding in execution.definition_findings] == ["fetch_customer"]
    assert version.definition["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] == "[REDACTED]"


async def test_bearer_token_nowhere_in_database(
    session: AsyncSession, engine: AsyncEngine, settings: Any, database_backend: str
) -> None:
    await _import(session, make_bundle())
    await session.close()
    await engine.dispose()

    if database_backend == "sqlite":
        path = Path(make_url(settings.database_url).database)
        stored = b"".join(candidate.read_bytes() for candidate in path.parent.glob(path.name + "*"))
        assert b"[REDACTED]" in stored
        assert BEARER_TOKEN.encode() not in stored
    else:
        stored_text = await postgres_rows_as_text(engine)
        assert "[REDACTED]" in stored_text
        assert BEARER_TOKEN not in stored_text


def test_bundle_helper_carries_token_unredacted() -> None:
    # Guards the test above: the bundle must really contain the token before redaction.
    raw = bundle_bytes(copy.deepcopy(make_bundle()))

    assert raw.count(BEARER_TOKEN.encode()) == 4
