"""The bearer-token check that every route under /api/v1/workspaces/{workspace_id} depends on."""

from typing import Any

import structlog
from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.tokens import find_active_token, record_use
from service.db.base import utc_now
from service.db.models import Workspace
from service.errors import ErrorCode, ProblemError

log = structlog.stdlib.get_logger(__name__)

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="autofix"'}


async def provide_workspace(request: Request[Any, Any, Any], db_session: AsyncSession, workspace_id: str) -> Workspace:
    """Return the path's workspace when the request's bearer token belongs to it.

    A valid token of another workspace gets 404, as an unknown workspace does, so a caller
    cannot learn which workspace ids exist.
    """
    token = _bearer_token(request.headers.get("authorization"))
    found = await find_active_token(db_session, token)
    if found is None:
        raise ProblemError(ErrorCode.UNAUTHORIZED, "the bearer token is unknown or revoked", headers=_CHALLENGE)

    row, workspace = found
    if workspace.external_id != workspace_id:
        log.info("token used on another workspace", token_id=str(row.id), workspace=workspace_id)
        raise ProblemError(ErrorCode.NOT_FOUND, f"workspace {workspace_id} not found")

    if record_use(row, utc_now()):
        await db_session.commit()
    return workspace


def _bearer_token(header: str | None) -> str:
    if not header:
        raise ProblemError(
            ErrorCode.UNAUTHORIZED,
            "missing Authorization header: send Authorization: Bearer <token>",
            headers=_CHALLENGE,
        )

    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            ErrorCode.UNAUTHORIZED,
            "the Authorization header must have the form Bearer <token>",
            headers=_CHALLENGE,
        )
    return token.strip()
