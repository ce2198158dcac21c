"""Fix history and statistics over a workspace's analyses."""

import statistics
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.views import fix_object
from service.db.models import AiFixSuggestion, Execution, Workflow, Workspace


async def fix_history(
    session: AsyncSession, workspace: Workspace, *, workflow_id: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Return one page of the workspace's fixes, newest first, and their total count.

    Without `status` the history lists analyses whose fix was applied; a status such as
    `dismissed` lists the analyses in that status instead.
    """
    statement = select(AiFixSuggestion).where(AiFixSuggestion.workspace_id == workspace.id)
    if status is None:
        statement = statement.where(AiFixSuggestion.applied_index.is_not(None))
    else:
        statement = statement.where(AiFixSuggestion.status == status)
    if workflow_id is not None:
        statement = statement.join(Workflow, Workflow.id == AiFixSuggestion.workflow_id).where(
            Workflow.external_id == workflow_id
        )

    total = await session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = await session.scalars(
        statement.order_by(AiFixSuggestion.created_at.desc(), AiFixSuggestion.id).limit(limit).offset(offset)
    )
    return [await fix_object(session, row) for row in rows], total


async def analysis_stats(session: AsyncSession, workspace: Workspace, since: datetime | None) -> dict[str, Any]:
    """Summarise the workspace's analyses created at or after `since`.

    Shares are None when nothing was counted, because 0 would claim a measurement.
    """
    scope = select(AiFixSuggestion).where(AiFixSuggestion.workspace_id == workspace.id)
    if since is not None:
        scope = scope.where(AiFixSuggestion.created_at >= since.astimezone(UTC).replace(tzinfo=None))
    rows = list(await session.scalars(scope))

    applied = [row for row in rows if row.applied_index is not None]
    dismissed = [row for row in rows if row.status == "dismissed"]
    with_outcome = [row for row in applied if row.outcome_status is not None]
    succeeded = [row for row in with_outcome if row.outcome_status == "succeeded"]

    return {
        "since": since.astimezone(UTC).isoformat().replace("+00:00", "Z") if since else None,
        "analyses": len(rows),
        "applied": len(applied),
        "auto_applied": sum(1 for row in applied if row.auto_applied),
        "dismissed": len(dismissed),
        "applied_share": _share(len(applied), len(applied) + len(dismissed)),
        "fixes_with_outcome": len(with_outcome),
        "next_run_succeeded_share": _share(len(succeeded), len(with_outcome)),
        "median_seconds_to_verified_suggestion": await _median_seconds_to_verified(session, rows),
        "by_failure_kind": _by_failure_kind(rows),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def _median_seconds_to_verified(session: AsyncSession, rows: list[AiFixSuggestion]) -> float | None:
    """Median time from an execution's arrival to its first analysis with a suggestion whose replay passed."""
    first_verified: dict[Any, datetime] = {}
    for row in rows:
        if not any((suggestion.get("verification") or {}).get("status") == "passed" for suggestion in row.suggestions or []):
            continue
        earliest = first_verified.get(row.execution_id)
        if earliest is None or row.created_at < earliest:
            first_verified[row.execution_id] = row.created_at
    if not first_verified:
        return None

    arrivals = dict(
        (await session.execute(_arrivals(list(first_verified)))).tuples().all()
    )
    waits = [
        (verified.replace(tzinfo=UTC) - arrivals[execution_id]).total_seconds()
        for execution_id, verified in first_verified.items()
        if execution_id in arrivals
    ]
    return round(statistics.median(waits), 3) if waits else None


def _arrivals(execution_ids: list[Any]) -> Select[tuple[Any, datetime]]:
    return select(Execution.id, Execution.created_at).where(Execution.id.in_(execution_ids))


def _by_failure_kind(rows: list[AiFixSuggestion]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        kind = row.failure_kind or "unknown"
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))
