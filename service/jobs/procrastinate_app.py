"""Background analyses on PostgreSQL with Procrastinate: the job, its deferral and the worker.

One job per queued execution, deferred in the transaction that records the request. Its
`queueing_lock` keeps at most one job per execution waiting, and its `lock` keeps two jobs of
one execution from running at the same time. A job that raises is retried. A job left in
`doing` by a worker that stopped sending heartbeats is retried when a worker starts.
"""

import uuid
from typing import Any

import procrastinate
import structlog
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import AiFixSuggestion, AnalysisRequest
from service.jobs.analysis_jobs import AnalysisFunction, mark_analysis_failed, run_requested_analysis
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

ANALYZE_TASK = "analyze_execution"
QUEUE = "analyses"

# Procrastinate 3.10's worker defaults: a heartbeat every 10 seconds, a worker silent for 30 seconds
# counts as stopped.
STALLED_WORKER_SECONDS = 30.0

# Deferring with an external connection never opens this app's pool, so one unopened app serves
# every deferral, whichever database the session is on.
_deferring_app = procrastinate.App(connector=procrastinate.PsycopgConnector())


def execution_lock(execution_id: uuid.UUID) -> str:
    """Name the lock and queueing lock of an execution's analysis job."""
    return f"execution:{execution_id}"


async def defer_analysis_job(session: AsyncSession, execution_id: uuid.UUID) -> None:
    """Defer the execution's analysis job inside the session's transaction; the caller commits.

    A job still waiting for the execution is kept, and no second one is added. Without
    Procrastinate's tables nothing is deferred: the analysis stays `queued` until a worker
    starts, creates the tables and defers a job for every queued analysis.
    """
    if await session.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
        log.warning(
            "procrastinate tables missing; the analysis waits for `autofix worker` to start",
            execution=str(execution_id),
        )
        return

    connection = await session.connection()
    raw = await connection.get_raw_connection()
    lock = execution_lock(execution_id)
    deferrer = _deferring_app.configure_task(
        ANALYZE_TASK, queue=QUEUE, lock=lock, queueing_lock=lock, connection=raw.driver_connection
    )
    try:
        # A savepoint, because a rejected insert would otherwise abort the caller's transaction.
        async with session.begin_nested():
            job_id = await deferrer.defer_async(execution_id=str(execution_id))
    except AlreadyEnqueued:
        log.info("analysis job already waiting; none added", execution=str(execution_id))
        return

    log.info("analysis job deferred", job=job_id, execution=str(execution_id))


def create_job_app(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], analyze: AnalysisFunction
) -> procrastinate.App:
    """Build a Procrastinate app on the settings' PostgreSQL database, with the analysis task.

    `sessions` opens the task's database sessions, and `analyze` runs one analysis.
    """
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_conninfo(settings)))
    retry = _retry_strategy(settings)

    @app.task(name=ANALYZE_TASK, queue=QUEUE, retry=retry, pass_context=True)
    async def analyze_execution(context: procrastinate.JobContext, execution_id: str) -> None:
        job = context.job
        attempt = job.attempts + 1
        log.info("analysis job started", job=job.id, attempt=attempt, execution=execution_id)
        try:
            await run_requested_analysis(sessions, settings, uuid.UUID(execution_id), analyze)
        except Exception as error:
            if attempt >= settings.job_max_attempts:
                # No retry follows, so the analysis must not stay `running` for ever.
                reason = f"the analysis failed {attempt} times; last error: {type(error).__name__}: {error}"
                await mark_analysis_failed(sessions, uuid.UUID(execution_id), reason)
            raise

    return app


def _retry_strategy(settings: Settings) -> procrastinate.RetryStrategy | None:
    # Procrastinate's max_attempts counts retries after the first run, and 0 there means no limit.
    retries = settings.job_max_attempts - 1
    if retries == 0:
        return None
    return procrastinate.RetryStrategy(max_attempts=retries, wait=settings.job_retry_wait_seconds)


def libpq_conninfo(settings: Settings) -> str:
    """Render the SQLAlchemy database URL as the postgresql:// URI psycopg connects with."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(
            f"background jobs with Procrastinate need PostgreSQL, but AUTOFIX_DATABASE_URL is {url.get_backend_name()}"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def ensure_job_schema(app: procrastinate.App) -> bool:
    """Apply Procrastinate's schema when its tables are missing; return True when it was applied."""
    if await app.check_connection_async():
        return False
    await app.schema_manager.apply_schema_async()
    log.info("procrastinate schema applied")
    return True


async def retry_stalled_jobs(app: procrastinate.App) -> list[int]:
    """Put back in the queue the analysis jobs left `doing` by workers that stopped; return their ids."""
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=ANALYZE_TASK, seconds_since_heartbeat=STALLED_WORKER_SECONDS
    )
    for job in stalled:
        await app.job_manager.retry_job(job)
        log.warning("stalled analysis job retried", job=job.id, worker=job.worker_id, lock=job.lock)
    return [job.id for job in stalled if job.id is not None]


async def defer_queued_analyses(app: procrastinate.App, sessions: async_sessionmaker[AsyncSession]) -> int:
    """Defer a job for every queued analysis that has none waiting; return how many were deferred.

    This catches analyses queued while Procrastinate's tables did not exist yet.
    """
    async with sessions() as session:
        statement = (
            select(AnalysisRequest.execution_id)
            .join(AiFixSuggestion, AiFixSuggestion.id == AnalysisRequest.id)
            .where(AiFixSuggestion.status == "queued")
        )
        execution_ids = list(await session.scalars(statement))

    deferred = 0
    for execution_id in execution_ids:
        lock = execution_lock(execution_id)
        deferrer = app.configure_task(ANALYZE_TASK, queue=QUEUE, lock=lock, queueing_lock=lock)
        try:
            await deferrer.defer_async(execution_id=str(execution_id))
        except AlreadyEnqueued:
            continue
        deferred += 1

    if deferred:
        log.info("jobs deferred for queued analyses", count=deferred)
    return deferred


async def run_worker(app: procrastinate.App, *, concurrency: int = 1, wait: bool = True, **options: Any) -> None:
    """Run the worker on the analysis queue of an opened app, after retrying stalled jobs.

    With `wait=False` the worker returns once the queue is empty.
    """
    await retry_stalled_jobs(app)
    await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=wait, **options)
