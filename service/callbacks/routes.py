"""The engine callback route: LinkFlow's signed report of a finished run."""

from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from service.api.dependencies import parse_json_body, read_body
from service.callbacks.intake import callback_path, prepare_callback
from service.callbacks.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_callback
from service.callbacks.store import StoredCallback, store_callback
from service.db.base import utc_now
from service.errors import ErrorCode, ProblemError
from service.executions.detail import execution_view
from service.executions.schemas import StoredExecutionView
from service.importer import ImportConflict
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

# A delivery racing another delivery of the same run fails on a unique key. The second attempt
# then finds the stored rows and returns them as a repeat.
STORE_ATTEMPTS = 2


@post(
    "/api/v1/engine/callbacks",
    tags=["engine"],
    description=(
        f"Signed by LinkFlow's engine: {TIMESTAMP_HEADER} is an RFC 3339 time within five minutes of the "
        f"server's, {SIGNATURE_HEADER} the hex HMAC-SHA256 of the timestamp, a dot and the raw body under "
        "AUTOFIX_CALLBACK_SIGNING_KEY. Delivering the same callback again stores nothing new."
    ),
)
async def receive_callback(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], settings: NamedDependency[Settings]
) -> Response[StoredExecutionView]:
    """Store a finished run that LinkFlow's engine reports, and queue its analysis if the policy enables auto-fix."""
    if settings.callback_signing_key is None:
        raise ProblemError(
            ErrorCode.NOT_CONFIGURED,
            "AUTOFIX_CALLBACK_SIGNING_KEY is not set: set it to the key LinkFlow's engine signs callbacks with",
        )

    body = await read_body(request, settings)
    verify_callback(
        settings.callback_signing_key.get_secret_value(),
        request.headers.get(TIMESTAMP_HEADER),
        request.headers.get(SIGNATURE_HEADER),
        body,
        utc_now(),
    )
    document = parse_json_body(body, settings)

    stored = await _store_with_retry(db_session, document, settings)
    view = StoredExecutionView(
        outcome=stored.outcome,
        execution=execution_view(stored.execution, stored.workflow),
        analysis_queued=stored.analysis_queued,
        analysis_id=str(stored.analysis_id) if stored.analysis_id else None,
    )
    return Response(view, status_code=HTTP_201_CREATED if stored.outcome == "created" else HTTP_200_OK)


async def _store_with_retry(db_session: AsyncSession, document: Any, settings: Settings) -> StoredCallback:
    for attempt in range(1, STORE_ATTEMPTS):
        try:
            return await _store_once(db_session, document, settings)
        except IntegrityError:
            await db_session.rollback()
            log.info("callback raced another delivery; retrying", attempt=attempt)
    return await _store_once(db_session, document, settings)


async def _store_once(db_session: AsyncSession, document: Any, settings: Settings) -> StoredCallback:
    prepared = await prepare_callback(db_session, document, settings.intake_limits())
    try:
        stored = await store_callback(db_session, prepared)
    except ImportConflict as error:
        path = callback_path(error.path)
        detail = f"{path}: {error.reason}"
        raise ProblemError(ErrorCode.CONFLICT, detail, extensions={"path": path}) from None
    await db_session.commit()
    return stored
