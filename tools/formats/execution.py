"""Recorded executions: the body LinkFlow's engine posts to its control plane when a run ends."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tools.formats.timestamps import check_rfc3339
from tools.formats.workflow import WorkflowDefinition

NodeStatus = Literal["completed", "failed", "skipped", "pending", "running"]
AttemptStatus = Literal["success", "client_error", "server_error", "timeout", "network_error"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class NodeError(_Open):
    message: str
    code: str | None = None
    type: str | None = None


class ExecutionNode(_Open):
    node_id: str
    node_type: str
    node_name: str | None = None
    status: NodeStatus
    input: Any = None
    output: Any = None
    error: NodeError | None = None
    started_at: str | None = None
    completed_at: str | None = None
    sequence: int | None = None
    attempt: int | None = Field(default=None, ge=1)

    _check_times = field_validator("started_at", "completed_at")(check_rfc3339)


class ExecutionError(_Open):
    message: str
    code: str | None = None
    failed_node: str | None = None


class LogEntry(_Open):
    level: str
    message: str
    node_id: str | None = None
    logged_at: str
    context: dict[str, Any] | None = None

    _check_time = field_validator("logged_at")(check_rfc3339)


class Fixture(_Open):
    """A recorded HTTP exchange; in an eval world `response` may be null and `error` set instead."""

    request_fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    error: NodeError | None = None


class ConnectorAttempt(_Open):
    node_id: str
    connector_key: str
    status: AttemptStatus
    status_code: int | None = None
    attempt_no: int | None = None
    error_message: str | None = None


class EmbeddedWorkflow(_Open):
    version: int = Field(ge=1)
    name: str | None = None
    definition: WorkflowDefinition


class Execution(_Open):
    # LinkFlow sends numeric ids; other engines send text. Both are kept as text.
    execution_id: str
    workflow_id: str
    workspace_id: str
    workflow_version: int | None = Field(default=None, ge=1)
    workflow: EmbeddedWorkflow | None = None
    status: str
    trigger_data: Any = None
    nodes: list[ExecutionNode] = Field(default_factory=list)
    error: ExecutionError | None = None
    started_at: str | None = None
    duration_ms: int | None = Field(default=None, ge=0)
    logs: list[LogEntry] = Field(default_factory=list)
    deterministic_fixtures: list[Fixture] = Field(default_factory=list)
    connector_attempts: list[ConnectorAttempt] = Field(default_factory=list)

    _check_started = field_validator("started_at")(check_rfc3339)

    @field_validator("execution_id", "workflow_id", "workspace_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def failed_node_id(self) -> str | None:
        """Name the node the run failed on: the engine's word first, else the first failed node."""
        if self.error and self.error.failed_node:
            return self.error.failed_node
        failed = [node for node in self.nodes if node.status == "failed"]
        failed.sort(key=lambda node: node.sequence if node.sequence is not None else 0)
        return failed[0].node_id if failed else None
