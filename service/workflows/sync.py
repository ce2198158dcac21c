"""Workflow sync: store a definition as a new version only when it differs from the current one."""

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workflow, WorkflowVersion, Workspace
from service.importer.hashing import content_hash
from service.importer.workflows import IncomingVersion, find_or_create_workflow, store_version
from service.workflows.schemas import VersionSummary, WorkflowView
from tools.intake import PreparedDefinition

log = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class SyncRequest:
    """A validated sync body: the redacted definition, the name and, if LinkFlow sent it, the version number."""

    definition: PreparedDefinition
    name: str | None
    version: int | None


class WorkflowNotFound(LookupError):
    pass


async def sync_workflow(
    session: AsyncSession, workspace: Workspace, workflow_id: str, request: SyncRequest
) -> tuple[WorkflowView, bool]:
    """Store the definition as the workflow's newest version unless it equals the current one.

    Returns the current version afterwards and whether a version was created. The caller commits.

    Raises:
        ImportConflict: the given version number is stored with a different definition.
    """
    workflow = await find_or_create_workflow(session, workspace, workflow_id, name=request.name)
    current = await _current_version(session, workflow)
    digest = content_hash(request.definition.raw)

    if request.version is None and current is not None and current.content_hash == digest:
        if request.name is not None:
            workflow.name = request.name
        return _workflow_view(workflow, current, request.definition), False

    number = request.version if request.version is not None else await _next_version(session, workflow)
    incoming = IncomingVersion(number, request.definition.raw, request.name, "$.definition")
    stored = await store_version(session, workflow, incoming, source="sync")

    # A version number older than the current one is stored but leaves the current version as it was.
    current = await _current_version(session, workflow)
    if current is None:
        raise RuntimeError(f"workflow {workflow_id} has no current version after storing version {number}")
    log.info("workflow synced", workspace=workspace.external_id, workflow=workflow_id, version=number, outcome=stored.outcome)
    return _workflow_view(workflow, current, request.definition), stored.outcome == "created"


async def read_workflow(session: AsyncSession, workspace: Workspace, workflow_id: str) -> WorkflowView:
    """Return the workflow's current version.

    Raises:
        WorkflowNotFound: the workspace has no such workflow, or it has no version yet.
    """
    workflow = await _find_workflow(session, workspace, workflow_id)
    current = await _current_version(session, workflow)
    if current is None:
        raise WorkflowNotFound(f"workflow {workflow_id} has no stored version")
    return _workflow_view(workflow, current, None)


async def list_versions(
    session: AsyncSession, workspace: Workspace, workflow_id: str, *, limit: int, offset: int
) -> tuple[list[VersionSummary], int]:
    """Return one page of the workflow's versions, newest first, and their total count."""
    workflow = await _find_workflow(session, workspace, workflow_id)
    total = await session.scalar(select(func.count()).where(WorkflowVersion.workflow_id == workflow.id))
    rows = await session.scalars(
        select(WorkflowVersion)
        .where(WorkflowVersion.workflow_id == workflow.id)
        .order_by(WorkflowVersion.version.desc())
        .limit(limit)
        .offset(offset)
    )
    summaries = [
        VersionSummary(version=row.version, version_id=row.id, source=row.source, created_at=row.created_at)
        for row in rows
    ]
    return summaries, total or 0


async def _find_workflow(session: AsyncSession, workspace: Workspace, workflow_id: str) -> Workflow:
    workflow = await session.scalar(
        select(Workflow).where(Workflow.workspace_id == workspace.id, Workflow.external_id == workflow_id)
    )
    if workflow is None:
        raise WorkflowNotFound(f"workflow {workflow_id} not found in workspace {workspace.external_id}")
    return workflow


async def _current_version(session: AsyncSession, workflow: Workflow) -> WorkflowVersion | None:
    if workflow.current_version_id is None:
        return None
    return await session.get(WorkflowVersion, workflow.current_version_id)


async def _next_version(session: AsyncSession, workflow: Workflow) -> int:
    newest = await session.scalar(select(func.max(WorkflowVersion.version)).where(WorkflowVersion.workflow_id == workflow.id))
    return (newest or 0) + 1


def _workflow_view(workflow: Workflow, version: WorkflowVersion, prepared: PreparedDefinition | None) -> WorkflowView:
    findings: list[dict[str, Any]] = list(prepared.definition_findings) if prepared is not None else []
    return WorkflowView(
        workflow_id=workflow.external_id,
        name=workflow.name,
        version=version.version,
        version_id=version.id,
        source=version.source,
        created_at=version.created_at,
        definition=version.definition,
        definition_findings=findings,
    )
