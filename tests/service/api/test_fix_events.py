"""Delivery of signed fix.applied events from the outbox, through an httpx mock transport."""

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from service.callbacks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_callback
from service.db import session_factory
from service.db.models import FixEvent
from service.fixes.delivery_loop import deliver_forever
from service.fixes.events import deliver_pending_events
from service.settings import Settings
from tests.service.api.conftest import WorkspaceAccess
from tests.service.api.test_analyses import MAPPING, Api, corpus_bundle

EVENT_KEY = "whsec_events_1b2c3d"
LINKFLOW_URL = "http://127.0.0.1:9/api/v1/autofix/events"


@pytest.fixture
def event_settings(api_settings: Settings) -> Settings:
    return api_settings.model_copy(update={"linkflow_url": LINKFLOW_URL, "event_signing_key": SecretStr(EVENT_KEY)})


@pytest.fixture
async def applied(client: AsyncTestClient[Litestar], shopline: WorkspaceAccess) -> Api:
    api = Api(client, shopline)
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    await api.analyze(execution_id)
    response = await api.apply(execution_id)
    assert response.status_code == 200
    return api


async def _deliver(engine: AsyncEngine, settings: Settings, handler) -> int:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http_client:
        return await deliver_pending_events(session_factory(engine), settings, http_client)


async def _event(engine: AsyncEngine) -> FixEvent:
    async with session_factory(engine)() as session:
        return (await session.scalars(select(FixEvent))).one()


async def test_deliver_sends_signed_event(applied: Api, engine: AsyncEngine, event_settings: Settings) -> None:
    requests: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(202)

    delivered = await _deliver(engine, event_settings, accept)

    assert delivered == 1
    request = requests[0]
    assert str(request.url) == LINKFLOW_URL
    verify_callback(
        EVENT_KEY, request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER], request.content, datetime.now(UTC)
    )
    payload = json.loads(request.content)
    assert payload["event"] == "fix.applied"
    assert payload["workflow_id"] == "wf_daily_sales"
    assert payload["workflow_version"] == 9
    assert payload["applied_patch"][-1]["op"] == "replace"
    assert (await _event(engine)).delivered_at is not None


async def test_deliver_failure_schedules_retry(applied: Api, engine: AsyncEngine, event_settings: Settings) -> None:
    delivered = await _deliver(engine, event_settings, lambda request: httpx.Response(503))
    again = await _deliver(engine, event_settings, lambda request: httpx.Response(202))

    event = await _event(engine)
    assert delivered == 0
    assert again == 0, "the retry is not due yet"
    assert event.attempts == 1
    assert event.delivered_at is None
    assert "HTTP 503" in (event.last_error or "")
    assert event.next_attempt_at > datetime.now(UTC)
    assert (await applied.get("/workflows/wf_daily_sales")).json()["version"] == 9


async def test_deliver_connection_error_keeps_event(applied: Api, engine: AsyncEngine, event_settings: Settings) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    delivered = await _deliver(engine, event_settings, refuse)

    event = await _event(engine)
    assert delivered == 0
    assert "ConnectError" in (event.last_error or "")


async def test_deliver_without_url_sends_nothing(applied: Api, engine: AsyncEngine, api_settings: Settings) -> None:
    requests: list[httpx.Request] = []

    delivered = await _deliver(engine, api_settings, lambda request: requests.append(request) or httpx.Response(202))

    assert delivered == 0
    assert requests == []
    assert (await _event(engine)).delivered_at is None


async def test_delivery_loop_sends_until_cancelled(applied: Api, engine: AsyncEngine, event_settings: Settings) -> None:
    def accept(request: httpx.Request) -> httpx.Response:
        return httpx.Response(202)

    async with httpx.AsyncClient(transport=httpx.MockTransport(accept)) as http_client:
        task = asyncio.create_task(deliver_forever(session_factory(engine), event_settings, http_client, interval=0.01))
        event = await _event(engine)
        # Bounded wait: the loop commits the delivery after LinkFlow responded.
        for _ in range(500):
            if event.delivered_at is not None:
                break
            await asyncio.sleep(0.02)
            event = await _event(engine)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert event.delivered_at is not None
    assert event.attempts == 1
