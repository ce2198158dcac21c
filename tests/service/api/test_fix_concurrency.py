"""Concurrent applies of one analysis on PostgreSQL: exactly one creates a version, the rest conflict."""

import asyncio
import uuid

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from service.analyses.errors import FixConflict
from service.db import session_factory
from service.db.models import AiFixSuggestion, FixEvent, WorkflowVersion
from service.fixes.apply import AppliedFix, apply_fix
from service.settings import Settings
from tests.service.api.conftest import WorkspaceAccess
from tests.service.api.test_analyses import MAPPING, Api, corpus_bundle

CONCURRENT_APPLIES = 20


async def _apply_in_own_session(engine: AsyncEngine, settings: Settings, analysis_id: uuid.UUID) -> AppliedFix | FixConflict:
    async with session_factory(engine)() as session:
        row = await session.get_one(AiFixSuggestion, analysis_id)
        try:
            return await apply_fix(session, settings, row, 0, automatic=False)
        except FixConflict as error:
            return error


async def test_concurrent_applies_create_one_version(
    database_backend: str,
    client: AsyncTestClient[Litestar],
    shopline: WorkspaceAccess,
    engine: AsyncEngine,
    api_settings: Settings,
) -> None:
    if database_backend != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; SQLite runs one writer at a time")
    api = Api(client, shopline)
    execution_id = await api.import_bundle(corpus_bundle(MAPPING))
    analysis_id = uuid.UUID((await api.analyze(execution_id)).json()["analysis_id"])

    outcomes = await asyncio.gather(
        *(_apply_in_own_session(engine, api_settings, analysis_id) for _ in range(CONCURRENT_APPLIES))
    )

    applied = [outcome for outcome in outcomes if isinstance(outcome, AppliedFix)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, FixConflict)]
    assert len(applied) == 1
    assert len(conflicts) == CONCURRENT_APPLIES - 1
    async with session_factory(engine)() as session:
        fix_versions = await session.scalar(select(func.count()).where(WorkflowVersion.source == "fix"))
        events = await session.scalar(select(func.count()).select_from(FixEvent))
    assert fix_versions == 1
    assert events == 1
