"""Import of a prepared failure bundle: workspace, workflow versions and executions, in one transaction."""

from dataclasses import replace
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workflow, WorkflowVersion
from service.db.models.execution import ExecutionSource
from service.importer.executions import IncomingExecution, store_execution
from service.importer.results import ImportResult, StoredVersion
from service.importer.workflows import IncomingVersion, find_or_create_workflow, store_version
from service.importer.workspaces import find_or_create_workspace
from tools.formats import Execution as RecordedExecution
from tools.intake import PreparedBundle

log = structlog.stdlib.get_logger(__name__)


async def import_bundle(
    session: AsyncSession, prepared: PreparedBundle, *, source: ExecutionSource = "import"
) -> ImportResult:
    """Store a validated, redacted failure bundle; importing the same bundle again changes nothing.

    Runs in the session's transaction and does not commit. On an error, including
    ImportConflict, some rows may already be flushed, so the caller must roll back.

    NOTE: two transactions that import new rows with the same ids at the same time race on the
    unique keys; the later commit fails with IntegrityError rather than ImportConflict.

    Raises:
        ImportConflict: an id in the bundle is already stored with different content.
    """
    bundle = prepared.model
    workspace, workspace_created = await find_or_create_workspace(
        session, bundle.workspace.id, name=_workspace_name(prepared)
    )
    workflow = await find_or_create_workflow(session, workspace, bundle.workflow.id, name=bundle.workflow.name)

    # A callback's embedded definition is stored as a version that came by callback, not by import.
    versions = [
        await store_version(session, workflow, incoming, source=source) for incoming in _incoming_versions(prepared)
    ]
    versions = await _mark_current(session, workflow, versions)
    executions = [
        await store_execution(session, workspace, workflow, incoming)
        for incoming in _incoming_executions(prepared, source)
    ]

    log.info(
        "bundle imported",
        workspace=workspace.external_id,
        workflow=workflow.external_id,
        execution=bundle.execution.execution_id,
        versions=len(versions),
        executions=len(executions),
    )
    return ImportResult(workspace.external_id, workspace_created, versions, executions)


def _workspace_name(prepared: PreparedBundle) -> str | None:
    # The bundle format does not define a workspace name, so one that is not text is left out.
    name = prepared.raw["workspace"].get("name")
    return name if isinstance(name, str) else None


def _incoming_versions(prepared: PreparedBundle) -> list[IncomingVersion]:
    """List the bundle's workflow version, then each version an execution carries a copy of."""
    bundle = prepared.model
    versions = [_incoming_version(prepared.raw["workflow"], bundle.workflow.version, "$.workflow.definition")]
    models = [bundle.execution, *bundle.history]
    for (path, raw), model in zip(_raw_executions(prepared), models, strict=True):
        if model.workflow is not None:
            versions.append(_incoming_version(raw["workflow"], model.workflow.version, f"{path}.workflow.definition"))
    return versions


def _incoming_version(workflow: dict[str, Any], number: int, path: str) -> IncomingVersion:
    # The number comes from the parsed bundle, because the raw one may be written as "7" or 7.0.
    return IncomingVersion(number, workflow["definition"], workflow.get("name"), path)


def _incoming_executions(prepared: PreparedBundle, source: ExecutionSource) -> list[IncomingExecution]:
    bundle = prepared.model
    models = [bundle.execution, *bundle.history]
    incoming = []

    for (path, raw), model in zip(_raw_executions(prepared), models, strict=True):
        is_history = model is not bundle.execution
        version = _version_run(model, bundle.workflow.version, is_history=is_history)
        context = None if is_history else _bundle_context(prepared)
        incoming.append(IncomingExecution(raw, model, path, version, is_history, context, source))
    return incoming


def _raw_executions(prepared: PreparedBundle) -> list[tuple[str, dict[str, Any]]]:
    history = prepared.raw.get("history") or []
    return [("$.execution", prepared.raw["execution"])] + [
        (f"$.history[{index}]", raw) for index, raw in enumerate(history)
    ]


def _version_run(model: RecordedExecution, bundle_version: int, *, is_history: bool) -> int | None:
    """Return the version number an execution ran: its own word, else the bundle's for the failure.

    A history run that names no version may have run an older one, so it stays unknown.
    """
    if model.workflow is not None:
        return model.workflow.version
    if model.workflow_version is not None:
        return model.workflow_version
    return None if is_history else bundle_version


def _bundle_context(prepared: PreparedBundle) -> dict[str, Any]:
    variables = prepared.raw.get("variables") or {}
    return {
        "variables": variables.get("env") or {},
        "credentials": prepared.raw.get("credentials") or [],
        "definition_findings": prepared.definition_findings,
    }


async def _mark_current(
    session: AsyncSession, workflow: Workflow, versions: list[StoredVersion]
) -> list[StoredVersion]:
    """Drop repeated versions and mark the one that is current after the whole bundle is stored.

    Several executions may carry copies of one version, and a later version in the bundle may
    have moved the current version past one stored earlier in the same import.
    """
    current = await session.scalar(
        select(WorkflowVersion.version).where(WorkflowVersion.id == workflow.current_version_id)
    )
    unique: dict[int, StoredVersion] = {}
    for stored in versions:
        unique.setdefault(stored.version, replace(stored, is_current=stored.version == current))
    return list(unique.values())
