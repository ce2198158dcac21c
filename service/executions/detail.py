"""Reading one stored execution as the API returns it."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from service.db.models import Execution, Workflow, Workspace
from service.executions.schemas import ExecutionView, NodeRecordView


class ExecutionNotFound(LookupError):
    pass


async def find_execution_row(session: AsyncSession, workspace: Workspace, execution_id: str) -> Execution:
    """Return the workspace's execution with LinkFlow id `execution_id`, its node records loaded.

    Raises:
        ExecutionNotFound: the workspace has no such execution.
    """
    execution = await session.scalar(
        select(Execution)
        .where(Execution.workspace_id == workspace.id, Execution.external_id == execution_id)
        .options(selectinload(Execution.nodes))
        .execution_options(populate_existing=True)
    )
    if execution is None:
        raise ExecutionNotFound(f"execution {execution_id} not found in workspace {workspace.external_id}")
    return execution


async def read_execution(session: AsyncSession, workspace: Workspace, execution_id: str) -> ExecutionView:
    execution = await find_execution_row(session, workspace, execution_id)
    workflow = await session.get_one(Workflow, execution.workflow_id)
    return execution_view(execution, workflow)


def execution_view(execution: Execution, workflow: Workflow) -> ExecutionView:
    # Stored data was redacted on the way in, so errors and messages carry no secret.
    return ExecutionView(
        execution_id=execution.external_id,
        workflow_id=workflow.external_id,
        workflow_version=execution.workflow_version,
        definition_available=execution.workflow_version_id is not None,
        status=execution.status,
        source=execution.source,
        failed_node=execution.failed_node_key,
        error=execution.error,
        error_message=execution.error_message,
        started_at=execution.started_at,
        duration_ms=execution.duration_ms,
        nodes=[
            NodeRecordView(
                node_id=node.node_key,
                node_type=node.node_type,
                node_name=node.node_name,
                status=node.status,
                error=node.error,
                started_at=node.started_at,
                completed_at=node.completed_at,
                sequence=node.sequence,
                attempt=node.attempt,
            )
            for node in execution.nodes
        ],
        created_at=execution.created_at,
    )
