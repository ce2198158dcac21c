"""The compare_with_last_success tool: what changed since the workflow last completed."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.agent_tools.results import finish_result, max_bytes_field
from tools.agent_tools.session import ToolSession
from tools.execution_diff import diff_executions


class Args(BaseModel):
    """Options of the comparison."""

    model_config = ConfigDict(extra="forbid")

    include_unchanged: bool = Field(
        default=False, description="Also list nodes whose status and output shape did not change."
    )
    max_bytes: int = max_bytes_field(6_000)


def run(session: ToolSession, args: Args) -> dict[str, Any]:
    """Compare the failed run with the newest completed run of the same workflow, node by node.

    Returns one summary line per difference and, per node, its status in each run and the key
    paths its output gained, lost or changed in type (such as body.email removed and
    body.contact.email added after an upstream API change). Values are not compared, only
    shapes. When the history has no completed run, `last_success` is null and `message` explains why.
    """
    if session.last_success is None:
        result = {
            "last_success": None,
            "message": (
                "the bundle's history has no completed run of this workflow, so there is nothing to compare with"
            ),
        }
        return finish_result(result, args.max_bytes)

    diff = diff_executions(session.last_success, session.execution)
    nodes = [node.to_dict() for node in diff.nodes if args.include_unchanged or node.changed]
    result = {
        "last_success": {
            "execution_id": diff.before["execution_id"],
            "started_at": session.last_success.get("started_at"),
            "workflow_version": diff.before["workflow_version"],
        },
        "summary": diff.summary(),
        "nodes": nodes,
        "unchanged_nodes": sum(1 for node in diff.nodes if not node.changed),
        "only_in_last_success": diff.only_in_before,
        "only_in_failed_run": diff.only_in_after,
    }
    return finish_result(result, args.max_bytes)
