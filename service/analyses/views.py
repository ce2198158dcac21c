"""The analysis object every route returns, and the analysis lookups the routes share."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.errors import AnalysisNotFound
from service.db.models import AiFixSuggestion, Execution, Workflow, WorkflowVersion, Workspace


async def find_analysis(session: AsyncSession, workspace: Workspace, analysis_id: str) -> AiFixSuggestion:
    """Return the workspace's analysis; another workspace's analysis is not found, as an unknown one is."""
    try:
        key = uuid.UUID(analysis_id)
    except ValueError:
        raise AnalysisNotFound(f"analysis {analysis_id} not found: analysis ids are UUIDs") from None

    row = await session.scalar(
        select(AiFixSuggestion).where(AiFixSuggestion.id == key, AiFixSuggestion.workspace_id == workspace.id)
    )
    if row is None:
        raise AnalysisNotFound(f"analysis {analysis_id} not found in workspace {workspace.external_id}")
    return row


async def latest_pending_analysis(session: AsyncSession, execution: Execution) -> AiFixSuggestion:
    row = await session.scalar(
        select(AiFixSuggestion)
        .where(AiFixSuggestion.execution_id == execution.id, AiFixSuggestion.status == "pending")
        .order_by(AiFixSuggestion.created_at.desc())
        .limit(1)
    )
    if row is None:
        raise AnalysisNotFound(
            f"execution {execution.external_id} has no pending analysis; run POST .../ai/analyze first"
        )
    return row


async def analysis_object(session: AsyncSession, row: AiFixSuggestion) -> dict[str, Any]:
    """Build the analysis as the API returns it.

    Besides the fixed members, `auto_apply` holds the auto-apply decision (which rule stopped it)
    and `error` the reason an analysis in status `error` failed.
    """
    execution_id = await session.scalar(select(Execution.external_id).where(Execution.id == row.execution_id))
    workflow_id = await session.scalar(select(Workflow.external_id).where(Workflow.id == row.workflow_id))
    return {
        "analysis_id": str(row.id),
        "execution_id": execution_id,
        "workflow_id": workflow_id,
        "status": row.status,
        "diagnosis": row.diagnosis,
        "suggestions": row.suggestions,
        "model_used": row.model_used,
        "tokens_used": row.tokens_used,
        "prompt_version": row.prompt_version,
        "auto_applied": row.auto_applied,
        "created_at": rfc3339_naive_utc(row.created_at),
        "auto_apply": row.auto_apply_decision,
        "error": row.error_detail,
    }


async def fix_object(session: AsyncSession, row: AiFixSuggestion) -> dict[str, Any]:
    """Build a fix history entry: the analysis, the version its fix created and the next run's outcome."""
    applied = await _version_number(session, row.applied_version_id)
    replaced = await _version_number(session, row.replaced_version_id)
    outcome_execution = None
    if row.outcome_execution_id is not None:
        outcome_execution = await session.scalar(select(Execution.external_id).where(Execution.id == row.outcome_execution_id))

    return {
        **await analysis_object(session, row),
        "applied_index": row.applied_index,
        "applied_patch": row.applied_patch,
        "applied_at": _rfc3339(row.applied_at),
        "workflow_version": applied,
        "replaced_version": replaced,
        "outcome": None
        if row.outcome_status is None
        else {"status": row.outcome_status, "execution_id": outcome_execution, "at": _rfc3339(row.outcome_at)},
    }


async def _version_number(session: AsyncSession, version_id: uuid.UUID | None) -> int | None:
    if version_id is None:
        return None
    return await session.scalar(select(WorkflowVersion.version).where(WorkflowVersion.id == version_id))


def rfc3339_naive_utc(moment: datetime) -> str:
    """Write a naive UTC timestamp of the analysis table as RFC 3339."""
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _rfc3339(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
