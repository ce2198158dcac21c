"""Deliver queued fix.applied events to LinkFlow, signed as LinkFlow's engine signs its callbacks.

Events wait in the fix_events outbox until LinkFlow answers 2xx. A failed attempt is retried with
exponential backoff and never undoes the fix it announces.
"""

import json
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.callbacks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_callback
from service.db.base import utc_now
from service.db.models import FixEvent
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

FIRST_RETRY_DELAY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=1)
BATCH_SIZE = 50


async def deliver_pending_events(
    session_factory: async_sessionmaker[AsyncSession], settings: Settings, http_client: httpx.AsyncClient
) -> int:
    """Send every due, undelivered event once; return how many LinkFlow accepted.

    Without AUTOFIX_LINKFLOW_URL nothing is sent and the events stay queued.
    """
    async with session_factory() as session:
        events = list(
            await session.scalars(
                select(FixEvent)
                .where(FixEvent.delivered_at.is_(None), FixEvent.next_attempt_at <= utc_now())
                .order_by(FixEvent.next_attempt_at)
                .limit(BATCH_SIZE)
            )
        )
        if not events:
            return 0
        if settings.linkflow_url is None or settings.event_key() is None:
            log.info("fix events not delivered: AUTOFIX_LINKFLOW_URL or a signing key is not set", queued=len(events))
            return 0

        delivered = 0
        for event in events:
            delivered += await _deliver(http_client, settings, event)
        await session.commit()
    return delivered


async def _deliver(http_client: httpx.AsyncClient, settings: Settings, event: FixEvent) -> int:
    body = json.dumps(event.payload, separators=(",", ":")).encode("utf-8")
    sent_at = utc_now()
    timestamp = sent_at.isoformat().replace("+00:00", "Z")
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign_callback(settings.event_key() or "", timestamp, body),
    }
    event.attempts += 1

    try:
        response = await http_client.post(settings.linkflow_url or "", content=body, headers=headers)
    except httpx.HTTPError as error:
        _schedule_retry(event, sent_at, f"{type(error).__name__}: {error}")
        return 0
    if not response.is_success:
        _schedule_retry(event, sent_at, f"LinkFlow answered HTTP {response.status_code}")
        return 0

    event.delivered_at = sent_at
    event.last_error = None
    log.info("fix event delivered", fix_event=str(event.id), attempts=event.attempts)
    return 1


def _schedule_retry(event: FixEvent, now: datetime, error: str) -> None:
    delay = min(FIRST_RETRY_DELAY * 2 ** (event.attempts - 1), MAX_RETRY_DELAY)
    event.next_attempt_at = now + delay
    event.last_error = error[:2000]
    log.warning(
        "fix event delivery failed", fix_event=str(event.id), attempts=event.attempts, retry_in_seconds=int(delay.total_seconds()), error=error
    )
