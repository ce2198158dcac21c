"""Background analyses on the embedded SQLite database: one asyncio task in the service process.

The runner takes queued analyses oldest first and runs them one at a time, so no execution is
analysed twice at once. An analysis that a stopped process left `running` cannot be resumed,
and is marked `error` when the runner starts.
"""

import asyncio
import contextlib
import uuid

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import AiFixSuggestion, AnalysisRequest
from service.db.models.ai_fix_suggestion import naive_utc_now
from service.jobs.analysis_jobs import AnalysisFunction, mark_analysis_failed, run_requested_analysis
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

INTERRUPTED_DETAIL = "interrupted by a restart: the service stopped while this analysis was running"


class LocalAnalysisRunner:
    """Runs queued analyses in this process until `stop` is awaited."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings, analyze: AnalysisFunction
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._analyze = analyze
        self._task: asyncio.Task[None] | None = None
        self._recovered = False

    async def start(self) -> None:
        """Mark analyses interrupted by a previous process as `error`, then start polling the queue.

        A database that cannot be read yet (not migrated, say) does not stop the service: the
        poll loop logs the error and tries again.
        """
        self._recovered = await self._mark_interrupted()
        self._task = asyncio.create_task(self._poll(), name="autofix-analysis-runner")
        log.info("analysis runner started", poll_seconds=self._settings.job_poll_seconds)

    async def stop(self) -> None:
        """Cancel the runner; an analysis it was running stays `running` and is marked `error` at the next start."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        log.info("analysis runner stopped")

    async def run_queued(self) -> int:
        """Run every queued analysis, oldest first, and return how many ran."""
        count = 0
        while (execution_id := await self._next_execution()) is not None:
            await self._run_one(execution_id)
            count += 1
        return count

    async def _poll(self) -> None:
        last_error = None
        while True:
            try:
                if not self._recovered:
                    self._recovered = await self._mark_interrupted()
                await self.run_queued()
                last_error = None
            except Exception as error:
                # The loop must outlive a database error, or queued analyses would wait for a restart.
                # A repeated error is logged once, not on every poll.
                if str(error) != last_error:
                    log.exception("analysis runner failed to read the queue; retrying after the poll interval")
                last_error = str(error)
            await asyncio.sleep(self._settings.job_poll_seconds)

    async def _mark_interrupted(self) -> bool:
        try:
            await mark_interrupted_analyses(self._sessions)
        except SQLAlchemyError:
            log.exception("could not mark interrupted analyses as error; retrying after the poll interval")
            return False
        return True

    async def _next_execution(self) -> uuid.UUID | None:
        async with self._sessions() as session:
            statement = (
                select(AnalysisRequest.execution_id)
                .join(AiFixSuggestion, AiFixSuggestion.id == AnalysisRequest.id)
                .where(AiFixSuggestion.status == "queued")
                .order_by(AnalysisRequest.created_at, AnalysisRequest.id)
                .limit(1)
            )
            return await session.scalar(statement)

    async def _run_one(self, execution_id: uuid.UUID) -> None:
        try:
            await run_requested_analysis(self._sessions, self._settings, execution_id, self._analyze)
        except Exception as error:
            # Marking the row keeps a failing analysis from being picked again on every poll.
            log.exception("queued analysis failed", execution=str(execution_id))
            await mark_analysis_failed(self._sessions, execution_id, f"the analysis failed: {type(error).__name__}: {error}")


async def mark_interrupted_analyses(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Mark every `running` analysis as `error`; return how many were marked.

    Only safe where one process runs analyses, as on the embedded SQLite database.
    """
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(AiFixSuggestion)
            .where(AiFixSuggestion.status == "running")
            .values(status="error", error_detail=INTERRUPTED_DETAIL, updated_at=naive_utc_now())
        )
    if result.rowcount:
        log.warning("analyses interrupted by a restart marked as error", count=result.rowcount)
    return result.rowcount
