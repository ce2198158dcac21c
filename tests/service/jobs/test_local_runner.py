"""The in-process runner of the embedded SQLite database: queued analyses and restarts."""

import asyncio
import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service.db import session_factory
from service.db.models import AiFixSuggestion
from service.jobs.local_runner import INTERRUPTED_DETAIL, LocalAnalysisRunner, mark_interrupted_analyses
from service.settings import Settings
from tests.service.jobs.conftest import RecordingAnalysis, read_analysis, store_queued_execution

pytestmark = pytest.mark.parametrize("database_backend", ["sqlite"], indirect=True)


async def test_enqueue_creates_queued_analysis(engine: AsyncEngine) -> None:
    queued = await store_queued_execution(engine)

    analysis = await read_analysis(engine, queued.analysis_id)
    assert analysis.status == "queued"
    assert analysis.execution_id == queued.execution_id
    assert analysis.failed_node_key == "fetch_customer"


async def test_runner_processes_queued_analysis(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    queued = await store_queued_execution(engine)
    analyze = RecordingAnalysis()

    ran = await LocalAnalysisRunner(sessions, settings, analyze).run_queued()

    analysis = await read_analysis(engine, queued.analysis_id)
    assert ran == 1
    assert analyze.calls == [queued.analysis_id]
    assert analysis.status == "pending"
    assert analysis.diagnosis == "diagnosed with auto_apply=True"


async def test_runner_runs_analyses_one_at_a_time(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    first = await store_queued_execution(engine, "exec_first")
    second = await store_queued_execution(engine, "exec_second")
    analyze = RecordingAnalysis(seconds=0.05)

    ran = await LocalAnalysisRunner(sessions, settings, analyze).run_queued()

    assert ran == 2
    assert analyze.calls == [first.analysis_id, second.analysis_id]
    assert analyze.max_running == 1


async def test_runner_polls_queue_after_start(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    runner = LocalAnalysisRunner(sessions, settings.model_copy(update={"job_poll_seconds": 0.05}), RecordingAnalysis())
    await runner.start()
    try:
        queued = await store_queued_execution(engine)
        status = await _wait_for_status(engine, queued.analysis_id, "pending")
    finally:
        await runner.stop()

    assert status == "pending"


async def test_runner_marks_failed_analysis_error(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    queued = await store_queued_execution(engine)
    analyze = RecordingAnalysis(fail_first=True)

    ran = await LocalAnalysisRunner(sessions, settings, analyze).run_queued()

    analysis = await read_analysis(engine, queued.analysis_id)
    assert ran == 1
    assert analysis.status == "error"
    assert "FirstAttemptFailed" in (analysis.error_detail or "")


async def test_restart_marks_running_analysis_error(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    queued = await store_queued_execution(engine)
    async with session_factory(engine)() as session, session.begin():
        await session.execute(
            update(AiFixSuggestion).where(AiFixSuggestion.id == queued.analysis_id).values(status="running")
        )
    analyze = RecordingAnalysis()

    runner = LocalAnalysisRunner(sessions, settings, analyze)
    await runner.start()
    await runner.stop()

    analysis = await read_analysis(engine, queued.analysis_id)
    assert analysis.status == "error"
    assert analysis.error_detail == INTERRUPTED_DETAIL
    assert analyze.calls == []


async def test_mark_interrupted_leaves_finished_analyses(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    queued = await store_queued_execution(engine)

    marked = await mark_interrupted_analyses(sessions)

    analysis = await read_analysis(engine, queued.analysis_id)
    assert marked == 0
    assert analysis.status == "queued"


async def _wait_for_status(engine: AsyncEngine, analysis_id: uuid.UUID, expected: str, timeout: float = 5.0) -> str:
    status = ""
    async with asyncio.timeout(timeout):
        while status != expected:
            await asyncio.sleep(0.02)
            status = (await read_analysis(engine, analysis_id)).status
    return status
