"""Execution import and detail: created, unchanged, conflicting and rejected bundles."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.settings import Settings
from tests.bundles import BEARER_TOKEN, bundle_bytes, make_bundle, make_definition, make_execution
from tests.rows import row_counts
from tests.service.api.conftest import WorkspaceAccess

JSON = {"Content-Type": "application/json"}


async def _import(client: AsyncTestClient[Litestar], access: WorkspaceAccess, bundle: dict[str, object]):  # type: ignore[no-untyped-def]
    return await client.post(access.url("/executions"), content=bundle_bytes(bundle), headers={**access.headers, **JSON})


async def test_import_bundle_returns_201_with_execution(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await _import(client, acme, make_bundle())

    body = response.json()
    assert response.status_code == 201
    assert body["outcome"] == "created"
    assert body["execution"]["execution_id"] == "812"
    assert body["execution"]["status"] == "failed"
    assert body["execution"]["failed_node"] == "fetch_customer"
    assert body["execution"]["workflow_version"] == 7
    assert body["execution"]["definition_available"] is True
    assert body["execution"]["source"] == "import"


async def test_import_same_bundle_again_returns_200(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    await _import(client, acme, make_bundle())

    again = await _import(client, acme, make_bundle())

    assert again.status_code == 200
    assert again.json()["outcome"] == "unchanged"


async def test_import_changed_execution_returns_409(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    await _import(client, acme, make_bundle())
    before = await row_counts(engine)

    response = await _import(client, acme, make_bundle(execution=make_execution(started_at="2026-03-02T10:00:00Z")))

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["path"] == "$.execution"
    assert "execution 812" in response.json()["detail"]
    assert await row_counts(engine) == before


async def test_import_changed_definition_returns_409_naming_it(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    await _import(client, acme, make_bundle())
    changed = make_bundle()
    changed["workflow"]["definition"] = make_definition(timeout=5)

    response = await _import(client, acme, changed)

    assert response.status_code == 409
    assert response.json()["path"] == "$.workflow.definition"


async def test_import_bad_bundle_stores_nothing(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    bundle = make_bundle()
    bundle["execution"]["nodes"][1]["node_id"] = "not_in_workflow"
    before = await row_counts(engine)

    response = await _import(client, acme, bundle)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.execution.nodes[1].node_id"
    assert await row_counts(engine) == before


async def test_import_malformed_json_returns_422(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await client.post(acme.url("/executions"), content=b'{"format": ', headers={**acme.headers, **JSON})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$"
    assert "malformed JSON" in response.json()["detail"]


async def test_import_other_workspace_bundle_returns_422(
    client: AsyncTestClient[Litestar], other: WorkspaceAccess, engine: AsyncEngine
) -> None:
    before = await row_counts(engine)

    response = await _import(client, other, make_bundle())

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.workspace.id"
    assert await row_counts(engine) == before


async def test_import_body_over_limit_returns_413(api_settings: Settings, engine: AsyncEngine, acme: WorkspaceAccess) -> None:
    small = create_app(api_settings.model_copy(update={"max_body_bytes": 1000}))

    async with AsyncTestClient(app=small) as client:
        response = await _import(client, acme, make_bundle())

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert "1,000 bytes" in response.json()["detail"]


async def test_execution_detail_has_no_secret(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    await _import(client, acme, make_bundle())

    response = await client.get(acme.url("/executions/812"), headers=acme.headers)

    body = response.json()
    assert response.status_code == 200
    assert BEARER_TOKEN not in response.text
    assert [node["node_id"] for node in body["nodes"]] == ["order_hook", "fetch_customer"]
    assert body["nodes"][1]["status"] == "failed"
    assert body["nodes"][1]["error"]["code"] == "HTTP_404"
    assert "input" not in body["nodes"][1]


async def test_execution_of_other_workspace_returns_404(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, other: WorkspaceAccess
) -> None:
    await _import(client, acme, make_bundle())

    response = await client.get(other.url("/executions/812"), headers=other.headers)

    assert response.status_code == 404


@pytest.mark.parametrize("execution_id", ["999", "nope"])
async def test_unknown_execution_returns_404(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, execution_id: str
) -> None:
    response = await client.get(acme.url(f"/executions/{execution_id}"), headers=acme.headers)

    assert response.status_code == 404
    assert execution_id in response.json()["detail"]
