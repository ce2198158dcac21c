"""Workflows and their versions from imported data."""

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Execution, Workflow, WorkflowVersion, Workspace
from service.importer.hashing import content_hash
from service.importer.results import ImportConflict, StoredVersion

log = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class IncomingVersion:
    """A workflow definition as a bundle carries it, with the JSON path it came from."""

    version: int
    definition: dict[str, Any]
    name: str | None
    path: str


async def find_or_create_workflow(
    session: AsyncSession, workspace: Workspace, external_id: str, *, name: str | None
) -> Workflow:
    """Return the workspace's workflow with LinkFlow id `external_id`, creating it if new."""
    workflow = await session.scalar(
        select(Workflow).where(Workflow.workspace_id == workspace.id, Workflow.external_id == external_id)
    )
    if workflow is not None:
        return workflow

    workflow = Workflow(workspace_id=workspace.id, external_id=external_id, name=name)
    session.add(workflow)
    await session.flush()
    log.info("workflow created", workspace=workspace.external_id, workflow=external_id)
    return workflow


async def store_version(
    session: AsyncSession, workflow: Workflow, incoming: IncomingVersion, *, source: str = "import"
) -> StoredVersion:
    """Store a version of `workflow`, or confirm it is stored with the same definition.

    The workflow's current version moves to this one only when it is newer than the current.

    Raises:
        ImportConflict: the version number is stored with a different definition.
    """
    digest = content_hash(incoming.definition)
    stored = await _find_version(session, workflow, incoming.version)
    if stored is not None and stored.content_hash != digest:
        raise ImportConflict(
            incoming.path,
            f"workflow {workflow.external_id} version {incoming.version} is already stored with a different definition",
        )

    outcome = "unchanged"
    if stored is None:
        stored = await _create_version(session, workflow, incoming, digest, source)
        outcome = "created"

    is_current = await _advance_current_version(session, workflow, stored, incoming.name)
    return StoredVersion(workflow.external_id, incoming.version, outcome, is_current)


async def find_version_id(session: AsyncSession, workflow: Workflow, version: int | None) -> uuid.UUID | None:
    """Return the id of `workflow`'s stored version number `version`, or None."""
    if version is None:
        return None
    stored = await _find_version(session, workflow, version)
    return stored.id if stored is not None else None


async def _find_version(session: AsyncSession, workflow: Workflow, version: int) -> WorkflowVersion | None:
    return await session.scalar(
        select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id, WorkflowVersion.version == version)
    )


async def _create_version(
    session: AsyncSession, workflow: Workflow, incoming: IncomingVersion, digest: str, source: str
) -> WorkflowVersion:
    stored = WorkflowVersion(
        workflow_id=workflow.id,
        version=incoming.version,
        definition=incoming.definition,
        content_hash=digest,
        source=source,
    )
    session.add(stored)
    await session.flush()
    await _link_executions(session, workflow, stored)
    log.info("workflow version stored", workflow=workflow.external_id, version=incoming.version, source=source)
    return stored


async def _link_executions(session: AsyncSession, workflow: Workflow, stored: WorkflowVersion) -> None:
    """Point executions that reported this version number, stored before its definition was, at it."""
    await session.execute(
        update(Execution)
        .where(
            Execution.workflow_id == workflow.id,
            Execution.workflow_version == stored.version,
            Execution.workflow_version_id.is_(None),
        )
        .values(workflow_version_id=stored.id)
    )


async def _advance_current_version(
    session: AsyncSession, workflow: Workflow, stored: WorkflowVersion, name: str | None
) -> bool:
    """Make `stored` the current version if it is newer; return whether it is current now."""
    if workflow.current_version_id == stored.id:
        return True

    current_number = None
    if workflow.current_version_id is not None:
        current_number = await session.scalar(
            select(WorkflowVersion.version).where(WorkflowVersion.id == workflow.current_version_id)
        )
    if current_number is not None and current_number >= stored.version:
        return False

    workflow.current_version_id = stored.id
    if name is not None:
        workflow.name = name
    await session.flush()
    return True
