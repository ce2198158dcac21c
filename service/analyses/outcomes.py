"""Outcomes of applied fixes: how the first run of a fixed version went, and their export for calibration."""

import json
from collections.abc import AsyncIterator
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.base import utc_now
from service.db.models import AiFixSuggestion, Execution, Workflow

log = structlog.stdlib.get_logger(__name__)

_SUCCEEDED_STATUSES = {"completed", "success", "succeeded"}


async def record_fix_outcome(session: AsyncSession, execution: Execution) -> None:
    """Record on the analysis whose fix created this execution's version how its first run went.

    A run that completed is `succeeded`. A run that failed at the node the analysis diagnosed is
    `failed`. A run still going, or failed at another node, decides nothing and is not recorded.
    """
    if execution.workflow_version_id is None:
        return

    row = await session.scalar(
        select(AiFixSuggestion).where(
            AiFixSuggestion.applied_version_id == execution.workflow_version_id,
            AiFixSuggestion.outcome_status.is_(None),
        )
    )
    if row is None:
        return

    outcome = _outcome(execution, row)
    if outcome is None:
        return
    row.outcome_status = outcome
    row.outcome_execution_id = execution.id
    row.outcome_at = utc_now()
    await session.flush()
    log.info("fix outcome recorded", analysis=str(row.id), execution=execution.external_id, outcome=outcome)


def _outcome(execution: Execution, row: AiFixSuggestion) -> str | None:
    if execution.status in _SUCCEEDED_STATUSES:
        return "succeeded"
    if execution.status == "failed" and execution.failed_node_key == row.failed_node_key:
        return "failed"
    return None


async def outcome_records(session: AsyncSession) -> AsyncIterator[dict[str, Any]]:
    """Yield {raw_score, source, success, workflow_id} for each applied fix whose next run is known."""
    rows = await session.execute(
        select(AiFixSuggestion, Workflow.external_id)
        .join(Workflow, Workflow.id == AiFixSuggestion.workflow_id)
        .where(AiFixSuggestion.outcome_status.is_not(None), AiFixSuggestion.applied_index.is_not(None))
        .order_by(AiFixSuggestion.created_at)
    )
    for row, workflow_id in rows:
        suggestion = (row.suggestions or [])[row.applied_index]
        yield {
            "raw_score": suggestion.get("raw_score"),
            "source": suggestion.get("source"),
            "success": row.outcome_status == "succeeded",
            "workflow_id": workflow_id,
        }


async def export_outcomes(session: AsyncSession) -> str:
    """Return the outcomes as JSON lines, the format `autofix eval --fit --outcomes` reads."""
    return "".join([json.dumps(record) + "\n" async for record in outcome_records(session)])
