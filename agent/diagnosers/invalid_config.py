"""A configuration the catalog rejects, where the fix is mechanical: a URL without scheme, a misspelt enum value."""

import json
import re

from agent.context import FailureContext
from agent.diagnosers import json_body
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import pointer_data_path, value_at
from tools.catalog import Issue, IssueCode
from tools.patching import format_data_path

KIND = "invalid_config"
# The catalog words its enum findings with the closest allowed value at the end.
_ENUM_SUGGESTION = re.compile(r'did you mean ("(?:[^"\\]|\\.)*")\?$')


def diagnose(context: FailureContext) -> list[Candidate]:
    """Fix the failed node's configuration: catalog errors, a JSON body that does not parse, a missing Content-Type."""
    return _catalog_candidates(context) or json_body.body_candidates(context) or json_body.content_type_candidates(context)


def _catalog_candidates(context: FailureContext) -> list[Candidate]:
    """Fix each mechanical catalog error of the failed node in one candidate."""
    index = context.node_index(context.failed_node_id or "")
    if index is None:
        return []

    changes, evidence = {}, [f"node {context.failed_node_id} failed: {context.error.get('message')}"]
    for issue in context.issues:
        located = pointer_data_path(issue.pointer)
        if issue.severity != "error" or located is None or located[0] != index:
            continue
        fix = _fix(context, issue, located[1])
        if fix is not None:
            changes[fix[0]] = fix[1]
            evidence.append(f"catalog: {issue.message}")
    if not changes:
        return []

    fields = ", ".join(f"{path} to {json.dumps(value)}" for path, value in changes.items())
    return [
        Candidate(
            description=f"Set {fields} on {context.failed_node_id}: the catalog rejects the current value.",
            failure_kind=KIND,
            edits=[{"node": context.failed_node_id, "set": changes}],
            evidence=evidence,
            specificity=0.9,
        )
    ]


def _fix(context: FailureContext, issue: Issue, keys: list) -> tuple[str, object] | None:
    found, value, typed = value_at(context.failed_node.get("data"), keys)
    if not found or not isinstance(value, str):
        return None
    path = format_data_path(typed)

    if issue.code == IssueCode.URL_WITHOUT_SCHEME:
        return path, "https://" + value.lstrip("/")
    if issue.code == IssueCode.BAD_ENUM:
        match = _ENUM_SUGGESTION.search(issue.message)
        if match:
            return path, json.loads(match.group(1))
        named = _value_named_by_node(context.failed_node, issue.message)
        return (path, named) if named is not None else None
    return None


def _value_named_by_node(node: dict, message: str) -> str | None:
    """Pick the allowed value that the node's id or label names as a word, as `create` in "Create refund"."""
    allowed = re.search(r"expected one of (.*), got ", message)
    if allowed is None:
        return None
    values = [json.loads(item) for item in re.findall(r'"(?:[^"\\]|\\.)*"', allowed.group(1))]
    words = set(re.split(r"[^a-z0-9]+", f"{node.get('id')} {(node.get('data') or {}).get('label') or ''}".lower()))
    named = [value for value in values if isinstance(value, str) and value.lower() in words]
    return named[0] if len(named) == 1 else None
