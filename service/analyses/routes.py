"""Routes of analyses and fixes: analyze, apply-fix, one analysis, dismiss, revert, runbook, history, stats."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.errors import AnalysisNotFound
from service.analyses.history import analysis_stats, fix_history
from service.analyses.runner import run_analysis
from service.analyses.views import analysis_object, find_analysis, fix_object, latest_pending_analysis
from service.api.dependencies import Page, list_envelope, provide_page
from service.db.models import AiFixSuggestion, Execution, ExecutionRunbook, Workspace
from service.errors import ErrorCode, ProblemError, validation_failed
from service.executions.detail import ExecutionNotFound, find_execution_row
from service.fixes.apply import apply_fix
from service.fixes.lifecycle import dismiss_analysis, revert_fix
from service.settings import Settings
from tools.formats.timestamps import parse_rfc3339

AnalysisStatusFilter = Literal["queued", "running", "pending", "applied", "dismissed", "error"]


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auto_apply: bool = Field(default=False, description="apply the top suggestion when the policy and its evidence allow")


class ApplyFixRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suggestion_index: int = Field(ge=0, description="0-based index of the suggestion to apply")
    analysis_id: uuid.UUID | None = Field(default=None, description="the analysis to apply; the latest pending one when absent")


class AnalysisController(Controller):
    path = "/"
    tags = ["analyses"]

    @post("/executions/{execution_id:str}/ai/analyze", status_code=HTTP_201_CREATED)
    async def analyze_execution(
        self,
        execution_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        settings: NamedDependency[Settings],
        data: JSONBody[AnalyzeRequest | None] = None,
    ) -> dict[str, Any]:
        """Analyse a failed execution now and return the analysis; each request creates a new analysis."""
        execution = await _execution(db_session, current_workspace, execution_id)
        request = data or AnalyzeRequest()
        row = await run_analysis(db_session, settings, execution, auto_apply=request.auto_apply)
        return await analysis_object(db_session, row)

    @post("/executions/{execution_id:str}/ai/apply-fix", status_code=HTTP_200_OK)
    async def apply_execution_fix(
        self,
        execution_id: FromPath[str],
        data: JSONBody[ApplyFixRequest],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        settings: NamedDependency[Settings],
    ) -> dict[str, Any]:
        """Apply one suggestion of the execution's analysis as a new workflow version."""
        execution = await _execution(db_session, current_workspace, execution_id)
        row = await _analysis_to_apply(db_session, current_workspace, execution, data.analysis_id)
        applied = await apply_fix(db_session, settings, row, data.suggestion_index, automatic=False)
        return {"workflow_version": applied.workflow_version, "applied_patch": applied.applied_patch}

    @get("/executions/{execution_id:str}/runbook")
    async def get_runbook(
        self,
        execution_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> dict[str, Any]:
        """Return the runbook the newest analysis of the execution wrote."""
        execution = await _execution(db_session, current_workspace, execution_id)
        runbook = await db_session.scalar(select(ExecutionRunbook).where(ExecutionRunbook.execution_id == execution.id))
        if runbook is None:
            raise ProblemError(ErrorCode.NOT_FOUND, f"execution {execution_id} has no runbook; analyse it first")
        return {
            "execution_id": execution_id,
            "severity": runbook.severity,
            "summary": runbook.summary,
            "steps": runbook.steps,
            "tags": runbook.tags,
        }

    @get("/ai/analyses/{analysis_id:str}")
    async def get_analysis(
        self,
        analysis_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> dict[str, Any]:
        """Return one analysis."""
        row = await find_analysis(db_session, current_workspace, analysis_id)
        return await analysis_object(db_session, row)

    @post("/ai/analyses/{analysis_id:str}/dismiss", status_code=HTTP_200_OK)
    async def dismiss(
        self,
        analysis_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> dict[str, Any]:
        """Dismiss a pending analysis; an applied or dismissed one answers 409."""
        row = await find_analysis(db_session, current_workspace, analysis_id)
        await dismiss_analysis(db_session, row)
        return await analysis_object(db_session, row)

    @post("/ai/analyses/{analysis_id:str}/revert", status_code=HTTP_201_CREATED)
    async def revert(
        self,
        analysis_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> dict[str, Any]:
        """Store the version from before an applied fix as a new version; 409 unless the analysis was applied."""
        row = await find_analysis(db_session, current_workspace, analysis_id)
        version = await revert_fix(db_session, row)
        return {"workflow_version": version.version, "version_id": str(version.id), "source": version.source}

    @get("/ai/fix-history", dependencies={"page": Provide(provide_page, sync_to_thread=False)})
    async def list_fix_history(
        self,
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        page: NamedDependency[Page],
        workflow_id: FromQuery[str | None] = None,
        status: FromQuery[AnalysisStatusFilter | None] = None,
    ) -> dict[str, Any]:
        """List past fixes, newest first, with the version each created and how the next run went."""
        items, total = await fix_history(
            db_session, current_workspace, workflow_id=workflow_id, status=status, limit=page.limit, offset=page.offset
        )
        return list_envelope(items, total, page)

    @get("/ai/stats")
    async def get_stats(
        self,
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        since: Annotated[str | None, Parameter(description="RFC 3339 time; count analyses created from then")] = None,
    ) -> dict[str, Any]:
        """Summarise analyses: applied against dismissed, next-run success, time to a verified fix, failure kinds."""
        return await analysis_stats(db_session, current_workspace, _since(since))


async def _execution(session: AsyncSession, workspace: Workspace, execution_id: str) -> Execution:
    try:
        return await find_execution_row(session, workspace, execution_id)
    except ExecutionNotFound as error:
        raise ProblemError(ErrorCode.NOT_FOUND, str(error)) from None


async def _analysis_to_apply(
    session: AsyncSession, workspace: Workspace, execution: Execution, analysis_id: uuid.UUID | None
) -> AiFixSuggestion:
    if analysis_id is None:
        return await latest_pending_analysis(session, execution)

    row = await find_analysis(session, workspace, str(analysis_id))
    if row.execution_id != execution.id:
        raise AnalysisNotFound(f"analysis {analysis_id} is not an analysis of execution {execution.external_id}")
    return row


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = parse_rfc3339(value)
    except ValueError as error:
        raise validation_failed("query.since", f"{error}; expected RFC 3339 such as 2026-03-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise validation_failed("query.since", f"{value!r} has no time zone; RFC 3339 needs Z or an offset")
    return moment
