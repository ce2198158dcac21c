"""An app on a migrated database of each backend, a test client, and workspaces with tokens."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.auth.tokens import create_token
from service.callbacks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_callback
from service.db import session_factory
from service.settings import Settings
from service.workspaces.store import create_workspace

SIGNING_KEY = "whsec_test_4f9a8b7c6d5e"


@dataclass(frozen=True)
class WorkspaceAccess:
    workspace_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, path: str) -> str:
        return f"/api/v1/workspaces/{self.workspace_id}{path}"


@pytest.fixture
def api_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"callback_signing_key": SecretStr(SIGNING_KEY)})


@pytest.fixture
def app(api_settings: Settings, engine: AsyncEngine) -> Litestar:
    # `engine` migrates the database to the newest revision first.
    return create_app(api_settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


async def add_workspace(engine: AsyncEngine, workspace_id: str) -> WorkspaceAccess:
    """Store a workspace with the default policy and one API token for it."""
    async with session_factory(engine)() as session, session.begin():
        workspace = await create_workspace(session, workspace_id, name=None)
        created = await create_token(session, workspace, "tests")
    return WorkspaceAccess(workspace_id, created.secret)


@pytest.fixture
async def acme(engine: AsyncEngine) -> WorkspaceAccess:
    """Workspace ws_acme, the workspace of the default test bundle."""
    return await add_workspace(engine, "ws_acme")


@pytest.fixture
async def shopline(engine: AsyncEngine) -> WorkspaceAccess:
    """Workspace ws_shopline, the workspace of the daily_report corpus bundles."""
    return await add_workspace(engine, "ws_shopline")


@pytest.fixture
async def other(engine: AsyncEngine) -> WorkspaceAccess:
    return await add_workspace(engine, "ws_other")


def signed_headers(body: bytes, *, timestamp: str | None = None, key: str = SIGNING_KEY) -> dict[str, str]:
    sent_at = timestamp or datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {
        TIMESTAMP_HEADER: sent_at,
        SIGNATURE_HEADER: sign_callback(key, sent_at, body),
        "Content-Type": "application/json",
    }


def json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")
