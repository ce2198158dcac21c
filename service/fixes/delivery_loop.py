"""Deliver queued fix.applied events while the service runs, every few seconds."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import structlog
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.fixes.events import deliver_pending_events
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

# Long enough for LinkFlow's control plane to answer; a slow answer is retried later, not waited on.
DELIVERY_TIMEOUT_SECONDS = 10.0


async def deliver_forever(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, http_client: httpx.AsyncClient, *, interval: float
) -> None:
    """Send due events every `interval` seconds until cancelled; one failed round never stops the loop."""
    while True:
        try:
            await deliver_pending_events(sessions, settings, http_client)
        except Exception as error:  # noqa: BLE001 - the next round retries; the apply itself is never undone
            log.error("fix event delivery round failed", error=f"{type(error).__name__}: {error}")
        await asyncio.sleep(interval)


@asynccontextmanager
async def event_delivery_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Run the delivery loop beside the service; it reads the session factory the database lifespan opens."""
    settings: Settings = app.state.settings
    async with httpx.AsyncClient(timeout=DELIVERY_TIMEOUT_SECONDS) as http_client:
        task = asyncio.create_task(
            deliver_forever(app.state.session_factory, settings, http_client, interval=settings.event_poll_seconds)
        )
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
