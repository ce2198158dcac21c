"""Liveness and readiness probes."""

from typing import Any

from alembic.runtime.migration import MigrationContext
from litestar import get
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from service.db.migrate import head_revision
from service.errors import ErrorCode, ProblemError


@get("/health", tags=["health"], sync_to_thread=False)
def health() -> dict[str, str]:
    """Return ok while the process serves requests; the database is not checked."""
    return {"status": "ok"}


@get("/ready", tags=["health"])
async def ready(state: State) -> dict[str, Any]:
    """Return 200 when the database is reachable and at the newest schema revision, else a 503 problem."""
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            revision = await connection.run_sync(_read_revision)
    except (DBAPIError, OSError) as error:
        raise ProblemError(ErrorCode.NOT_READY, f"the database is unreachable ({type(error).__name__})") from None

    head = head_revision()
    if revision != head:
        found = f"revision {revision}" if revision else "no Auto-Fix tables"
        raise ProblemError(ErrorCode.NOT_READY, f"the database has {found}, this version needs {head}: run `autofix db upgrade`")
    return {"status": "ready", "revision": revision}


def _read_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
