"""Running a command's async work against the configured database."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service.cli.errors import database_errors, first_line
from service.db import create_engine, session_factory
from service.db.migrate import prepare_database
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

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
        return await run_with_retry(engine, work)
    finally:
        await engine.dispose()


async def run_with_retry(engine: AsyncEngine, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction, and once more if a unique key conflict rolls it back.

    Two processes that import the same new rows at once both find them missing and insert them.
    The later insert fails on the unique key when the first transaction commits. The second
    attempt runs after that commit, so it finds the rows and changes nothing.
    """
    try:
        return await _run_once(engine, work)
    except IntegrityError as error:
        log.info("transaction retried after a unique key conflict", error=first_line(error.orig))
        return await _run_once(engine, work)


async def _run_once(engine: AsyncEngine, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async with session_factory(engine)() as session, session.begin():
        return await work(session)

