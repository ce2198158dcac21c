"""Run one analysis of a stored failed execution: limit, analyse in a worker thread, store, auto-apply."""

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.analysis import AnalysisResult, analyze
from service.analyses.errors import DailyLimitReached, DefinitionMissing, NotAFailure
from service.analyses.store import fill_analysis, workspace_policy
from service.db.models import AiFixSuggestion, Execution, Workspace, WorkspacePolicy
from service.db.models.ai_fix_suggestion import naive_utc_now
from service.db.models.workspace_policy import DEFAULT_DAILY_ANALYSIS_LIMIT
from service.executions import bundle_loader
from service.errors import ProblemError
from service.fixes.apply import apply_fix
from service.metrics import record_analysis
from service.settings import Settings
from tools.intake import PreparedBundle, prepare_bundle

log = structlog.stdlib.get_logger(__name__)

_FAILED = "failed"


async def run_analysis(
    session: AsyncSession,
    settings: Settings,
    execution_row: Execution,
    *,
    auto_apply: bool,
    analysis_id: uuid.UUID | None = None,
) -> AiFixSuggestion:
    """Analyse a failed execution and store the analysis; apply its top fix when allowed.

    `analysis_id` names a row already queued for this execution (the background worker's case);
    without it a new row is created. The row is committed as `running` before the analysis runs,
    and as `pending`, `applied` or `error` after. A rejected request stores and counts nothing.

    Raises:
        NotAFailure: the execution did not fail.
        DefinitionMissing: the workflow version the execution ran is not stored.
        DailyLimitReached: the workspace used its daily analyses.
    """
    workspace = await session.get_one(Workspace, execution_row.workspace_id)
    if execution_row.status != _FAILED:
        raise NotAFailure(execution_row.external_id, execution_row.status)

    prepared = await _prepared_bundle(session, settings, workspace, execution_row)
    row = await _start_row(session, workspace, execution_row, analysis_id)
    await session.commit()

    started = time.monotonic()
    result = await _analyze(session, settings, row, prepared, execution_row)
    if result is None:
        record_analysis(None, time.monotonic() - started, auto_applied=False)
        return row

    await _store_result(session, row, result, execution_row, requested=auto_apply)
    if auto_apply and result.auto_apply.get("eligible"):
        await _auto_apply(session, settings, row, result, execution_row)
    else:
        await session.commit()
    return row


async def _prepared_bundle(
    session: AsyncSession, settings: Settings, workspace: Workspace, execution: Execution
) -> PreparedBundle:
    try:
        bundle = await bundle_loader.load_bundle(session, workspace.external_id, execution.external_id)
    except bundle_loader.DefinitionMissing as error:
        raise DefinitionMissing(str(error)) from None

    # Stored data passed intake once; passing it again keeps one path into the analysis.
    return prepare_bundle(json.dumps(bundle).encode("utf-8"), settings.intake_limits())


async def _start_row(
    session: AsyncSession, workspace: Workspace, execution: Execution, analysis_id: uuid.UUID | None
) -> AiFixSuggestion:
    """Check the daily limit and mark the analysis row `running`, creating it unless it was queued."""
    limit = await _locked_daily_limit(session, workspace)
    used = await _analyses_today(session, workspace, excluding=analysis_id)
    if used >= limit:
        raise DailyLimitReached(workspace.external_id, limit, _seconds_to_utc_midnight())

    row = await session.get(AiFixSuggestion, analysis_id) if analysis_id is not None else None
    if row is None:
        row = AiFixSuggestion(
            id=analysis_id or uuid.uuid4(),
            workspace_id=workspace.id,
            execution_id=execution.id,
            workflow_id=execution.workflow_id,
            failed_node_key=(execution.failed_node_key or "")[:100],
            error_message=execution.error_message or "",
            diagnosis="",
            suggestions=[],
            model_used="",
        )
        session.add(row)
    row.status = "running"
    await session.flush()
    return row


async def _locked_daily_limit(session: AsyncSession, workspace: Workspace) -> int:
    """Read the workspace's daily limit, locking its policy row on PostgreSQL.

    The lock makes the count and the insert after it one step across service instances. SQLite
    ignores FOR UPDATE, but it allows one writer at a time anyway.
    """
    statement = select(WorkspacePolicy.daily_analysis_limit).where(WorkspacePolicy.workspace_id == workspace.id)
    limit = await session.scalar(statement.with_for_update())
    return DEFAULT_DAILY_ANALYSIS_LIMIT if limit is None else limit


async def _analyses_today(session: AsyncSession, workspace: Workspace, *, excluding: uuid.UUID | None) -> int:
    midnight = naive_utc_now().replace(hour=0, minute=0, second=0, microsecond=0)
    statement = select(func.count()).where(
        AiFixSuggestion.workspace_id == workspace.id, AiFixSuggestion.created_at >= midnight
    )
    if excluding is not None:
        statement = statement.where(AiFixSuggestion.id != excluding)
    return await session.scalar(statement) or 0


def _seconds_to_utc_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


async def _analyze(
    session: AsyncSession, settings: Settings, row: AiFixSuggestion, prepared: PreparedBundle, execution: Execution
) -> AnalysisResult | None:
    """Run the analysis in a worker thread so the event loop keeps serving; on failure mark the row `error`."""
    policy = await workspace_policy(session, execution.workspace_id)
    findings = list(prepared.definition_findings or execution.definition_findings or [])
    try:
        return await asyncio.to_thread(
            analyze, prepared.raw, config=settings.agent_config(), policy=policy, findings=findings
        )
    except Exception as error:  # noqa: BLE001 - any failure of the analysis is stored on its row
        log.exception("analysis failed", analysis=str(row.id), execution=execution.external_id)
        row.status = "error"
        row.error_detail = f"{type(error).__name__}: {error}"[:2000]
        await session.commit()
        return None


def _decision(result: AnalysisResult, *, requested: bool) -> dict[str, Any]:
    """Record whether auto-apply was requested, whether the top suggestion qualified, and on what evidence.

    `reason` names the rule that stopped auto-apply, or why it was allowed.
    """
    top = result.suggestions[0] if result.suggestions else {}
    reason = result.auto_apply.get("reason") if requested else "the request set auto_apply to false"
    return {
        "requested": requested,
        "eligible": bool(result.auto_apply.get("eligible")),
        "applied": False,
        "reason": reason,
        "suggestion_index": result.auto_apply.get("suggestion_index"),
        "confidence": top.get("confidence"),
        "verification": top.get("verification"),
    }


async def _store_result(
    session: AsyncSession, row: AiFixSuggestion, result: AnalysisResult, execution: Execution, *, requested: bool
) -> None:
    await fill_analysis(session, row, result, execution)
    row.auto_apply_decision = _decision(result, requested=requested)
    await session.flush()


async def _auto_apply(
    session: AsyncSession, settings: Settings, row: AiFixSuggestion, result: AnalysisResult, execution: Execution
) -> None:
    """Apply the top fix in the transaction that stores the analysis, so no reader finds it `pending` before the fix."""
    index = int(result.auto_apply.get("suggestion_index") or 0)
    try:
        await apply_fix(session, settings, row, index, automatic=True)
    except ProblemError as error:
        # A fix refused here (the workflow moved on, say) leaves the analysis pending for a person.
        # The refusal rolled the transaction back, so the analysis is stored again.
        await session.rollback()
        await session.refresh(row)
        await session.refresh(execution)
        log.warning("auto-apply stopped", analysis=str(row.id), reason=error.detail)
        await _store_result(session, row, result, execution, requested=True)
        row.auto_apply_decision = {**(row.auto_apply_decision or {}), "reason": f"the fix could not be applied: {error.detail}"}
        await session.commit()
        return

    await session.refresh(row)
    row.auto_apply_decision = {**(row.auto_apply_decision or {}), "applied": True}
    await session.commit()
