"""API tokens of a workspace; only a token's SHA-256 and its first characters are stored."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.base import utc_now
from service.db.models import ApiToken, Workspace

log = structlog.stdlib.get_logger(__name__)

TOKEN_PREFIX = "afx_"
# 32 random bytes: guessing is hopeless, so a fast unsalted hash is enough to store.
TOKEN_BYTES = 32
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
# last_used_at is written at most this often per token, so reading a route is not a write each time.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenNotFound(LookupError):
    pass


@dataclass(frozen=True)
class CreatedToken:
    """A new token; `secret` is the token itself, shown once and never stored."""

    row: ApiToken
    secret: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def create_token(session: AsyncSession, workspace: Workspace, name: str) -> CreatedToken:
    """Create a token for the workspace; the caller commits."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        workspace_id=workspace.id, name=name, token_hash=hash_token(secret), prefix=secret[:SHOWN_PREFIX_LENGTH]
    )
    session.add(row)
    await session.flush()
    log.info("api token created", workspace=workspace.external_id, token_id=str(row.id))
    return CreatedToken(row, secret)


async def list_tokens(session: AsyncSession, workspace: Workspace) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.workspace_id == workspace.id).order_by(ApiToken.created_at, ApiToken.id)
    return list(await session.scalars(statement))


async def revoke_token(session: AsyncSession, token_id: uuid.UUID) -> ApiToken:
    """Revoke a token; revoking it again keeps the first revocation time. The caller commits.

    Raises:
        TokenNotFound: no token has this id.
    """
    row = await session.get(ApiToken, token_id)
    if row is None:
        raise TokenNotFound(f"no API token with id {token_id}")

    if row.revoked_at is None:
        row.revoked_at = utc_now()
        await session.flush()
        log.info("api token revoked", token_id=str(token_id))
    return row


async def find_active_token(session: AsyncSession, token: str) -> tuple[ApiToken, Workspace] | None:
    """Return the unrevoked token with this value and its workspace, or None."""
    statement = (
        select(ApiToken, Workspace)
        .join(Workspace, Workspace.id == ApiToken.workspace_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    found = (await session.execute(statement)).first()
    return (found[0], found[1]) if found is not None else None


def record_use(row: ApiToken, now: datetime) -> bool:
    """Set last_used_at when it is unset or older than the resolution; return whether it changed."""
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_RESOLUTION:
        return False
    row.last_used_at = now
    return True
