"""Workflow definitions in LinkFlow's shape: nodes, edges and run settings."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NODE_ID_PATTERN = r"^[A-Za-z0-9_-]+$"

NODE_TYPES = (
    "trigger_manual",
    "trigger_webhook",
    "trigger_schedule",
    "action_http_request",
    "action_send_email",
    "action_slack_message",
    "action_approval",
    "logic_condition",
    "logic_delay",
    "logic_loop",
    "transform_set",
    "transform_filter",
    "transform_code",
    "integration_google_sheets",
    "integration_stripe",
    "integration_github",
)

TRIGGER_TYPES = ("trigger_manual", "trigger_webhook", "trigger_schedule")


class _Open(BaseModel):
    """LinkFlow adds fields between releases, so unknown keys are kept, not rejected."""

    model_config = ConfigDict(extra="allow")


class Position(_Open):
    x: float = 0
    y: float = 0


class RetryPolicy(_Open):
    max_attempts: int = Field(default=1, ge=1)
    backoff: Literal["exponential", "fixed"] = "fixed"
    delay_ms: int = Field(default=1000, ge=0)


class NodeData(_Open):
    label: str | None = None
    # A config that breaks its node's schema is stored and left to the analysis,
    # so it is only required to be an object here.
    config: dict[str, Any] = Field(default_factory=dict)
    onError: Literal["stop", "continue"] | None = None
    retry: RetryPolicy | None = None
    credential: str | None = None


class Node(_Open):
    id: str = Field(pattern=NODE_ID_PATTERN)
    # Any text: a node of a type the catalog does not know is kept, and replay reuses its output.
    type: str
    position: Position | None = None
    data: NodeData = Field(default_factory=NodeData)


class Edge(_Open):
    id: str | None = None
    source: str
    target: str
    sourceHandle: str | None = None
    condition: str | None = None


class WorkflowRetrySettings(_Open):
    enabled: bool = False
    max_attempts: int = Field(default=1, ge=1)


class WorkflowTimeouts(_Open):
    workflow: float | None = None
    node: float | None = None


class WorkflowSettings(_Open):
    retry: WorkflowRetrySettings | None = None
    timeout: WorkflowTimeouts | None = None


class WorkflowDefinition(_Open):
    nodes: list[Node]
    edges: list[Edge] = Field(default_factory=list)
    settings: WorkflowSettings | None = None

    def node(self, node_id: str) -> Node | None:
        """Find a node by id, or None."""
        return next((node for node in self.nodes if node.id == node_id), None)
