"""The get_node_schema tool: the JSON Schema of one node type's `data.config`."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.agent_tools.errors import ToolError
from tools.agent_tools.results import finish_result, max_bytes_field
from tools.agent_tools.session import ToolSession
from tools.catalog import NODE_TYPES, node_schema
from tools.expressions.errors import closest_match


class Args(BaseModel):
    """The node type whose configuration schema to show."""

    model_config = ConfigDict(extra="forbid")

    node_type: str = Field(
        min_length=1,
        description="A LinkFlow node type, such as action_http_request or transform_set (a node's `type`).",
    )
    max_bytes: int = max_bytes_field(8_000)


def run(session: ToolSession, args: Args) -> dict[str, Any]:
    """Show the JSON Schema (draft 2020-12) that a node type's `data.config` must match.

    It gives each field's type, whether it is required, and the allowed enum values. Keys the
    schema does not name are only warnings. An unknown type returns an error listing the known types.
    """
    schema = node_schema(args.node_type)
    if schema is None:
        closest = closest_match(args.node_type, NODE_TYPES)
        hint = f"Did you mean {closest}? " if closest else ""
        raise ToolError(
            "unknown_node_type",
            f"the catalog has no node type {args.node_type!r}. {hint}Known types: {', '.join(NODE_TYPES)}",
            retryable=True,
            details={"node_type": args.node_type, "known_types": list(NODE_TYPES), "closest": closest},
        )
    return finish_result({"node_type": args.node_type, "schema": schema}, args.max_bytes)
