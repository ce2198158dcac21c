"""Domain types of Auto-Fix's data formats, in LinkFlow's field names."""

from tools.formats.bundle import BUNDLE_FORMAT, CredentialRef, FailureBundle
from tools.formats.execution import Execution, ExecutionNode, Fixture, LogEntry
from tools.formats.suggestion import FAILURE_KINDS, Suggestion, Verification
from tools.formats.workflow import NODE_TYPES, TRIGGER_TYPES, Edge, Node, WorkflowDefinition

__all__ = [
    "BUNDLE_FORMAT",
    "FAILURE_KINDS",
    "NODE_TYPES",
    "TRIGGER_TYPES",
    "CredentialRef",
    "Edge",
    "Execution",
    "ExecutionNode",
    "FailureBundle",
    "Fixture",
    "LogEntry",
    "Node",
    "Suggestion",
    "Verification",
    "WorkflowDefinition",
]
