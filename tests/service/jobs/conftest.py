"""A stored failed execution with its analysis queued, and a recording analysis function."""

import asyncio
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from service.db import session_factory
from service.db.models import AiFixSuggestion, AnalysisRequest, Execution
from service.importer import import_bundle
from service.jobs.queue import enqueue_analysis
from service.settings import Settings
from tests.bundles import bundle_bytes, make_bundle, make_execution
from tools.intake import prepare_bundle


class FirstAttemptFailed(RuntimeError):
    pass


@dataclass
class RecordingAnalysis:
    """Records each call, marks the analysis `running` and then `pending`, as run_analysis does.

    `fail_first` raises after marking the row `running`, as a job interrupted mid-analysis
    leaves it. `seconds` keeps each call open, so overlapping calls would show in `max_running`.
    """

    fail_first: bool = False
    seconds: float = 0.0
    calls: list[uuid.UUID] = field(default_factory=list)
    running: int = 0
    max_running: int = 0

    async def __call__(
        self,
        session: AsyncSession,
        settings: Settings,
        execution_row: Execution,
        *,
        auto_apply: bool,
        analysis_id: uuid.UUID | None = None,
    ) -> AiFixSuggestion:
        assert analysis_id is not None
        self.calls.append(analysis_id)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            row = await session.get_one(AiFixSuggestion, analysis_id)
            row.status = "running"
            await session.commit()

            await asyncio.sleep(self.seconds)
            if self.fail_first and len(self.calls) == 1:
                raise FirstAttemptFailed("the first attempt stops mid-analysis")

            row.status = "pending"
            row.diagnosis = f"diagnosed with auto_apply={auto_apply}"
            await session.flush()
            return row
        finally:
            self.running -= 1


@dataclass(frozen=True)
class QueuedExecution:
    execution_id: uuid.UUID
    analysis_id: uuid.UUID


async def store_queued_execution(engine: AsyncEngine, execution_id: str = "exec_9f1c2b") -> QueuedExecution:
    """Import the default failed run and queue its analysis, as a failure callback does."""
    bundle = make_bundle(execution=make_execution(execution_id=execution_id))
    async with session_factory(engine)() as session, session.begin():
        await import_bundle(session, prepare_bundle(bundle_bytes(bundle)))
        execution = (await session.scalars(select(Execution).where(Execution.external_id == execution_id))).one()
        queued = await enqueue_analysis(session, execution.id)
    assert queued

    async with session_factory(engine)() as session:
        request_id = await session.scalar(select(AnalysisRequest.id).where(AnalysisRequest.execution_id == execution.id))
    assert request_id is not None
    return QueuedExecution(execution.id, request_id)


async def read_analysis(engine: AsyncEngine, analysis_id: uuid.UUID) -> AiFixSuggestion:
    async with session_factory(engine)() as session:
        return await session.get_one(AiFixSuggestion, analysis_id)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)
