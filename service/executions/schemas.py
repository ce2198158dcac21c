"""Response bodies of the execution routes: recorded runs without their payloads."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class NodeRecordView(BaseModel):
    """One node's record in a run; inputs and outputs are left out, as they are payloads."""

    node_id: str
    node_type: str
    node_name: str | None
    status: str
    error: dict[str, Any] | None
    started_at: datetime | None
    completed_at: datetime | None
    sequence: int | None
    attempt: int | None


class ExecutionView(BaseModel):
    execution_id: str
    workflow_id: str
    workflow_version: int | None
    definition_available: bool = Field(
        description="whether the definition of the version the run used is stored; an analysis needs it"
    )
    status: str
    source: str = Field(description="import or callback")
    failed_node: str | None
    error: dict[str, Any] | None
    error_message: str | None
    started_at: datetime | None
    duration_ms: int | None
    nodes: list[NodeRecordView]
    created_at: datetime


class StoredExecutionView(BaseModel):
    """The response to an import or a callback: what was stored and whether it was new."""

    outcome: Literal["created", "updated", "unchanged"]
    execution: ExecutionView
    analysis_queued: bool | None = Field(
        default=None, description="callbacks only: whether this delivery queued an analysis"
    )
    analysis_id: str | None = Field(
        default=None, description="callbacks only: the queued analysis, to poll at .../ai/analyses/{analysis_id}"
    )
