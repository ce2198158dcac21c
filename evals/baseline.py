"""Prompt sizes: what Auto-Fix's analysis opens with, against a naive single-call prompt.

The naive prompt sends everything at once: the system prompt, the whole workflow, the failed
node's recorded input and output, and the error. Both are measured as UTF-8 bytes of the text.
"""

import json
from typing import Any

from agent.context import FailureContext
from agent.steps.gather import opening_messages
from prompts import load_prompt


def analysis_prompt_bytes(context: FailureContext) -> int:
    """Bytes of the messages the model gets before it asks for anything."""
    return sum(len(str(message.content).encode("utf-8")) for message in opening_messages(context))


def baseline_prompt_bytes(context: FailureContext) -> int:
    """Bytes of the single-call prompt a naive implementation would send."""
    record = context.failed_record
    naive: dict[str, Any] = {
        "workflow": context.definition,
        "failed_node": context.failed_node_id,
        "input": record.input if record else None,
        "output": record.output if record else None,
        "error": context.bundle.execution.error.model_dump() if context.bundle.execution.error else None,
    }
    text = load_prompt("analysis_system").text + "\n" + json.dumps(naive, ensure_ascii=False, indent=1)
    return len(text.encode("utf-8"))
