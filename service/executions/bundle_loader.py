"""Rebuild a failure bundle from stored rows, so a stored execution can be analysed like a file."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from service.db.models import Execution, Workflow, WorkflowVersion, Workspace
from tools.formats import BUNDLE_FORMAT

# How many earlier runs of the workflow come along as history, for "it worked yesterday".
HISTORY_LIMIT = 5


class ExecutionNotFound(LookupError):
    def __init__(self, workspace_id: str, execution_id: str) -> None:
        super().__init__(f"execution {execution_id} not found in workspace {workspace_id}")


class DefinitionMissing(LookupError):
    """The run's workflow version was never synced, so there is no definition to analyse."""


async def load_bundle(session: AsyncSession, workspace_id: str, execution_id: str) -> dict[str, Any]:
    """Rebuild the failure bundle of a stored execution, with its recent history runs."""
    workspace = await session.scalar(select(Workspace).where(Workspace.external_id == workspace_id))
    execution = await _execution(session, workspace, execution_id) if workspace else None
    if workspace is None or execution is None:
        raise ExecutionNotFound(workspace_id, execution_id)

    workflow = await session.get(Workflow, execution.workflow_id)
    version = await session.get(WorkflowVersion, execution.workflow_version_id) if execution.workflow_version_id else None
    if version is None:
        raise DefinitionMissing(
            f"execution {execution_id} ran version {execution.workflow_version} of workflow {workflow.external_id}, "
            "whose definition is not stored; sync the workflow version first"
        )

    history = await _history(session, execution)
    return {
        "format": BUNDLE_FORMAT,
        "workspace": {"id": workspace.external_id},
        "workflow": {
            "id": workflow.external_id,
            "name": workflow.name,
            "version": version.version,
            "definition": version.definition,
        },
        "execution": execution_document(execution, workspace.external_id, workflow.external_id),
        "history": [execution_document(run, workspace.external_id, workflow.external_id) for run in history],
        "variables": {"env": (execution.variables or {})},
        "credentials": list(execution.credentials or []),
    }


def execution_document(execution: Execution, workspace_id: str, workflow_id: str) -> dict[str, Any]:
    """Write a stored execution back in the recorded-execution format LinkFlow's callback uses."""
    document: dict[str, Any] = {
        "execution_id": execution.external_id,
        "workflow_id": workflow_id,
        "workspace_id": workspace_id,
        "workflow_version": execution.workflow_version,
        "status": execution.status,
        "trigger_data": execution.trigger_data,
        "nodes": [
            _without_none(
                {
                    "node_id": node.node_key,
                    "node_type": node.node_type,
                    "node_name": node.node_name,
                    "status": node.status,
                    "input": node.input,
                    "output": node.output,
                    "error": node.error,
                    "started_at": _rfc3339(node.started_at),
                    "completed_at": _rfc3339(node.completed_at),
                    "sequence": node.sequence,
                    "attempt": node.attempt,
                }
            )
            for node in execution.nodes
        ],
        "error": execution.error,
        "started_at": _rfc3339(execution.started_at),
        "duration_ms": execution.duration_ms,
        "logs": [
            _without_none(
                {
                    "level": log.level,
                    "message": log.message,
                    "node_id": log.node_key,
                    "logged_at": _rfc3339(log.logged_at),
                    "context": log.context,
                }
            )
            for log in execution.logs
        ],
        "deterministic_fixtures": [
            _without_none(
                {
                    "request_fingerprint": fixture.request_fingerprint,
                    "request": fixture.request,
                    "response": fixture.response,
                    "error": fixture.error,
                }
            )
            for fixture in execution.fixtures
        ],
        "connector_attempts": list(execution.connector_attempts or []),
    }
    return _without_none(document)


async def _execution(session: AsyncSession, workspace: Workspace, execution_id: str) -> Execution | None:
    statement = (
        select(Execution)
        .where(Execution.workspace_id == workspace.id, Execution.external_id == execution_id)
        .options(selectinload(Execution.nodes), selectinload(Execution.logs), selectinload(Execution.fixtures))
    )
    return await session.scalar(statement)


async def _history(session: AsyncSession, execution: Execution) -> list[Execution]:
    """The workflow's most recent completed runs that started before this one."""
    statement = (
        select(Execution)
        .where(
            Execution.workflow_id == execution.workflow_id,
            Execution.id != execution.id,
            Execution.status == "completed",
        )
        .options(selectinload(Execution.nodes), selectinload(Execution.logs), selectinload(Execution.fixtures))
        .order_by(Execution.started_at.desc().nullslast(), Execution.created_at.desc())
        .limit(HISTORY_LIMIT)
    )
    runs = list(await session.scalars(statement))
    if execution.started_at is None:
        return runs
    return [run for run in runs if run.started_at is None or run.started_at <= execution.started_at]


def _rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _without_none(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if value is not None}
