"""One queued analysis, run to its end: the step both job runners share.

A queued request and its analysis row share one UUID, so the job finds the row that was
created, with status `queued`, when the request was recorded.
"""

import uuid
from typing import Protocol

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import AiFixSuggestion, AnalysisRequest, Execution
from service.db.models.ai_fix_suggestion import naive_utc_now
from service.errors import ProblemError
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

# Statuses of an analysis that a job still has to run: `running` is left by a job that was
# interrupted, and the retried job runs the analysis again.
UNFINISHED_STATUSES = ("queued", "running")


class AnalysisFunction(Protocol):
    """The contract of service.analyses.runner.run_analysis, which the runners call."""

    async def __call__(
        self,
        session: AsyncSession,
        settings: Settings,
        execution_row: Execution,
        *,
        auto_apply: bool,
        analysis_id: uuid.UUID | None = None,
    ) -> AiFixSuggestion: ...


async def run_requested_analysis(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    execution_id: uuid.UUID,
    analyze: AnalysisFunction,
) -> AiFixSuggestion | None:
    """Run the analysis queued for the execution, with auto-apply, and commit it.

    Returns None, having done nothing, when no request is recorded for the execution or its
    analysis has already finished, as when a job is delivered twice. Returns None too when
    `analyze` rejects the request with a ProblemError: the analysis is then stored as `error`.
    """
    async with sessions() as session:
        analysis = await _unfinished_analysis(session, execution_id)
        if analysis is None:
            return None

        execution = await session.get_one(Execution, execution_id)
        log.info("queued analysis started", analysis=str(analysis.id), execution=execution.external_id)
        try:
            finished = await analyze(session, settings, execution, auto_apply=True, analysis_id=analysis.id)
        except ProblemError as error:
            # A rejection (daily limit, missing definition) is final, so a retry could only repeat it.
            await _store_rejection(session, analysis.id, error)
            return None
        await session.commit()

    log.info("queued analysis finished", analysis=str(finished.id), status=finished.status)
    return finished


async def _unfinished_analysis(session: AsyncSession, execution_id: uuid.UUID) -> AiFixSuggestion | None:
    request_id = await session.scalar(select(AnalysisRequest.id).where(AnalysisRequest.execution_id == execution_id))
    if request_id is None:
        log.warning("no analysis request recorded for the execution; nothing to run", execution=str(execution_id))
        return None

    analysis = await session.get(AiFixSuggestion, request_id)
    if analysis is None or analysis.status not in UNFINISHED_STATUSES:
        status = analysis.status if analysis is not None else "missing"
        log.info("queued analysis already finished; nothing to run", analysis=str(request_id), status=status)
        return None
    return analysis


async def _store_rejection(session: AsyncSession, analysis_id: uuid.UUID, error: ProblemError) -> None:
    await session.rollback()
    analysis = await session.get_one(AiFixSuggestion, analysis_id)
    analysis.status = "error"
    analysis.error_detail = f"the analysis was rejected: {error.detail}"
    await session.commit()
    log.warning("queued analysis rejected", analysis=str(analysis_id), code=str(error.code), detail=error.detail)


async def mark_analysis_failed(sessions: async_sessionmaker[AsyncSession], execution_id: uuid.UUID, reason: str) -> None:
    """Mark the execution's queued analysis `error` with `reason`, unless it has finished already."""
    async with sessions() as session, session.begin():
        request_id = select(AnalysisRequest.id).where(AnalysisRequest.execution_id == execution_id).scalar_subquery()
        await session.execute(
            update(AiFixSuggestion)
            .where(AiFixSuggestion.id == request_id, AiFixSuggestion.status.in_(UNFINISHED_STATUSES))
            .values(status="error", error_detail=reason, updated_at=naive_utc_now())
        )
