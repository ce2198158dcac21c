"""The analysis queue's interface: record that an execution should be analysed, once.

The job runner that reads these requests is not part of this module.
"""

import uuid

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AnalysisRequest, Execution

log = structlog.stdlib.get_logger(__name__)


async def enqueue_analysis(session: AsyncSession, execution_id: uuid.UUID) -> bool:
    """Record a request to analyse the execution; return False when one is already recorded.

    Runs in the caller's transaction and does not commit. The unique key on the execution
    holds across service instances: a concurrent duplicate is rolled back to a savepoint.
    """
    existing = await session.scalar(select(AnalysisRequest.id).where(AnalysisRequest.execution_id == execution_id))
    if existing is not None:
        return False

    execution = await session.get_one(Execution, execution_id)
    try:
        async with session.begin_nested():
            session.add(AnalysisRequest(workspace_id=execution.workspace_id, execution_id=execution_id))
    except IntegrityError:
        return False

    log.info("analysis queued", execution=execution.external_id)
    return True
