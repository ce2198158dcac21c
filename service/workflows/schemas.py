"""Response bodies of the workflow routes."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class VersionSummary(BaseModel):
    version: int
    version_id: uuid.UUID
    source: str = Field(description="import, sync, fix or revert")
    created_at: datetime


class WorkflowView(BaseModel):
    """A workflow with its current version's definition, secrets masked."""

    workflow_id: str
    name: str | None
    version: int
    version_id: uuid.UUID
    source: str
    created_at: datetime
    definition: dict[str, Any]
    definition_findings: list[dict[str, Any]] = Field(
        default_factory=list, description="literal secrets masked in this request's definition"
    )


class VersionPage(BaseModel):
    data: list[VersionSummary]
    meta: dict[str, int]
