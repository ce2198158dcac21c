"""Listing of stored failed executions, newest first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Execution, Workflow, Workspace

FAILED = "failed"


@dataclass(frozen=True)
class FailureSummary:
    workspace_id: str
    workflow_id: str
    workflow_name: str | None
    workflow_version: int | None
    execution_id: str
    failed_node: str | None
    error_message: str | None
    started_at: datetime | None


class WorkspaceNotFound(LookupError):
    def __init__(self, external_id: str) -> None:
        super().__init__(f"workspace {external_id} not found")
        self.external_id = external_id


async def list_failures(
    session: AsyncSession, *, workspace_id: str | None = None, limit: int = 50
) -> list[FailureSummary]:
    """List failed executions, newest first, optionally of one workspace (by its LinkFlow id).

    Raises:
        WorkspaceNotFound: `workspace_id` names no stored workspace.
    """
    query = (
        select(Execution, Workflow, Workspace)
        .join(Workflow, Execution.workflow_id == Workflow.id)
        .join(Workspace, Execution.workspace_id == Workspace.id)
        .where(Execution.status == FAILED)
        .order_by(Execution.started_at.desc().nulls_last(), Execution.created_at.desc())
        .limit(limit)
    )
    if workspace_id is not None:
        await _check_workspace(session, workspace_id)
        query = query.where(Workspace.external_id == workspace_id)

    rows = await session.execute(query)
    return [_summary(execution, workflow, workspace) for execution, workflow, workspace in rows]


async def _check_workspace(session: AsyncSession, external_id: str) -> None:
    found = await session.scalar(select(Workspace.id).where(Workspace.external_id == external_id))
    if found is None:
        raise WorkspaceNotFound(external_id)


def _summary(execution: Execution, workflow: Workflow, workspace: Workspace) -> FailureSummary:
    return FailureSummary(
        workspace_id=workspace.external_id,
        workflow_id=workflow.external_id,
        workflow_name=workflow.name,
        workflow_version=execution.workflow_version,
        execution_id=execution.external_id,
        failed_node=execution.failed_node_key,
        error_message=execution.error_message,
        started_at=execution.started_at,
    )
