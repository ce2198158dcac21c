"""Engine callbacks: signature, freshness, idempotent storage and the analysis queue."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from service.db import session_factory
from service.db.models import AnalysisRequest, Execution, Workspace
from service.settings import Settings
from tests.bundles import BEARER_TOKEN, make_definition, make_execution
from tests.rows import row_counts
from tests.service.api.conftest import WorkspaceAccess, json_bytes, signed_headers

CALLBACKS = "/api/v1/engine/callbacks"


def _callback_with_workflow(**overrides: Any) -> dict[str, Any]:
    execution = make_execution(**overrides)
    execution["workflow"] = {"version": 7, "name": "Order intake", "definition": make_definition()}
    return execution


async def _send(client: AsyncTestClient[Litestar], callback: dict[str, Any]) -> Any:
    body = json_bytes(callback)
    return await client.post(CALLBACKS, content=body, headers=signed_headers(body))


async def _count(engine: AsyncEngine, model: type) -> int:
    async with session_factory(engine)() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_signed_callback_stores_execution(client: AsyncTestClient[Litestar], engine: AsyncEngine) -> None:
    response = await _send(client, _callback_with_workflow())

    body = response.json()
    assert response.status_code == 201
    assert body["outcome"] == "created"
    assert body["execution"]["source"] == "callback"
    assert body["execution"]["definition_available"] is True
    assert BEARER_TOKEN not in response.text


async def test_callback_for_unknown_workspace_creates_it(client: AsyncTestClient[Litestar], engine: AsyncEngine) -> None:
    response = await _send(client, _callback_with_workflow(workspace_id="ws_new"))

    async with session_factory(engine)() as session:
        workspace = await session.scalar(select(Workspace).where(Workspace.external_id == "ws_new"))
    assert response.status_code == 201
    assert workspace is not None
    assert response.json()["analysis_queued"] is False


async def test_repeated_callback_stores_once(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    policy = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9}
    await client.put(acme.url("/policy"), json=policy, headers=acme.headers)

    responses = [await _send(client, _callback_with_workflow()) for _ in range(10)]

    assert [response.status_code for response in responses] == [201] + [200] * 9
    assert [response.json()["analysis_queued"] for response in responses] == [True] + [False] * 9
    assert await _count(engine, Execution) == 1
    assert await _count(engine, AnalysisRequest) == 1


async def test_queued_callback_names_pollable_analysis(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    policy = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9}
    await client.put(acme.url("/policy"), json=policy, headers=acme.headers)

    response = await _send(client, _callback_with_workflow())
    analysis = await client.get(acme.url(f"/ai/analyses/{response.json()['analysis_id']}"), headers=acme.headers)

    assert analysis.status_code == 200
    assert analysis.json()["status"] in {"queued", "running", "pending", "applied"}


async def test_callback_with_auto_fix_off_queues_nothing(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    response = await _send(client, _callback_with_workflow())

    assert response.json()["analysis_queued"] is False
    assert await _count(engine, AnalysisRequest) == 0


async def test_succeeded_run_queues_nothing(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, engine: AsyncEngine
) -> None:
    policy = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9}
    await client.put(acme.url("/policy"), json=policy, headers=acme.headers)

    response = await _send(client, _callback_with_workflow(failed=False))

    assert response.status_code == 201
    assert await _count(engine, AnalysisRequest) == 0


async def test_callback_uses_synced_version_definition(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    sync = {"name": "Order intake", "version": 7, "definition": make_definition()}
    await client.put(acme.url("/workflows/wf_orders"), json=sync, headers=acme.headers)

    response = await _send(client, make_execution())

    assert response.status_code == 201
    assert response.json()["execution"]["definition_available"] is True


async def test_callback_without_definition_is_linked_by_later_sync(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    stored = await _send(client, make_execution())
    sync = {"name": "Order intake", "version": 7, "definition": make_definition()}
    await client.put(acme.url("/workflows/wf_orders"), json=sync, headers=acme.headers)

    detail = await client.get(acme.url("/executions/812"), headers=acme.headers)

    assert stored.status_code == 201
    assert stored.json()["execution"]["definition_available"] is False
    assert detail.json()["definition_available"] is True


async def test_callback_conflict_returns_409(client: AsyncTestClient[Litestar]) -> None:
    await _send(client, _callback_with_workflow())

    response = await _send(client, _callback_with_workflow(started_at="2026-03-02T10:00:00Z"))

    assert response.status_code == 409
    assert response.json()["path"] == "$"


async def test_invalid_callback_stores_nothing(client: AsyncTestClient[Litestar], engine: AsyncEngine) -> None:
    callback = _callback_with_workflow()
    callback["nodes"][1]["node_id"] = "not_in_workflow"
    before = await row_counts(engine)

    response = await _send(client, callback)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.nodes[1].node_id"
    assert await row_counts(engine) == before


async def test_callback_missing_field_names_path(client: AsyncTestClient[Litestar]) -> None:
    callback = _callback_with_workflow()
    del callback["execution_id"]

    response = await _send(client, callback)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.execution_id"


async def test_callback_with_bad_signature_returns_401(client: AsyncTestClient[Litestar], engine: AsyncEngine) -> None:
    body = json_bytes(_callback_with_workflow())
    headers = signed_headers(body, key="not-the-signing-key")

    response = await client.post(CALLBACKS, content=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"
    assert await _count(engine, Execution) == 0


async def test_callback_with_changed_body_returns_401(client: AsyncTestClient[Litestar]) -> None:
    body = json_bytes(_callback_with_workflow())
    headers = signed_headers(body)

    response = await client.post(CALLBACKS, content=body.replace(b"812", b"813"), headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_signature"


@pytest.mark.parametrize("age", [timedelta(minutes=6), timedelta(minutes=-6)], ids=["old", "future"])
async def test_callback_outside_window_is_stale(client: AsyncTestClient[Litestar], age: timedelta) -> None:
    body = json_bytes(_callback_with_workflow())
    sent_at = (datetime.now(UTC) - age).isoformat()

    response = await client.post(CALLBACKS, content=body, headers=signed_headers(body, timestamp=sent_at))

    assert response.status_code == 401
    assert response.json()["code"] == "stale_callback"


@pytest.mark.parametrize("missing", ["X-LinkFlow-Timestamp", "X-LinkFlow-Signature"])
async def test_callback_missing_header_returns_401(client: AsyncTestClient[Litestar], missing: str) -> None:
    body = json_bytes(_callback_with_workflow())
    headers = signed_headers(body)
    del headers[missing]

    response = await client.post(CALLBACKS, content=body, headers=headers)

    assert response.status_code == 401
    assert missing in response.json()["detail"]


async def test_callback_timestamp_not_rfc3339_returns_401(client: AsyncTestClient[Litestar]) -> None:
    body = json_bytes(_callback_with_workflow())

    response = await client.post(CALLBACKS, content=body, headers=signed_headers(body, timestamp="1772357400"))

    assert response.status_code == 401
    assert "RFC 3339" in response.json()["detail"]


async def test_callback_without_signing_key_returns_503(settings: Settings, engine: AsyncEngine) -> None:
    body = json_bytes(_callback_with_workflow())

    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.post(CALLBACKS, content=body, headers=signed_headers(body))

    assert response.status_code == 503
    assert response.json()["code"] == "not_configured"
    assert "AUTOFIX_CALLBACK_SIGNING_KEY" in response.json()["detail"]


async def test_callback_definition_stored_as_callback_version(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess
) -> None:
    await _send(client, _callback_with_workflow())

    versions = await client.get(acme.url("/workflows/wf_orders/versions"), headers=acme.headers)

    assert [version["source"] for version in versions.json()["data"]] == ["callback"]
