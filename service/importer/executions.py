"""Recorded executions from imported data, with their node records, logs and HTTP fixtures."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.outcomes import record_fix_outcome
from service.db.models import Execution, ExecutionFixture, ExecutionLog, ExecutionNode, Workflow, Workspace
from service.db.models.execution import ExecutionSource
from service.importer.hashing import content_hash
from service.importer.results import ImportConflict, Outcome, StoredExecution
from service.importer.workflows import find_version_id
from tools.formats import Execution as RecordedExecution
from tools.formats.timestamps import parse_rfc3339

log = structlog.stdlib.get_logger(__name__)


@dataclass(frozen=True)
class IncomingExecution:
    """A recorded execution as a bundle carries it: the redacted JSON, its parsed form and its path."""

    raw: dict[str, Any]
    model: RecordedExecution
    path: str
    workflow_version: int | None
    is_history: bool
    # The bundle's env variables, credential references and definition findings, under those
    # keys; None for history, whose runs may have seen other values.
    context: dict[str, Any] | None = None
    source: ExecutionSource = "import"


async def store_execution(
    session: AsyncSession, workspace: Workspace, workflow: Workflow, incoming: IncomingExecution
) -> StoredExecution:
    """Store a recorded execution, or confirm it is stored with the same content.

    Raises:
        ImportConflict: the execution id is stored with different content or for another workflow.
    """
    digest = content_hash(incoming.raw)
    stored = await session.scalar(
        select(Execution).where(
            Execution.workspace_id == workspace.id, Execution.external_id == incoming.model.execution_id
        )
    )

    if stored is None:
        stored = await _create_execution(session, workspace, workflow, incoming, digest)
        await record_fix_outcome(session, stored)
        outcome: Outcome = "created"
    else:
        _check_same_execution(stored, workspace, workflow, incoming, digest)
        outcome = await _add_missing_context(session, stored, incoming)

    return _stored_result(workspace, workflow, stored, incoming, outcome)


def _check_same_execution(
    stored: Execution, workspace: Workspace, workflow: Workflow, incoming: IncomingExecution, digest: str
) -> None:
    label = f"execution {incoming.model.execution_id} of workspace {workspace.external_id}"
    if stored.workflow_id != workflow.id:
        raise ImportConflict(f"{incoming.path}.workflow_id", f"{label} is already stored for another workflow")
    if stored.content_hash != digest:
        raise ImportConflict(incoming.path, f"{label} is already stored with different content")

    context = incoming.context
    if context is not None and stored.variables is not None and _stored_context(stored) != context:
        raise ImportConflict(
            incoming.path,
            f"{label} is already stored with different variables, credentials or definition findings",
        )


async def _add_missing_context(session: AsyncSession, stored: Execution, incoming: IncomingExecution) -> Outcome:
    """Add the bundle's context to an execution first stored as another bundle's history."""
    if incoming.context is None or stored.variables is not None:
        return "unchanged"

    stored.variables = incoming.context["variables"]
    stored.credentials = incoming.context["credentials"]
    stored.definition_findings = incoming.context["definition_findings"]
    await session.flush()
    return "updated"


def _stored_context(stored: Execution) -> dict[str, Any]:
    return {
        "variables": stored.variables,
        "credentials": stored.credentials,
        "definition_findings": stored.definition_findings,
    }


async def _create_execution(
    session: AsyncSession, workspace: Workspace, workflow: Workflow, incoming: IncomingExecution, digest: str
) -> Execution:
    model = incoming.model
    raw = incoming.raw
    context = incoming.context or {}

    execution = Execution(
        workspace_id=workspace.id,
        workflow_id=workflow.id,
        workflow_version_id=await find_version_id(session, workflow, incoming.workflow_version),
        workflow_version=incoming.workflow_version,
        external_id=model.execution_id,
        status=model.status,
        trigger_data=raw.get("trigger_data"),
        error=raw.get("error"),
        failed_node_key=model.failed_node_id(),
        error_message=error_message(model),
        started_at=_timestamp(model.started_at),
        duration_ms=model.duration_ms,
        content_hash=digest,
        source=incoming.source,
        variables=context.get("variables"),
        credentials=context.get("credentials"),
        connector_attempts=raw.get("connector_attempts"),
        definition_findings=context.get("definition_findings"),
        nodes=_node_rows(incoming),
        logs=_log_rows(incoming),
        fixtures=_fixture_rows(incoming),
    )
    session.add(execution)
    await session.flush()
    return execution


def error_message(model: RecordedExecution) -> str | None:
    """Return the run's error message: the engine's, else the failed node's."""
    if model.error is not None:
        return model.error.message

    failed_node = model.failed_node_id()
    for node in model.nodes:
        if node.node_id == failed_node and node.error is not None:
            return node.error.message
    return None


def _node_rows(incoming: IncomingExecution) -> list[ExecutionNode]:
    raw_nodes = incoming.raw.get("nodes") or []
    return [
        ExecutionNode(
            node_key=node.node_id,
            node_type=node.node_type,
            node_name=node.node_name,
            status=node.status,
            input=raw.get("input"),
            output=raw.get("output"),
            error=raw.get("error"),
            started_at=_timestamp(node.started_at),
            completed_at=_timestamp(node.completed_at),
            sequence=node.sequence,
            attempt=node.attempt,
            position=position,
        )
        for position, (node, raw) in enumerate(zip(incoming.model.nodes, raw_nodes, strict=True))
    ]


def _log_rows(incoming: IncomingExecution) -> list[ExecutionLog]:
    raw_logs = incoming.raw.get("logs") or []
    return [
        ExecutionLog(
            level=entry.level,
            message=entry.message,
            node_key=entry.node_id,
            logged_at=parse_rfc3339(entry.logged_at),
            context=raw.get("context"),
            position=position,
        )
        for position, (entry, raw) in enumerate(zip(incoming.model.logs, raw_logs, strict=True))
    ]


def _fixture_rows(incoming: IncomingExecution) -> list[ExecutionFixture]:
    raw_fixtures = incoming.raw.get("deterministic_fixtures") or []
    return [
        ExecutionFixture(
            request_fingerprint=raw["request_fingerprint"],
            request=raw.get("request"),
            response=raw.get("response"),
            error=raw.get("error"),
            position=position,
        )
        for position, raw in enumerate(raw_fixtures)
    ]


def _timestamp(value: str | None) -> datetime | None:
    return parse_rfc3339(value) if value is not None else None


def _stored_result(
    workspace: Workspace, workflow: Workflow, stored: Execution, incoming: IncomingExecution, outcome: Outcome
) -> StoredExecution:
    log.info(
        "execution imported",
        workspace=workspace.external_id,
        workflow=workflow.external_id,
        execution=stored.external_id,
        outcome=outcome,
    )
    return StoredExecution(
        workspace_id=workspace.external_id,
        workflow_id=workflow.external_id,
        workflow_version=stored.workflow_version,
        execution_id=stored.external_id,
        status=stored.status,
        failed_node=stored.failed_node_key,
        error_message=stored.error_message,
        outcome=outcome,
        is_history=incoming.is_history,
    )
