"""Liveness, readiness and the OpenAPI document."""

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.db.migrate import downgrade, head_revision
from service.settings import Settings


async def test_health_answers_ok(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_on_migrated_database(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/ready")

    assert response.status_code == 200
    assert response.json()["revision"] == head_revision()


async def test_ready_on_old_revision_returns_503(api_settings: Settings, engine: AsyncEngine) -> None:
    await downgrade(api_settings, "0001")

    async with AsyncTestClient(app=create_app(api_settings)) as client:
        response = await client.get("/ready")

    assert response.status_code == 503
    assert response.json()["code"] == "not_ready"
    assert "autofix db upgrade" in response.json()["detail"]


async def test_openapi_document_lists_routes(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")

    paths = response.json()["paths"]
    assert response.status_code == 200
    assert "/api/v1/workspaces/{workspace_id}/policy" in paths
    assert "/api/v1/workspaces/{workspace_id}/executions" in paths
    assert "/api/v1/engine/callbacks" in paths
    assert "bearer" in response.json()["components"]["securitySchemes"]


async def test_docs_page_is_html(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
