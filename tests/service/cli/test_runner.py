"""Transactions of CLI commands: the retry after a unique key conflict between two imports."""

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.cli.runner import run_with_retry
from service.db import create_engine
from service.db.migrate import upgrade
from service.importer import ImportResult, import_bundle
from service.settings import Settings
from tests.bundles import bundle_bytes, make_bundle
from tools.intake import prepare_bundle

# Long enough that the other import reads the tables and blocks on its insert before this commit.
COMMIT_DELAY_SECONDS = 0.5


@pytest.mark.parametrize("database_backend", ["postgresql"])
async def test_concurrent_imports_of_new_bundle_both_succeed(settings: Settings) -> None:
    await upgrade(settings)
    prepared = prepare_bundle(bundle_bytes(make_bundle()))
    attempts: list[int] = []

    async def import_then_wait(session: AsyncSession) -> ImportResult:
        attempts.append(1)
        result = await import_bundle(session, prepared)
        await asyncio.sleep(COMMIT_DELAY_SECONDS)
        return result

    async def import_on_own_engine() -> ImportResult:
        engine = create_engine(settings)
        try:
            return await run_with_retry(engine, import_then_wait)
        finally:
            await engine.dispose()

    first, second = await asyncio.gather(import_on_own_engine(), import_on_own_engine())

    outcomes = sorted(result.executions[0].outcome for result in (first, second))
    assert outcomes == ["created", "unchanged"]
    assert len(attempts) == 3
