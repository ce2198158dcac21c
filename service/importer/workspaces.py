"""Workspaces met in imported data, created with the default policy on first sight."""

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workspace, WorkspacePolicy

log = structlog.stdlib.get_logger(__name__)


async def find_or_create_workspace(
    session: AsyncSession, external_id: str, *, name: str | None = None
) -> tuple[Workspace, bool]:
    """Return the workspace with LinkFlow id `external_id`, and whether it was created now.

    A new workspace gets the default policy. An existing one is returned as it is: imported
    data never changes a workspace's name or policy.
    """
    workspace = await session.scalar(select(Workspace).where(Workspace.external_id == external_id))
    if workspace is not None:
        return workspace, False

    workspace = Workspace(external_id=external_id, name=name, policy=WorkspacePolicy())
    session.add(workspace)
    await session.flush()
    log.info("workspace created", workspace=external_id)
    return workspace, True
