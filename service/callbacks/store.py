"""Storing a validated callback as an execution, and queueing its analysis when the policy enables auto-fix."""

import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from service.callbacks.intake import PreparedCallback
from service.db.models import Execution, Workflow, Workspace, WorkspacePolicy
from service.executions.detail import find_execution_row
from service.importer import import_bundle
from service.importer.executions import IncomingExecution, store_execution
from service.importer.results import Outcome
from service.importer.workflows import find_or_create_workflow
from service.importer.workspaces import find_or_create_workspace
from service.jobs.queue import enqueue_analysis

log = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class StoredCallback:
    execution: Execution
    workflow: Workflow
    outcome: Outcome
    analysis_queued: bool
    # The queued analysis, which GET .../ai/analyses/{id} shows through its lifecycle.
    analysis_id: uuid.UUID | None = None


async def store_callback(session: AsyncSession, prepared: PreparedCallback) -> StoredCallback:
    """Store the callback's execution, creating its workspace with the default policy if new.

    Runs in the caller's transaction and does not commit.

    Raises:
        ImportConflict: the execution id is stored with different content.
    """
    outcome = await _store_execution(session, prepared)
    workspace, _ = await find_or_create_workspace(session, prepared.model.workspace_id)
    execution = await find_execution_row(session, workspace, prepared.model.execution_id)
    workflow = await session.get_one(Workflow, execution.workflow_id)

    analysis_id = None
    if execution.status == "failed" and await _auto_fix_enabled(session, workspace):
        analysis_id = await enqueue_analysis(session, execution.id)
    queued = analysis_id is not None

    log.info(
        "callback stored",
        workspace=workspace.external_id,
        workflow=workflow.external_id,
        execution=execution.external_id,
        outcome=outcome,
        definition_available=execution.workflow_version_id is not None,
        analysis_queued=queued,
    )
    return StoredCallback(execution, workflow, outcome, queued, analysis_id)


async def _store_execution(session: AsyncSession, prepared: PreparedCallback) -> Outcome:
    if prepared.bundle is not None:
        result = await import_bundle(session, prepared.bundle, source="callback")
        return result.executions[0].outcome

    if prepared.execution is None:
        raise ValueError("a prepared callback carries either a bundle or an execution; this one has neither")
    model = prepared.execution.model
    workspace, _ = await find_or_create_workspace(session, model.workspace_id)
    workflow = await find_or_create_workflow(session, workspace, model.workflow_id, name=None)
    incoming = IncomingExecution(
        raw=prepared.execution.raw,
        model=model,
        path="$",
        workflow_version=model.workflow_version,
        is_history=False,
        source="callback",
    )
    stored = await store_execution(session, workspace, workflow, incoming)
    return stored.outcome


async def _auto_fix_enabled(session: AsyncSession, workspace: Workspace) -> bool:
    policy = await session.get(WorkspacePolicy, workspace.id)
    return policy is not None and policy.ai_auto_fix_enabled
