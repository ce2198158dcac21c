"""Apply a fix to a workflow that moved on since the failed run: only if it still holds and still replays."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.errors import FixConflict
from service.db.models import Execution, Workflow, WorkflowVersion, Workspace
from service.executions.bundle_loader import load_bundle
from tools.agent_tools import open_session, verify_patch
from tools.patching import PatchConflict, PatchError, apply_patch


async def patch_current_version(
    session: AsyncSession,
    workflow: Workflow,
    execution: Execution,
    base: WorkflowVersion,
    current: WorkflowVersion,
    patch: list[dict[str, Any]],
) -> dict[str, Any]:
    """Return the current version's definition with the patch applied, after replaying the failed run on it.

    Raises:
        FixConflict: a test operation fails on the current version, or replay of the patched
            current version does not pass; `changes` lists what changed.
    """
    moved = f"workflow {workflow.external_id} moved from version {base.version} to {current.version}"
    try:
        apply_patch(current.definition, patch)
    except PatchConflict as error:
        raise FixConflict(f"{moved}, and the patch no longer holds: {error}", changes=[error.to_dict()]) from None
    except PatchError as error:
        raise FixConflict(f"{moved}, and the patch does not apply to it: {error}", changes=[error.to_dict()]) from None

    report = await _verify_on(session, execution, current, patch, moved)
    if report.status != "passed" or report.definition is None:
        raise FixConflict(
            f"{moved}; replay of the failed run on the patched version {current.version} is {report.status}: {report.detail}",
            changes=[{"code": "replay_" + report.status, "detail": report.detail}],
        )
    return report.definition


async def _verify_on(
    session: AsyncSession, execution: Execution, current: WorkflowVersion, patch: list[dict[str, Any]], moved: str
) -> Any:
    workspace = await session.get_one(Workspace, execution.workspace_id)
    bundle = await load_bundle(session, workspace.external_id, execution.external_id)
    bundle["workflow"]["definition"] = current.definition
    bundle["workflow"]["version"] = current.version
    try:
        tool_session = open_session(bundle)
    except ValueError as error:
        raise FixConflict(f"{moved}, and the failed run cannot be replayed on it: {error}") from None
    return verify_patch(tool_session, patch)
