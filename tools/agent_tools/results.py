"""Shared pieces of the agent tools: the byte budget argument, finishing a result, node lookups."""

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from tools.agent_tools.errors import ToolError
from tools.compact import compact
from tools.expressions.errors import closest_match
from tools.redaction import redact

MIN_RESULT_BYTES = 1_000
MAX_RESULT_BYTES = 32_000

# Room for the `"truncated":false,` that `finish_result` adds after compacting.
_TRUNCATED_FLAG_BYTES = len('"truncated":false,')


def max_bytes_field(default: int) -> Any:
    """Declare a tool's `max_bytes` argument with its default budget."""
    return Field(
        default=default,
        ge=MIN_RESULT_BYTES,
        le=MAX_RESULT_BYTES,
        description=(
            f"Maximum size of the result in bytes of compact JSON (default {default}). Longer values "
            'are cut with markers and the result has "truncated": true; ask again with a larger '
            "value or a narrower filter to see more."
        ),
    )


def finish_result(result: dict[str, Any], max_bytes: int, *, cut: bool = False) -> dict[str, Any]:
    """Cut a result to `max_bytes`, add its "truncated" flag, and mask any secret left in it.

    `cut` is True when the tool already dropped data (such as log lines past a limit). Redaction
    runs last, as a final check on data that intake has already redacted.
    """
    body, truncated = compact(result, max_bytes - _TRUNCATED_FLAG_BYTES)
    return redact({"truncated": cut or truncated, **body}).value


def unknown_node_error(node_id: str, known: Iterable[str], *, where: str = "the workflow") -> ToolError:
    """Build the retryable error for a node id that does not exist, naming the ids that do."""
    known_ids = list(known)
    closest = closest_match(node_id, known_ids)
    hint = f"Did you mean {closest}? " if closest else ""
    return ToolError(
        "node_not_found",
        f"node {node_id!r} is not in {where}. {hint}Known node ids: {', '.join(known_ids)}",
        retryable=True,
        details={"node_id": node_id, "known_node_ids": known_ids, "closest": closest},
    )
