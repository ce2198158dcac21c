"""Results of a replay or of a whole run: per-node records and the outcome."""

from dataclasses import dataclass, field
from typing import Any, Literal

NodeStatus = Literal["completed", "failed", "skipped", "not_checked", "pending"]
ReplayStatus = Literal["passed", "suppressed", "failed", "unverifiable"]
RunStatus = Literal["completed", "failed", "incomplete"]
ApprovalDecision = Literal["approved", "rejected"]


@dataclass(frozen=True)
class ReplayOptions:
    """Settings of one replay.

    `code_time_limit_s` caps a `transform_code` run below the node's own timeout, so a runaway
    candidate cannot stall verification; `code_memory_limit_bytes` is the QuickJS heap limit.
    `approval_decision` is the decision assumed for an `action_approval` node that the recording
    has no decision for. None leaves the approval and every node after it not checked, because
    LinkFlow's run stops there until a person decides.
    """

    code_time_limit_s: float = 5.0
    code_memory_limit_bytes: int = 64 * 1024 * 1024
    approval_decision: ApprovalDecision | None = "approved"


@dataclass(slots=True)
class NodeRun:
    """One node's record in a replay.

    `status` is `pending` for nodes the run never reached because an earlier node failed and
    stopped it. `reused` means the recorded output was taken without running the node.
    `error_ignored` marks a failure that `onError: continue` let the run go past. `needed` is the
    request replay had no fixture for; `blocked_by` names the node whose missing fixture left
    this one unchecked. For a node inside a loop the record is its last iteration, and
    `iterations` counts the iterations it ran in.
    """

    node_id: str
    node_type: str
    status: NodeStatus
    reused: bool = False
    input: Any = None
    output: Any = None
    error: dict[str, Any] | None = None
    attempts: int = 0
    iterations: int = 0
    error_ignored: bool = False
    needed: dict[str, Any] | None = None
    blocked_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "node_type": self.node_type,
            "status": self.status,
            "reused": self.reused,
            "input": self.input,
            "output": self.output,
            "error": self.error,
            "attempts": self.attempts,
            "iterations": self.iterations,
            "error_ignored": self.error_ignored,
            "needed": self.needed,
            "blocked_by": self.blocked_by,
        }


@dataclass
class ReplayResult:
    """The outcome of a replay, relative to the node the recorded run failed on.

    `status` is one of:

    - `passed`: the recorded failed node now succeeds, and no node that ran fails after it;
    - `suppressed`: the run only gets past it because an error is ignored (`suppressed_by` names
      the nodes whose ignored errors it depends on);
    - `failed`: `failed_node` and `error` say where and why;
    - `unverifiable`: the failed node itself could not run for want of a fixture, and `needed`
      describes what was missing.

    `run_status` judges the run alone: `completed`, `failed`, or `incomplete` when a node could
    not be checked. `clock_ms` is the virtual time that delays and retries used.
    """

    status: ReplayStatus
    run_status: RunStatus
    recorded_failed_node: str | None = None
    failed_node: str | None = None
    error: dict[str, Any] | None = None
    reached_node: str | None = None
    not_checked: list[str] = field(default_factory=list)
    needed: list[dict[str, Any]] = field(default_factory=list)
    suppressed_by: list[str] = field(default_factory=list)
    nodes: dict[str, NodeRun] = field(default_factory=dict)
    intended_calls: list[dict[str, Any]] = field(default_factory=list)
    clock_ms: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "run_status": self.run_status,
            "recorded_failed_node": self.recorded_failed_node,
            "failed_node": self.failed_node,
            "error": self.error,
            "reached_node": self.reached_node,
            "not_checked": list(self.not_checked),
            "needed": list(self.needed),
            "suppressed_by": list(self.suppressed_by),
            "nodes": {node_id: run.to_dict() for node_id, run in self.nodes.items()},
            "intended_calls": list(self.intended_calls),
            "clock_ms": self.clock_ms,
        }
