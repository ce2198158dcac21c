"""Creating workspaces by hand, and finding them by LinkFlow id."""

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workspace, WorkspacePolicy

log = structlog.stdlib.get_logger(__name__)


class WorkspaceExists(ValueError):
    pass


class WorkspaceNotFound(LookupError):
    pass


async def find_workspace(session: AsyncSession, external_id: str) -> Workspace:
    """Return the workspace with this LinkFlow id.

    Raises:
        WorkspaceNotFound: no workspace has this id.
    """
    workspace = await session.scalar(select(Workspace).where(Workspace.external_id == external_id))
    if workspace is None:
        raise WorkspaceNotFound(f"workspace {external_id} not found: create it with `autofix workspace create {external_id}`")
    return workspace


async def create_workspace(session: AsyncSession, external_id: str, *, name: str | None) -> Workspace:
    """Create a workspace with the default policy; the caller commits.

    Raises:
        WorkspaceExists: a workspace with this id is already stored.
    """
    existing = await session.scalar(select(Workspace.id).where(Workspace.external_id == external_id))
    if existing is not None:
        raise WorkspaceExists(f"workspace {external_id} already exists")

    workspace = Workspace(external_id=external_id, name=name, policy=WorkspacePolicy())
    session.add(workspace)
    await session.flush()
    log.info("workspace created", workspace=external_id)
    return workspace
