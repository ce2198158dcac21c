"""Bearer tokens on workspace routes: 401 without a valid token, 404 across workspaces."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from service.auth.tokens import hash_token, revoke_token
from service.db import session_factory
from service.db.models import ApiToken
from tests.service.api.conftest import WorkspaceAccess


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer afx_not_a_stored_token"],
    ids=["missing", "no-token", "basic-scheme", "unknown-token"],
)
async def test_policy_without_valid_token_returns_401(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}

    response = await client.get(acme.url("/policy"), headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_revoked_token_returns_401(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    async with session_factory(engine)() as session, session.begin():
        token_id = await session.scalar(select(ApiToken.id).where(ApiToken.token_hash == hash_token(acme.token)))
        assert token_id is not None
        await revoke_token(session, token_id)

    response = await client.get(acme.url("/policy"), headers=acme.headers)

    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/policy", "/workflows/wf_orders", "/executions/812"])
async def test_token_of_other_workspace_returns_404(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, other: WorkspaceAccess, path: str
) -> None:
    response = await client.get(acme.url(path), headers=other.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "ws_acme" in response.json()["detail"]


async def test_token_use_records_last_used_at(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    response = await client.get(acme.url("/policy"), headers=acme.headers)

    async with session_factory(engine)() as session:
        token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(acme.token)))
    assert response.status_code == 200
    assert token is not None
    assert token.last_used_at is not None
