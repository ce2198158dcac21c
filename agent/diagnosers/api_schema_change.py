"""An upstream response whose shape changed since the last successful run: a key moved."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import edited_nodes, missing_path, rewrite_reference
from tools.execution_diff import moved_keys

KIND = "api_schema_change"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Follow a key the diff with the last successful run shows as moved, in every node that reads it."""
    detail = missing_path(context)
    if detail is None or context.diff is None or not detail.get("node"):
        return []
    node_diff = context.diff.node(detail["node"])
    if node_diff is None or node_diff.output is None:
        return []

    removed = [path for path, _kind in node_diff.output.removed]
    added = [path for path, _kind in node_diff.output.added]
    for before, after in moved_keys(removed, added):
        new = _moved_path(detail["path"], before, after)
        if new is None:
            continue
        edits = rewrite_reference(context, detail["path"], new)
        if edits:
            return [_candidate(context, detail, before, after, new, edits)]
    return []


def _moved_path(path: str, before: str, after: str) -> str | None:
    """Rewrite an expression path that reads the moved output path `before`, or return None."""
    for separator in (".", "]"):
        marker = separator + before if separator == "." else before
        position = path.find(marker)
        while position != -1:
            end = position + len(marker)
            if end == len(path) or path[end] in ".[":
                prefix = path[: position + (1 if separator == "." else 0)]
                return prefix + after + path[end:]
            position = path.find(marker, position + 1)
    return None


def _candidate(context: FailureContext, detail: dict, before: str, after: str, new: str, edits: list) -> Candidate:
    last = context.last_success
    last_id = last.execution_id if last is not None else "?"
    return Candidate(
        description=(
            f"Read `{new}` instead of `{detail['path']}` in {', '.join(edited_nodes(edits))}: "
            f"the response of {detail['node']} moved `{before}` to `{after}` since run {last_id}, "
            "its last successful run."
        ),
        failure_kind=KIND,
        edits=edits,
        evidence=[
            f"node {context.failed_node_id} failed evaluating `{detail['expression']}`",
            f"keys in {detail['at_path']}: {', '.join(detail.get('available_keys') or [])}",
            f"last successful run {last_id}: {detail['node']} output had `{before}`; now it has `{after}`",
        ],
        specificity=0.95,
    )
