"""The analysis queue's interface: record that an execution should be analysed, once.

Recording a request also creates the analysis row, with status `queued` and the request's
UUID, so clients can poll the analysis from the start. On PostgreSQL the Procrastinate job
is deferred in the same transaction, so a rolled-back callback leaves no job behind. On
SQLite the service's in-process runner reads the queued rows instead.
"""

import uuid

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AiFixSuggestion, AnalysisRequest, Execution
from service.jobs.procrastinate_app import defer_analysis_job

log = structlog.stdlib.get_logger(__name__)


async def enqueue_analysis(session: AsyncSession, execution_id: uuid.UUID) -> uuid.UUID | None:
    """Record a request to analyse the execution and return the queued analysis's id; None when one is already recorded.

    Runs in the caller's transaction and does not commit. The unique key on the execution
    holds across service instances: a concurrent duplicate is rolled back to a savepoint.
    """
    existing = await session.scalar(select(AnalysisRequest.id).where(AnalysisRequest.execution_id == execution_id))
    if existing is not None:
        return None

    execution = await session.get_one(Execution, execution_id)
    request_id = uuid.uuid4()
    try:
        async with session.begin_nested():
            session.add(AnalysisRequest(id=request_id, workspace_id=execution.workspace_id, execution_id=execution_id))
            session.add(_queued_analysis(request_id, execution))
            await session.flush()
            if (await session.connection()).dialect.name == "postgresql":
                await defer_analysis_job(session, execution_id)
    except IntegrityError:
        return None

    log.info("analysis queued", execution=execution.external_id, analysis=str(request_id))
    return request_id


def _queued_analysis(analysis_id: uuid.UUID, execution: Execution) -> AiFixSuggestion:
    # The specification's columns are NOT NULL, so the fields the analysis fills stay empty until it runs.
    return AiFixSuggestion(
        id=analysis_id,
        workspace_id=execution.workspace_id,
        execution_id=execution.id,
        workflow_id=execution.workflow_id,
        failed_node_key=(execution.failed_node_key or "")[:100],
        error_message=execution.error_message or "",
        diagnosis="",
        suggestions=[],
        model_used="",
        status="queued",
    )
