"""`autofix worker`: the real analysis run by the Procrastinate worker from the command line."""

import asyncio

import pytest

from service.db import create_engine
from service.db.migrate import upgrade
from service.settings import Settings
from tests.service.cli.cli_helpers import autofix
from tests.service.jobs.conftest import QueuedExecution, read_analysis, store_queued_execution


async def _queue_analysis(settings: Settings) -> QueuedExecution:
    await upgrade(settings)
    engine = create_engine(settings)
    try:
        return await store_queued_execution(engine)
    finally:
        await engine.dispose()


async def _analysis_status(settings: Settings, queued: QueuedExecution) -> str:
    engine = create_engine(settings)
    try:
        return (await read_analysis(engine, queued.analysis_id)).status
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_backend", ["postgresql"], indirect=True)
def test_worker_once_finishes_queued_analysis(settings: Settings, database_url: str) -> None:
    # Queued before Procrastinate's tables exist, so the worker must create them and defer the job itself.
    queued = asyncio.run(_queue_analysis(settings))

    result = autofix(database_url, "worker", "--once")

    assert result.exit_code == 0, result.output
    assert "Procrastinate's tables were missing and have been created" in result.output
    assert asyncio.run(_analysis_status(settings, queued)) in ("pending", "applied")


@pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)
def test_worker_on_sqlite_exits_with_error(database_url: str) -> None:
    result = autofix(database_url, "worker", "--once")

    assert result.exit_code != 0
    assert "`autofix serve` runs queued analyses itself" in result.output
