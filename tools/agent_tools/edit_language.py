"""The edit language's description for the model, and the tool error for an edit that does not fit."""

from tools.agent_tools.errors import ToolError
from tools.patching import EditError

EDITS_DESCRIPTION = (
    "Edits to the workflow, applied in order. Each edit is an object of one of three shapes. "
    "Paths are relative to the node's `data`, dotted, with brackets for list indexes and odd keys "
    "(config.to[0], config.headers['X-Api-Key']); `set` on a missing key adds it. "
    '(1) set values: {"node": "send_invoice", "set": {"config.to[0]": "{{ fetch_customer.body.email }}", '
    '"retry": {"max_attempts": 3, "backoff": "fixed", "delay_ms": 12000}}} '
    '(2) remove keys or list items: {"node": "send_invoice", "unset": ["onError"]} '
    '(3) add a node on an existing edge: {"insert_node": {"id": "wait_for_quota", "type": "logic_delay", '
    '"data": {"config": {"duration": 30, "unit": "seconds"}}}, "between": ["fetch_customer", "send_invoice"]}. '
    "Never write a secret: reference a credential as {{ credential.NAME }}."
)


def edit_tool_error(error: EditError, *, suggestion_index: int | None = None) -> ToolError:
    """Wrap an edit the server cannot turn into a patch as a retryable tool error with its details."""
    details = error.to_dict()
    prefix = ""
    if suggestion_index is not None:
        details["suggestion_index"] = suggestion_index
        prefix = f"suggestion {suggestion_index}: "
    return ToolError(error.code, f"{prefix}{error}", retryable=True, details=details)
