"""Type mismatches inside transform_code: JSON text used as a list or object, numbers as text added up."""

import json
import re
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, node_input, walk_strings

KIND = "type_mismatch"
CODE_NODE = "transform_code"
_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?")
_GROUPED_NUMBER_TEXT = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_json_text_candidates(context: FailureContext) -> list[Candidate]:
    """Parse a field of the code node's input that holds JSON as text where the code reads it."""
    code = _failed_code(context)
    if code is None or context.detail.get("name") != "TypeError":
        return []

    for field in _json_text_fields(node_input(context)):
        new_code = _wrap_reads(code, field, "JSON.parse({})")
        if new_code != code:
            return [
                _candidate(
                    context,
                    new_code,
                    f"Parse `{field}` with JSON.parse in config.code of {context.failed_node_id}: the input holds it as "
                    f"JSON text, and the code uses it as a list or object ({context.error.get('message')}).",
                    f"input field `{field}` is text that parses as JSON",
                    0.85,
                )
            ]
    return []


def numeric_text_candidates(context: FailureContext) -> list[Candidate]:
    """Convert a field the input holds as number text where the code adds it, when the error shows them joined.

    Numbers written with thousands separators (`1,156.00`) lose the separators first.
    """
    code = _failed_code(context)
    if code is None:
        return []

    message = str(context.error.get("message") or "")
    for field, grouped in _numeric_text_fields(node_input(context), joined_in=message):
        template = 'Number(String({}).replace(/,/g, ""))' if grouped else "Number({})"
        new_code = _wrap_reads(code, field, template, added_only=True)
        if new_code != code:
            form = "numbers with thousands separators" if grouped else "numbers"
            return [
                _candidate(
                    context,
                    new_code,
                    f"Convert `{field}` to a number where config.code of {context.failed_node_id} adds it: the input "
                    f"holds {form} as text, so `+` joins them ({context.error.get('message')}).",
                    f"input field `{field}` holds {form} as text",
                    0.75,
                )
            ]
    return []


def _failed_code(context: FailureContext) -> str | None:
    node = context.failed_node
    if node is None or node.get("type") != CODE_NODE or error_code(context) != "CODE_EXECUTION_FAILED":
        return None
    code = (node.get("data") or {}).get("config", {}).get("code")
    return code if isinstance(code, str) else None


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


def _numeric_text_fields(value: Any, *, joined_in: str) -> list[tuple[str, bool]]:
    """Name the fields whose every text value is a number, each with whether any uses thousands separators.

    Only a field whose first two values appear joined in `joined_in` (the error message) counts:
    that is the sign that `+` joined them as text.
    """
    seen: dict[str, list[str]] = {}
    for keys, text in walk_strings(value):
        if keys and isinstance(keys[-1], str):
            seen.setdefault(keys[-1], []).append(text.strip())
    fields = []
    for name, texts in seen.items():
        plain = all(_NUMBER_TEXT.fullmatch(text) or _GROUPED_NUMBER_TEXT.fullmatch(text) for text in texts)
        if plain and len(texts) >= 2 and texts[0] + texts[1] in joined_in:
            fields.append((name, any(_GROUPED_NUMBER_TEXT.fullmatch(text) for text in texts)))
    return fields


def _wrap_reads(code: str, field: str, template: str, *, added_only: bool = False) -> str:
    """Wrap each read of `<object>.<field>` in `template`, leaving writes and reads already wrapped.

    With `added_only`, only reads that are an operand of `+` change.
    """
    pattern = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)+" + re.escape(field) + r")(?![\w$])(?!\s*=[^=])")

    def wrap(match: re.Match[str]) -> str:
        before = code[: match.start()].rstrip()
        after = code[match.end() :].lstrip()
        if before.endswith(template.split("{}")[0]):
            return match.group(1)
        if added_only and not (before.endswith("+") or after.startswith("+")):
            return match.group(1)
        return template.format(match.group(1))

    return pattern.sub(wrap, code)


def _candidate(context: FailureContext, new_code: str, description: str, finding: str, specificity: float) -> Candidate:
    node_id = context.failed_node_id
    return Candidate(
        description=description,
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"config.code": new_code}}],
        evidence=[f"node {node_id} threw {context.error.get('message')}", finding],
        specificity=specificity,
    )
