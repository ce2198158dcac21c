"""Model behaviour on both databases: immutable versions, cascades, time zones."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import (
    Execution,
    ExecutionNode,
    ImmutableVersionError,
    Workflow,
    WorkflowVersion,
    Workspace,
    WorkspacePolicy,
)


async def _store_workflow_with_version(session: AsyncSession) -> tuple[Workspace, Workflow, WorkflowVersion]:
    workspace = Workspace(external_id="ws_models", policy=WorkspacePolicy())
    session.add(workspace)
    await session.flush()
    workflow = Workflow(workspace_id=workspace.id, external_id="wf_models", name="Models")
    session.add(workflow)
    await session.flush()
    version = WorkflowVersion(
        workflow_id=workflow.id, version=1, definition={"nodes": []}, content_hash="0" * 64, source="import"
    )
    session.add(version)
    await session.flush()
    workflow.current_version_id = version.id
    await session.commit()
    return workspace, workflow, version


async def test_version_update_through_object_raises(session: AsyncSession) -> None:
    _, _, version = await _store_workflow_with_version(session)
    version_id = version.id

    version.definition = {"nodes": [{"id": "changed", "type": "trigger_manual"}]}
    with pytest.raises(ImmutableVersionError, match="immutable"):
        await session.flush()
    await session.rollback()

    stored = await session.scalar(select(WorkflowVersion.definition).where(WorkflowVersion.id == version_id))
    assert stored == {"nodes": []}


async def test_version_update_statement_raises(session: AsyncSession) -> None:
    _, _, version = await _store_workflow_with_version(session)
    version_id = version.id

    with pytest.raises(ImmutableVersionError, match="immutable"):
        await session.execute(update(WorkflowVersion).where(WorkflowVersion.id == version_id).values(version=2))
    await session.rollback()

    assert await session.scalar(select(WorkflowVersion.version).where(WorkflowVersion.id == version_id)) == 1


async def test_workflow_points_at_current_version(session: AsyncSession) -> None:
    _, workflow, version = await _store_workflow_with_version(session)

    stored = await session.scalar(select(Workflow.current_version_id).where(Workflow.id == workflow.id))

    assert stored == version.id


async def test_deleting_workspace_cascades(session: AsyncSession) -> None:
    workspace, workflow, version = await _store_workflow_with_version(session)
    execution = Execution(
        workspace_id=workspace.id,
        workflow_id=workflow.id,
        workflow_version_id=version.id,
        external_id="1",
        status="failed",
        content_hash="0" * 64,
        source="import",
        nodes=[ExecutionNode(node_key="a", node_type="trigger_manual", status="failed", position=0)],
    )
    session.add(execution)
    await session.commit()

    await session.execute(delete(Workspace).where(Workspace.id == workspace.id))
    await session.commit()

    for model in (WorkspacePolicy, Workflow, WorkflowVersion, Execution, ExecutionNode):
        assert await session.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__


async def test_timestamps_read_back_in_utc(session: AsyncSession) -> None:
    workspace, workflow, _ = await _store_workflow_with_version(session)
    started = datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    session.add(
        Execution(
            workspace_id=workspace.id,
            workflow_id=workflow.id,
            external_id="2",
            status="failed",
            started_at=started,
            content_hash="0" * 64,
            source="import",
        )
    )
    await session.commit()
    session.expunge_all()

    stored = await session.scalar(select(Execution.started_at).where(Execution.external_id == "2"))

    assert stored == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert stored.tzinfo == UTC
