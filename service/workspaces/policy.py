"""A workspace's auto-fix policy: its request and response bodies and the update."""

from datetime import datetime
from decimal import Decimal

import structlog
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workspace, WorkspacePolicy

log = structlog.stdlib.get_logger(__name__)

MAX_REDACTION_FIELDS = 200


class PolicyUpdate(BaseModel):
    """The policy route's body; fields left out keep their stored values, except the two required ones."""

    model_config = ConfigDict(extra="forbid")

    ai_auto_fix_enabled: bool
    ai_auto_fix_confidence_threshold: float = Field(ge=0, le=1, description="0 to 1, at most two decimals")
    daily_analysis_limit: int | None = Field(default=None, ge=0, le=1_000_000, description="analyses per day")
    redaction_fields: list[str] | None = Field(
        default=None,
        max_length=MAX_REDACTION_FIELDS,
        description="extra field names or JSONPaths to mask in this workspace's data",
    )

    @field_validator("ai_auto_fix_confidence_threshold")
    @classmethod
    def _two_decimals(cls, value: float) -> float:
        # The column is DECIMAL(3,2): a third decimal would be rounded away silently.
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValueError(f"{value} has more than two decimals; use a value such as 0.95")
        return value

    @field_validator("redaction_fields")
    @classmethod
    def _non_empty_names(cls, value: list[str] | None) -> list[str] | None:
        for index, name in enumerate(value or []):
            if not name.strip():
                raise ValueError(f"entry {index} is empty; give a field name or a JSONPath")
        return value


class PolicyView(BaseModel):
    workspace_id: str
    ai_auto_fix_enabled: bool
    ai_auto_fix_confidence_threshold: float
    daily_analysis_limit: int
    redaction_fields: list[str]
    updated_at: datetime


async def read_policy(session: AsyncSession, workspace: Workspace) -> PolicyView:
    return _view(workspace, await _stored_policy(session, workspace))


async def update_policy(session: AsyncSession, workspace: Workspace, update: PolicyUpdate) -> PolicyView:
    """Store the new policy; the caller commits."""
    policy = await _stored_policy(session, workspace)
    policy.ai_auto_fix_enabled = update.ai_auto_fix_enabled
    policy.ai_auto_fix_confidence_threshold = update.ai_auto_fix_confidence_threshold
    if update.daily_analysis_limit is not None:
        policy.daily_analysis_limit = update.daily_analysis_limit
    if update.redaction_fields is not None:
        policy.redaction_fields = list(update.redaction_fields)
    await session.flush()

    log.info(
        "policy updated",
        workspace=workspace.external_id,
        auto_fix=policy.ai_auto_fix_enabled,
        threshold=policy.ai_auto_fix_confidence_threshold,
    )
    return _view(workspace, policy)


async def _stored_policy(session: AsyncSession, workspace: Workspace) -> WorkspacePolicy:
    # Workspaces made before policies existed have no row; they get the defaults on first use.
    policy = await session.get(WorkspacePolicy, workspace.id)
    if policy is None:
        policy = WorkspacePolicy(workspace_id=workspace.id, redaction_fields=[])
        session.add(policy)
        await session.flush()
    return policy


def _view(workspace: Workspace, policy: WorkspacePolicy) -> PolicyView:
    return PolicyView(
        workspace_id=workspace.external_id,
        ai_auto_fix_enabled=policy.ai_auto_fix_enabled,
        ai_auto_fix_confidence_threshold=float(policy.ai_auto_fix_confidence_threshold),
        daily_analysis_limit=policy.daily_analysis_limit,
        redaction_fields=[str(name) for name in policy.redaction_fields or []],
        updated_at=policy.updated_at,
    )
