"""Store an analysis as an ai_fix_suggestions row, and the execution's runbook beside it."""

import uuid

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.analysis import AnalysisResult
from agent.config import Policy
from service.db.models import AiFixSuggestion, Execution, ExecutionRunbook, Workspace, WorkspacePolicy

log = structlog.stdlib.get_logger(__name__)


class StoredExecutionMissing(LookupError):
    pass


async def find_execution(session: AsyncSession, workspace_id: str, execution_id: str) -> Execution:
    statement = (
        select(Execution)
        .join(Workspace, Workspace.id == Execution.workspace_id)
        .where(Workspace.external_id == workspace_id, Execution.external_id == execution_id)
    )
    execution = await session.scalar(statement)
    if execution is None:
        raise StoredExecutionMissing(f"execution {execution_id} not found in workspace {workspace_id}")
    return execution


async def workspace_policy(session: AsyncSession, workspace_uuid: uuid.UUID) -> Policy:
    """The stored policy of a workspace as the analysis reads it; the defaults when none is stored."""
    stored = await session.get(WorkspacePolicy, workspace_uuid)
    if stored is None:
        return Policy()
    return Policy(
        ai_auto_fix_enabled=stored.ai_auto_fix_enabled,
        ai_auto_fix_confidence_threshold=float(stored.ai_auto_fix_confidence_threshold),
        redaction_fields=tuple(str(name) for name in stored.redaction_fields or []),
    )


async def store_analysis(session: AsyncSession, result: AnalysisResult, execution: Execution) -> AiFixSuggestion:
    """Add the analysis row and create or update the execution's runbook; the caller commits."""
    row = AiFixSuggestion(
        id=uuid.UUID(result.analysis_id),
        workspace_id=execution.workspace_id,
        execution_id=execution.id,
        workflow_id=execution.workflow_id,
    )
    session.add(row)
    await fill_analysis(session, row, result, execution)
    return row


async def fill_analysis(
    session: AsyncSession, row: AiFixSuggestion, result: AnalysisResult, execution: Execution
) -> None:
    """Write an analysis result into its row as `pending`, and create or update the execution's runbook."""
    row.failed_node_key = (result.failed_node or "")[:100]
    row.error_message = result.error_message
    row.diagnosis = result.diagnosis
    row.suggestions = result.suggestions
    row.model_used = result.model_used[:200]
    row.tokens_used = result.tokens_used
    row.status = "pending"
    row.prompt_version = result.prompt_version
    row.failure_kind = result.failure_kind[:50]
    await _store_runbook(session, execution, result)

    log.info(
        "analysis stored",
        analysis=str(row.id),
        workspace=result.workspace_id,
        workflow=result.workflow_id,
        execution=result.execution_id,
        suggestions=len(result.suggestions),
    )


async def _store_runbook(session: AsyncSession, execution: Execution, result: AnalysisResult) -> None:
    runbook = await session.scalar(select(ExecutionRunbook).where(ExecutionRunbook.execution_id == execution.id))
    if runbook is None:
        runbook = ExecutionRunbook(execution_id=execution.id)
        session.add(runbook)

    runbook.severity = result.runbook["severity"]
    runbook.summary = result.runbook["summary"]
    runbook.steps = result.runbook["steps"]
    runbook.tags = result.runbook["tags"]
