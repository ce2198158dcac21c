"""Repairs of an HTTP node's hand-written JSON body and of the headers that announce it."""

import json
import re

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code, http_status, lookup
from tools.expressions import find_expression_spans
from tools.expressions.errors import ExpressionSyntaxError

KIND = "invalid_config"
UNSUPPORTED_MEDIA_TYPE = 415
JSON_MEDIA_TYPE = "application/json"
# Each missing comma takes one repair; a body needing more was not merely mistyped.
MAX_REPAIRS = 3
_QUOTED_EXPRESSION = re.compile(r'"(\{\{\s*(.*?)\s*\}\})"')


def body_candidates(context: FailureContext) -> list[Candidate]:
    """Fix a JSON body that does not parse: a missing comma in the template, or a value that needs escaping."""
    node = context.failed_node
    body = ((node or {}).get("data") or {}).get("config", {}).get("body")
    if error_code(context) != "INVALID_JSON_BODY" or not isinstance(body, str):
        return []

    placeholder_text, offsets = _with_placeholders(body)
    if placeholder_text is None:
        return []
    try:
        json.loads(placeholder_text)
    except ValueError:
        repaired = _insert_commas(body, placeholder_text, offsets)
        return [_body_candidate(context, repaired, "the template misses a comma between members", 0.8)] if repaired else []

    escaped = _stringify_values(context, body)
    if escaped == body:
        return []
    return [_body_candidate(context, escaped, "a value inserted between quotes holds characters JSON must escape", 0.8)]


def content_type_candidates(context: FailureContext) -> list[Candidate]:
    """Announce a JSON body with Content-Type when the upstream answered 415 and the node sends none."""
    node = context.failed_node
    config = ((node or {}).get("data") or {}).get("config") or {}
    headers = config.get("headers") if isinstance(config.get("headers"), dict) else {}
    sends_json = config.get("body_type") == "json" or isinstance(config.get("body"), dict | list)
    if http_status(context) != UNSUPPORTED_MEDIA_TYPE or not sends_json:
        return []
    if any(name.lower() == "content-type" for name in headers):
        return []

    return [
        Candidate(
            description=(
                f"Set the Content-Type header of {node['id']} to {JSON_MEDIA_TYPE}: it sends a JSON body without "
                "Content-Type, and the upstream answered 415 Unsupported Media Type."
            ),
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {"config.headers['Content-Type']": JSON_MEDIA_TYPE}}],
            evidence=[f"node {node['id']} answered HTTP 415", f"headers of {node['id']}: {', '.join(headers) or 'none'}"],
            specificity=0.85,
        )
    ]


def _with_placeholders(template: str) -> tuple[str | None, list[tuple[int, int]]]:
    """Replace each `{{ }}` span with 0, returning the text and (text position, template position) pairs."""
    try:
        spans = find_expression_spans(template)
    except ExpressionSyntaxError:
        return None, []
    pieces, offsets, position = [], [], 0
    length = 0
    for start, end in spans:
        offsets.append((length, position))
        pieces.append(template[position:start] + "0")
        length += start - position + 1
        position = end
    offsets.append((length, position))
    pieces.append(template[position:])
    return "".join(pieces), offsets


def _template_position(text_position: int, offsets: list[tuple[int, int]]) -> int:
    text_start, template_start = max((pair for pair in offsets if pair[0] <= text_position), default=(0, 0))
    return template_start + (text_position - text_start)


def _insert_commas(template: str, text: str, offsets: list[tuple[int, int]]) -> str | None:
    for _attempt in range(MAX_REPAIRS):
        try:
            json.loads(text)
            return template
        except json.JSONDecodeError as error:
            if not error.msg.startswith("Expecting ',' delimiter"):
                return None
            at = _template_position(len(text[: error.pos].rstrip()), offsets)
            template = template[:at] + "," + template[at:]
            text, offsets = _with_placeholders(template)
    return None


def _stringify_values(context: FailureContext, template: str) -> str:
    """Write `"{{ x }}"` as `{{ jsonStringify(x) }}` where the value of x would break the JSON string."""

    def stringify(match: re.Match[str]) -> str:
        found, value = lookup(context, match.group(2))
        if found and isinstance(value, str) and json.dumps(value, ensure_ascii=False)[1:-1] != value:
            return "{{ jsonStringify(" + match.group(2) + ") }}"
        return match.group(0)

    return _QUOTED_EXPRESSION.sub(stringify, template)


def _body_candidate(context: FailureContext, body: str, reason: str, specificity: float) -> Candidate:
    node_id = context.failed_node_id
    return Candidate(
        description=f"Rewrite config.body of {node_id} so it renders as valid JSON: {reason}.",
        failure_kind=KIND,
        edits=[{"node": node_id, "set": {"config.body": body}}],
        evidence=[f"node {node_id} failed: {context.error.get('message')}"],
        specificity=specificity,
    )
