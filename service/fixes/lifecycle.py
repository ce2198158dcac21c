"""Dismiss an analysis, or revert its applied fix with a new version equal to the one before it."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.errors import FixConflict
from service.db.models import AiFixSuggestion, Workflow, WorkflowVersion
from service.db.models.ai_fix_suggestion import naive_utc_now
from service.importer.workflows import IncomingVersion, store_version


async def dismiss_analysis(session: AsyncSession, row: AiFixSuggestion) -> None:
    """Mark a pending analysis dismissed, and commit.

    Raises:
        FixConflict: the analysis is not pending.
    """
    result = await session.execute(
        update(AiFixSuggestion)
        .where(AiFixSuggestion.id == row.id, AiFixSuggestion.status == "pending")
        .values(status="dismissed", updated_at=naive_utc_now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await session.rollback()
        await session.refresh(row)
        raise FixConflict(f"analysis {row.id} is {row.status}, not pending; only a pending analysis can be dismissed")
    await session.commit()
    await session.refresh(row)


async def revert_fix(session: AsyncSession, row: AiFixSuggestion) -> WorkflowVersion:
    """Store the version from before the fix again as the workflow's newest version, and commit.

    Raises:
        FixConflict: the analysis was not applied, or the workflow already equals the version before the fix.
    """
    if row.status != "applied" or row.replaced_version_id is None:
        raise FixConflict(f"analysis {row.id} is {row.status}, not applied; only an applied fix can be reverted")

    workflow = (
        await session.scalars(select(Workflow).where(Workflow.id == row.workflow_id).with_for_update())
    ).one()
    before = await session.get_one(WorkflowVersion, row.replaced_version_id)
    current = await session.get(WorkflowVersion, workflow.current_version_id) if workflow.current_version_id else None
    if current is not None and current.content_hash == before.content_hash:
        raise FixConflict(
            f"workflow {workflow.external_id} version {current.version} already equals version {before.version}, "
            "the version before the fix"
        )

    newest = await session.scalar(select(func.max(WorkflowVersion.version)).where(WorkflowVersion.workflow_id == workflow.id))
    number = (newest or 0) + 1
    await store_version(session, workflow, IncomingVersion(number, before.definition, None, "$.revert"), source="revert")
    await session.commit()
    return (
        await session.scalars(
            select(WorkflowVersion).where(WorkflowVersion.workflow_id == workflow.id, WorkflowVersion.version == number)
        )
    ).one()
