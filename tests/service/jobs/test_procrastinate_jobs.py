"""Background analyses on PostgreSQL: Procrastinate jobs run by a real worker."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import procrastinate
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service.db import session_factory
from service.jobs.procrastinate_app import (
    ANALYZE_TASK,
    QUEUE,
    create_job_app,
    defer_analysis_job,
    defer_queued_analyses,
    ensure_job_schema,
    execution_lock,
    run_worker,
)
from service.settings import Settings
from tests.service.jobs.conftest import RecordingAnalysis, read_analysis, store_queued_execution

pytestmark = pytest.mark.parametrize("database_backend", ["postgresql"], indirect=True)

JobAppFactory = Callable[[RecordingAnalysis], AbstractAsyncContextManager[procrastinate.App]]


@pytest.fixture
def job_settings(settings: Settings) -> Settings:
    # No wait between attempts, so a retried job runs in the same worker run.
    return settings.model_copy(update={"job_retry_wait_seconds": 0, "job_max_attempts": 3})


@pytest.fixture
async def open_job_app(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], job_settings: Settings
) -> JobAppFactory:
    """Open a job app whose task runs `analyze`, with Procrastinate's tables applied."""

    @asynccontextmanager
    async def opened(analyze: RecordingAnalysis) -> AsyncIterator[procrastinate.App]:
        app = create_job_app(job_settings, sessions, analyze)
        async with app.open_async():
            await ensure_job_schema(app)
            yield app

    return opened


async def _jobs(engine: AsyncEngine) -> list[dict[str, object]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT id, status, lock, queueing_lock, args, attempts FROM procrastinate_jobs ORDER BY id")
        )
        return [dict(row._mapping) for row in rows]


async def test_enqueue_defers_job_with_execution_locks(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    async with open_job_app(RecordingAnalysis()):
        queued = await store_queued_execution(engine)

    jobs = await _jobs(engine)
    assert len(jobs) == 1
    assert jobs[0]["status"] == "todo"
    assert jobs[0]["lock"] == execution_lock(queued.execution_id)
    assert jobs[0]["queueing_lock"] == execution_lock(queued.execution_id)
    assert jobs[0]["args"] == {"execution_id": str(queued.execution_id)}


async def test_second_deferral_keeps_one_waiting_job(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    async with open_job_app(RecordingAnalysis()):
        queued = await store_queued_execution(engine)
        async with session_factory(engine)() as session, session.begin():
            await defer_analysis_job(session, queued.execution_id)

    assert len(await _jobs(engine)) == 1


async def test_enqueue_without_job_tables_defers_at_worker_start(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], open_job_app: JobAppFactory
) -> None:
    queued = await store_queued_execution(engine)
    analyze = RecordingAnalysis()

    async with open_job_app(analyze) as app:
        deferred = await defer_queued_analyses(app, sessions)
        await run_worker(app, wait=False)

    analysis = await read_analysis(engine, queued.analysis_id)
    assert deferred == 1
    assert analyze.calls == [queued.analysis_id]
    assert analysis.status == "pending"


async def test_worker_runs_analysis_to_completion(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    analyze = RecordingAnalysis()

    async with open_job_app(analyze) as app:
        queued = await store_queued_execution(engine)
        await run_worker(app, wait=False)

    analysis = await read_analysis(engine, queued.analysis_id)
    jobs = await _jobs(engine)
    assert analyze.calls == [queued.analysis_id]
    assert analysis.status == "pending"
    assert analysis.diagnosis == "diagnosed with auto_apply=True"
    assert jobs[0]["status"] == "succeeded"


async def test_failed_attempt_is_retried_and_finishes(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    analyze = RecordingAnalysis(fail_first=True)

    async with open_job_app(analyze) as app:
        queued = await store_queued_execution(engine)
        await run_worker(app, wait=False)

    analysis = await read_analysis(engine, queued.analysis_id)
    jobs = await _jobs(engine)
    assert analyze.calls == [queued.analysis_id, queued.analysis_id]
    assert analysis.status == "pending"
    assert jobs[0]["status"] == "succeeded"
    assert jobs[0]["attempts"] == 2


async def test_job_of_stopped_worker_is_retried(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    analyze = RecordingAnalysis()

    async with open_job_app(analyze) as app:
        queued = await store_queued_execution(engine)
        await _strand_job_with_stopped_worker(engine, queued.analysis_id)
        await run_worker(app, wait=False)

    analysis = await read_analysis(engine, queued.analysis_id)
    jobs = await _jobs(engine)
    assert analyze.calls == [queued.analysis_id]
    assert analysis.status == "pending"
    assert jobs[0]["status"] == "succeeded"


async def _strand_job_with_stopped_worker(engine: AsyncEngine, analysis_id: uuid.UUID) -> None:
    """Leave the job `doing` under a worker whose last heartbeat is an hour old, and its analysis `running`."""
    async with engine.begin() as connection:
        worker_id = await connection.scalar(
            text("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (NOW() - INTERVAL '1 hour') RETURNING id")
        )
        await connection.execute(
            text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :worker"), {"worker": worker_id}
        )
        await connection.execute(
            text("UPDATE ai_fix_suggestions SET status = 'running' WHERE id = :id"), {"id": analysis_id}
        )


async def test_two_jobs_for_one_execution_analyse_once(engine: AsyncEngine, open_job_app: JobAppFactory) -> None:
    analyze = RecordingAnalysis(seconds=0.3)

    async with open_job_app(analyze) as app:
        queued = await store_queued_execution(engine)
        # A second job under the same lock but no queueing lock, as a redelivery racing the first would be.
        lock = execution_lock(queued.execution_id)
        await app.configure_task(ANALYZE_TASK, queue=QUEUE, lock=lock).defer_async(
            execution_id=str(queued.execution_id)
        )
        await run_worker(app, wait=False, concurrency=2)
        # With wait=False a worker stops when every waiting job is locked, so a second run takes the other job.
        await run_worker(app, wait=False)

    jobs = await _jobs(engine)
    assert analyze.calls == [queued.analysis_id]
    assert analyze.max_running == 1
    assert [job["status"] for job in jobs] == ["succeeded", "succeeded"]


async def test_last_failed_attempt_marks_analysis_error(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], job_settings: Settings
) -> None:
    analyze = RecordingAnalysis(fail_first=True)
    app = create_job_app(job_settings.model_copy(update={"job_max_attempts": 1}), sessions, analyze)

    async with app.open_async():
        await ensure_job_schema(app)
        queued = await store_queued_execution(engine)
        await run_worker(app, wait=False)

    analysis = await read_analysis(engine, queued.analysis_id)
    jobs = await _jobs(engine)
    assert analyze.calls == [queued.analysis_id]
    assert analysis.status == "error"
    assert "FirstAttemptFailed" in (analysis.error_detail or "")
    assert jobs[0]["status"] == "failed"
