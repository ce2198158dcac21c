"""Running a command's async work against the configured database."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from service.cli.errors import database_errors
from service.db import create_engine, session_factory
from service.db.migrate import prepare_database
from service.settings import Settings

T = TypeVar("T")


def run_in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Prepare the database, then run `work` in one transaction, committed only if it returns.

    The embedded SQLite database is migrated first; PostgreSQL must already be at the newest
    revision (`autofix db upgrade`).
    """
    with database_errors(settings):
        return asyncio.run(_run(settings, work))


def run_database_task(settings: Settings, task: Callable[[Settings], Awaitable[T]]) -> T:
    """Run a task that opens its own connections, such as a migration."""
    with database_errors(settings):
        return asyncio.run(task(settings))


async def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    await prepare_database(settings)
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()
