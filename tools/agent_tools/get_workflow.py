"""The get_workflow tool: the workflow definition that ran, whole or around chosen nodes."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.agent_tools.results import finish_result, max_bytes_field, unknown_node_error
from tools.agent_tools.session import ToolSession


class Args(BaseModel):
    """The part of the workflow to show."""

    model_config = ConfigDict(extra="forbid")

    node_ids: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description=(
            "Show only these nodes and the edges into and out of them. "
            "Omit to show the whole workflow with its settings."
        ),
    )
    max_bytes: int = max_bytes_field(6_000)


def run(session: ToolSession, args: Args) -> dict[str, Any]:
    """Show the workflow definition that ran: nodes (id, type, data with config), edges and settings.

    Node data is what edits change: an edit path such as `config.url` is relative to a node's
    `data`. With node_ids, only those nodes and their edges are shown. An unknown id returns an
    error listing the node ids.
    """
    definition = session.definition
    if args.node_ids is None:
        result = {
            "node_count": len(definition.get("nodes", [])),
            "edge_count": len(definition.get("edges") or []),
            "nodes": definition.get("nodes", []),
            "edges": definition.get("edges") or [],
            "settings": definition.get("settings"),
        }
        return finish_result(result, args.max_bytes)

    known = session.node_ids()
    for node_id in args.node_ids:
        if node_id not in known:
            raise unknown_node_error(node_id, known)

    selected = set(args.node_ids)
    result = {
        "node_count": len(definition.get("nodes", [])),
        "edge_count": len(definition.get("edges") or []),
        "nodes": [node for node in definition.get("nodes", []) if node.get("id") in selected],
        "edges": [edge for edge in definition.get("edges") or [] if _touches(edge, selected)],
    }
    return finish_result(result, args.max_bytes)


def _touches(edge: Any, node_ids: set[str]) -> bool:
    return isinstance(edge, dict) and (edge.get("source") in node_ids or edge.get("target") in node_ids)
