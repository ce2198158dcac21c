"""A value of the wrong type: JSON that arrived as text and is used as a list or object."""

import json
import re
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, walk_strings

KIND = "type_mismatch"
CODE_NODE = "transform_code"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Parse a field of the code node's input that holds JSON as text where the code reads it."""
    node = context.failed_node
    if node is None or node.get("type") != CODE_NODE or error_code(context) != "CODE_EXECUTION_FAILED":
        return []
    if context.detail.get("name") != "TypeError":
        return []
    code = (node.get("data") or {}).get("config", {}).get("code")
    if not isinstance(code, str):
        return []

    for field in _json_text_fields(_node_input(context)):
        new_code = _parse_reads(code, field)
        if new_code != code:
            return [_candidate(context, field, new_code)]
    return []


def _node_input(context: FailureContext) -> Any:
    run = context.reproduction.nodes.get(context.failed_node_id or "")
    return run.input if run is not None else None


def _json_text_fields(value: Any) -> list[str]:
    """Name the fields whose text parses as a JSON list or object."""
    names = []
    for keys, text in walk_strings(value):
        if not keys or not isinstance(keys[-1], str) or text.strip()[:1] not in ("[", "{"):
            continue
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        if isinstance(parsed, list | dict):
            names.append(keys[-1])
    return names


def _parse_reads(code: str, field: str) -> str:
    """Wrap each read of `<object>.<field>` in JSON.parse, leaving writes and reads already parsed."""
    pattern = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)+" + re.escape(field) + r")(?![\w$])(?!\s*=[^=])")
    return pattern.sub(lambda match: _wrapped(code, match), code)


def _wrapped(code: str, match: re.Match[str]) -> str:
    if code[: match.start()].endswith("JSON.parse("):
        return match.group(1)
    return f"JSON.parse({match.group(1)})"


def _candidate(context: FailureContext, field: str, new_code: str) -> Candidate:
    node_id = context.failed_node_id
    return Candidate(
        description=(
            f"Parse `{field}` with JSON.parse in config.code of {node_id}: the input holds it as JSON text, "
            f"and the code uses it as a list or object ({context.error.get('message')})."
        ),
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"config.code": new_code}}],
        evidence=[
            f"node {node_id} threw {context.error.get('message')}",
            f"input field `{field}` is text that parses as JSON",
        ],
        specificity=0.85,
    )
