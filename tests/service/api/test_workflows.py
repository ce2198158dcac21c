"""Workflow sync: a changed definition makes a new immutable version, the same one does not."""

import copy
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.bundles import make_definition
from tests.rows import row_counts
from tests.service.api.conftest import WorkspaceAccess

SECRET_KEY = "sk_live_51HxQ2Lm9PzR4vT8wY"


async def _sync(client: AsyncTestClient[Litestar], access: WorkspaceAccess, body: dict[str, Any]) -> Any:
    return await client.put(access.url("/workflows/wf_orders"), json=body, headers=access.headers)


async def test_sync_new_workflow_creates_version_one(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await _sync(client, acme, {"name": "Order intake", "definition": make_definition()})

    body = response.json()
    assert response.status_code == 201
    assert body["workflow_id"] == "wf_orders"
    assert body["name"] == "Order intake"
    assert body["version"] == 1
    assert body["source"] == "sync"
    assert body["definition"] == make_definition()


async def test_sync_same_definition_keeps_version(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    first = (await _sync(client, acme, {"name": "Order intake", "definition": make_definition()})).json()

    again = await _sync(client, acme, {"name": "Order intake", "definition": make_definition()})

    assert again.status_code == 200
    assert again.json()["version_id"] == first["version_id"]


async def test_sync_changed_definition_adds_version(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    await _sync(client, acme, {"name": "Order intake", "definition": make_definition()})

    changed = await _sync(client, acme, {"name": "Order intake", "definition": make_definition(timeout=60)})
    current = await client.get(acme.url("/workflows/wf_orders"), headers=acme.headers)

    assert changed.status_code == 201
    assert changed.json()["version"] == 2
    assert current.json()["version"] == 2
    assert current.json()["definition"]["nodes"][1]["data"]["config"]["timeout"] == 60


async def test_versions_list_newest_first_with_meta(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    for timeout in (10, 20, 30):
        await _sync(client, acme, {"name": "Order intake", "definition": make_definition(timeout=timeout)})

    response = await client.get(acme.url("/workflows/wf_orders/versions?limit=2"), headers=acme.headers)

    body = response.json()
    assert response.status_code == 200
    assert [item["version"] for item in body["data"]] == [3, 2]
    assert body["meta"] == {"total": 3, "limit": 2, "offset": 0}


async def test_sync_given_version_number_is_kept(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await _sync(client, acme, {"name": "Order intake", "version": 7, "definition": make_definition()})

    assert response.status_code == 201
    assert response.json()["version"] == 7


async def test_sync_given_version_with_other_definition_returns_409(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    await _sync(client, acme, {"version": 7, "definition": make_definition()})

    response = await _sync(client, acme, {"version": 7, "definition": make_definition(timeout=99)})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["path"] == "$.definition"
    assert "version 7" in response.json()["detail"]


async def test_sync_masks_literal_secret_in_definition(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    definition = make_definition()
    definition["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] = SECRET_KEY

    response = await _sync(client, acme, {"definition": definition})

    body = response.json()
    assert SECRET_KEY not in response.text
    assert body["definition"]["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] == "[REDACTED]"
    assert body["definition_findings"][0]["node"] == "fetch_customer"


def _duplicate_node(definition: dict[str, Any]) -> None:
    definition["nodes"].append(copy.deepcopy(definition["nodes"][0]))


def _dangling_edge(definition: dict[str, Any]) -> None:
    definition["edges"][0]["target"] = "missing_node"


def _bad_node_id(definition: dict[str, Any]) -> None:
    definition["nodes"][0]["id"] = "has space"


@pytest.mark.parametrize(
    ("break_definition", "path"),
    [
        (_duplicate_node, "$.definition.nodes[2].id"),
        (_dangling_edge, "$.definition.edges[0].target"),
        (_bad_node_id, "$.definition.nodes[0].id"),
    ],
    ids=["duplicate-node-id", "dangling-edge", "invalid-node-id"],
)
async def test_sync_invalid_definition_stores_nothing(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine, break_definition: Any, path: str
) -> None:
    definition = make_definition()
    break_definition(definition)
    before = await row_counts(engine)

    response = await _sync(client, acme, {"definition": definition})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path
    assert await row_counts(engine) == before


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": "no definition"}, "$.definition"),
        ({"name": 5, "definition": make_definition()}, "$.name"),
        ({"version": 0, "definition": make_definition()}, "$.version"),
        ([], "$"),
    ],
    ids=["definition-missing", "name-not-text", "version-zero", "not-an-object"],
)
async def test_sync_invalid_body_names_field(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, body: Any, path: str
) -> None:
    response = await client.put(acme.url("/workflows/wf_orders"), json=body, headers=acme.headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path


async def test_get_unknown_workflow_returns_404(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await client.get(acme.url("/workflows/wf_missing"), headers=acme.headers)

    assert response.status_code == 404
    assert "wf_missing" in response.json()["detail"]


async def test_workflow_of_other_workspace_returns_404(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, other: WorkspaceAccess
) -> None:
    await _sync(client, acme, {"definition": make_definition()})

    response = await client.get(other.url("/workflows/wf_orders"), headers=other.headers)

    assert response.status_code == 404
