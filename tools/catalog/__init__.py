"""The node catalog: a JSON Schema per LinkFlow node type, and checks of whole workflows.

validate_config checks one node's config; validate_definition checks a definition given
as plain data, graph included; topological_order gives replay its stable run order.
"""

from tools.catalog.definition import validate_definition
from tools.catalog.graph import topological_order
from tools.catalog.issues import Issue, IssueCode, Severity, has_errors
from tools.catalog.node_config import validate_config
from tools.catalog.registry import NODE_TYPES, SIDE_EFFECT_TYPES, TRIGGER_TYPES, is_known_type, node_schema

__all__ = [
    "NODE_TYPES",
    "SIDE_EFFECT_TYPES",
    "TRIGGER_TYPES",
    "Issue",
    "IssueCode",
    "Severity",
    "has_errors",
    "is_known_type",
    "node_schema",
    "topological_order",
    "validate_config",
    "validate_definition",
]
