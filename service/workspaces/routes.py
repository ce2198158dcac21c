"""Routes of a workspace's policy."""

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workspace
from service.workspaces.policy import PolicyUpdate, PolicyView, read_policy, update_policy


class PolicyController(Controller):
    path = "/policy"
    tags = ["policy"]

    @get()
    async def get_policy(
        self, db_session: NamedDependency[AsyncSession], current_workspace: NamedDependency[Workspace]
    ) -> PolicyView:
        """Return the workspace's auto-fix policy."""
        return await read_policy(db_session, current_workspace)

    @put()
    async def put_policy(
        self,
        data: JSONBody[PolicyUpdate],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> PolicyView:
        """Replace the workspace's auto-fix policy; failure bundles never change it, only this route."""
        view = await update_policy(db_session, current_workspace, data)
        await db_session.commit()
        return view
