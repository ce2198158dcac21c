"""Apply a suggestion's patch as a new workflow version, once per analysis, and queue its fix.applied event.

One transaction locks the analysis, claims it with a conditional UPDATE (status pending to
applied), stores the patched definition as a new version, moves the workflow to it and writes the
event to the outbox. Of many concurrent applies of one analysis, exactly one creates a version.
"""

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.errors import ActionRequired, FixConflict
from service.db.models import AiFixSuggestion, Execution, FixEvent, Workflow, WorkflowVersion, Workspace
from service.db.models.ai_fix_suggestion import naive_utc_now
from service.db.base import utc_now
from service.errors import validation_failed
from service.fixes.moved_workflow import patch_current_version
from service.fixes.masks import check_no_masked_target, without_masked_tests
from service.importer.workflows import IncomingVersion, store_version
from service.settings import Settings
from tools.patching import PatchConflict, PatchError, apply_patch

log = structlog.stdlib.get_logger(__name__)

FIX_APPLIED = "fix.applied"


@dataclass(frozen=True)
class AppliedFix:
    workflow_version: int
    applied_patch: list[dict[str, Any]]
    version_row: WorkflowVersion


async def apply_fix(
    session: AsyncSession, settings: Settings, analysis_row: AiFixSuggestion, suggestion_index: int, *, automatic: bool
) -> AppliedFix:
    """Apply suggestion `suggestion_index` of an analysis as a new workflow version, and commit.

    The patch goes onto the version the failed run used. When the workflow has moved on since, it
    goes onto the current version only if its test operations still hold there and replay of the
    patched current version passes.

    Raises:
        FixConflict: the analysis is not pending, or the workflow changed so the patch no longer holds.
        ActionRequired: the suggestion is an action for a person.
        ProblemError: validation_failed for a suggestion index out of range.
    """
    row = await _lock_pending(session, analysis_row.id)
    suggestion = _suggestion(row, suggestion_index)
    execution = await session.get_one(Execution, row.execution_id)
    workflow = await _lock_workflow(session, row.workflow_id)
    patch = _patch(suggestion, suggestion_index, execution)

    base = await session.get(WorkflowVersion, execution.workflow_version_id) if execution.workflow_version_id else None
    current = await session.get(WorkflowVersion, workflow.current_version_id) if workflow.current_version_id else None
    if base is None or current is None:
        raise FixConflict(f"workflow {workflow.external_id} has no stored version for execution {execution.external_id}")

    target = base if current.id == base.id else current
    check_no_masked_target(target.definition, patch)
    patched = await _patched(session, workflow, execution, base, current, patch)

    await _claim(session, row, suggestion_index, automatic=automatic)
    version = await _store_fix_version(session, workflow, patched)
    await _record_fix(session, row, version, current, without_masked_tests(patch))
    await _queue_event(session, row, workflow, execution, version, automatic=automatic)
    await session.commit()

    log.info(
        "fix applied",
        analysis=str(row.id),
        workflow=workflow.external_id,
        version=version.version,
        automatic=automatic,
    )
    return AppliedFix(version.version, list(row.applied_patch or []), version)


async def _lock_pending(session: AsyncSession, analysis_id: uuid.UUID) -> AiFixSuggestion:
    """Load the analysis afresh, locked on PostgreSQL until the transaction ends, and check it is pending."""
    statement = (
        select(AiFixSuggestion)
        .where(AiFixSuggestion.id == analysis_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = await session.scalar(statement)
    if row is None:
        raise FixConflict(f"analysis {analysis_id} no longer exists")
    if row.status != "pending":
        raise FixConflict(
            f"analysis {analysis_id} is {row.status}, not pending; only a pending analysis can be applied"
        )
    return row


async def _lock_workflow(session: AsyncSession, workflow_id: uuid.UUID) -> Workflow:
    # Locked so two analyses of one workflow cannot both take the same next version number.
    statement = (
        select(Workflow).where(Workflow.id == workflow_id).with_for_update().execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one()


def _suggestion(row: AiFixSuggestion, index: int) -> dict[str, Any]:
    suggestions = row.suggestions or []
    if not 0 <= index < len(suggestions):
        raise validation_failed(
            "$.suggestion_index",
            f"{index} is out of range: analysis {row.id} has {len(suggestions)} suggestion(s), "
            f"so the index is 0 to {len(suggestions) - 1}",
        )
    return suggestions[index]


def _patch(suggestion: dict[str, Any], index: int, execution: Execution) -> list[dict[str, Any]]:
    if suggestion.get("kind") == "action" or not suggestion.get("patch"):
        raise ActionRequired(_action_instruction(suggestion, index, execution), suggestion.get("action"))
    return list(suggestion["patch"])


def _action_instruction(suggestion: dict[str, Any], index: int, execution: Execution) -> str:
    """Say what a person must do instead of applying an action suggestion."""
    action = suggestion.get("action") or {}
    rerun = f"then re-run execution {execution.external_id}"
    if action.get("type") == "reconnect_credential":
        return f"suggestion {index} is an action: reconnect the credential {action.get('credential')} in LinkFlow, {rerun}"
    if action.get("type") == "fix_source_data":
        return f"suggestion {index} is an action: correct the data the run received ({action.get('detail')}), {rerun}"
    return f"suggestion {index} has no patch to apply: {suggestion.get('description', 'no description')}; {rerun}"


async def _patched(
    session: AsyncSession,
    workflow: Workflow,
    execution: Execution,
    base: WorkflowVersion,
    current: WorkflowVersion,
    patch: list[dict[str, Any]],
) -> dict[str, Any]:
    if current.id != base.id:
        return await patch_current_version(session, workflow, execution, base, current, patch)

    try:
        return apply_patch(base.definition, patch)
    except PatchConflict as error:
        raise FixConflict(f"the patch no longer holds on version {base.version}: {error}", changes=[error.to_dict()]) from None
    except PatchError as error:
        raise FixConflict(f"the patch does not apply to version {base.version}: {error}") from None


async def _claim(session: AsyncSession, row: AiFixSuggestion, index: int, *, automatic: bool) -> None:
    """Move the analysis from pending to applied; a concurrent apply that got there first makes this a conflict."""
    result = await session.execute(
        update(AiFixSuggestion)
        .where(AiFixSuggestion.id == row.id, AiFixSuggestion.status == "pending")
        .values(status="applied", applied_index=index, auto_applied=automatic, updated_at=naive_utc_now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await session.rollback()
        raise FixConflict(f"analysis {row.id} was applied or dismissed by another request")


async def _store_fix_version(session: AsyncSession, workflow: Workflow, definition: dict[str, Any]) -> WorkflowVersion:
    newest = await session.scalar(select(func.max(WorkflowVersion.version)).where(WorkflowVersion.workflow_id == workflow.id))
    number = (newest or 0) + 1
    await store_version(session, workflow, IncomingVersion(number, definition, None, "$.patch"), source="fix")
    return (
        await session.scalars(
            select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id, WorkflowVersion.version == number)
        )
    ).one()


async def _record_fix(
    session: AsyncSession,
    row: AiFixSuggestion,
    version: WorkflowVersion,
    replaced: WorkflowVersion,
    applied_patch: list[dict[str, Any]],
) -> None:
    await session.refresh(row)
    row.applied_version_id = version.id
    row.replaced_version_id = replaced.id
    row.applied_patch = applied_patch
    row.applied_at = utc_now()
    await session.flush()


async def _queue_event(
    session: AsyncSession,
    row: AiFixSuggestion,
    workflow: Workflow,
    execution: Execution,
    version: WorkflowVersion,
    *,
    automatic: bool,
) -> None:
    workspace = await session.get_one(Workspace, row.workspace_id)
    payload = {
        "event": FIX_APPLIED,
        "workspace_id": workspace.external_id,
        "workflow_id": workflow.external_id,
        "workflow_version": version.version,
        "analysis_id": str(row.id),
        "execution_id": execution.external_id,
        "suggestion_index": row.applied_index,
        "automatic": automatic,
        "applied_patch": row.applied_patch,
    }
    session.add(FixEvent(workspace_id=workspace.id, payload=payload))
    await session.flush()
