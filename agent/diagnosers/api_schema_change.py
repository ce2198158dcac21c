"""An upstream response whose shape changed since the last successful run: a key moved or was renamed."""

import re
from collections.abc import Iterator
from typing import Any

from rapidfuzz import fuzz

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import edited_nodes, error_code, http_status, missing_path, rewrite_reference, walk_strings
from tools.execution_diff import NodeDiff, moved_keys, split_path

KIND = "api_schema_change"
CODE_NODE = "transform_code"
# Two key names this alike (rapidfuzz partial ratio, 0 to 100) name the same field.
SIMILAR_NAME = 80
GONE = 410
_VERSION_SEGMENT = re.compile(r"/(v\d+)(?=/)")
_NAMED_VERSION = re.compile(r"/(v\d+)\b")


def diagnose(context: FailureContext) -> list[Candidate]:
    """Follow a key the last successful run had and this run has elsewhere, in every node that reads it."""
    if context.diff is None:
        return _retired_version(context)
    detail = missing_path(context)
    if detail is not None and detail.get("node"):
        return _expression_candidates(context, detail)
    if _code_failed_on_missing_value(context):
        return _code_candidates(context)
    return []


def _retired_version(context: FailureContext) -> list[Candidate]:
    """Move a request to the API version a 410 Gone answer names, such as "use /v2"."""
    node = context.failed_node
    url = ((node or {}).get("data") or {}).get("config", {}).get("url")
    if http_status(context) != GONE or not isinstance(url, str):
        return []
    current = set(_VERSION_SEGMENT.findall(url))
    named = {version for _keys, text in walk_strings(context.failed_output()) for version in _NAMED_VERSION.findall(text)}
    successors = named - current
    if len(current) != 1 or len(successors) != 1:
        return []

    old, new = current.pop(), successors.pop()
    new_url = url.replace(f"/{old}/", f"/{new}/", 1)
    return [
        Candidate(
            description=f"Call `{new_url}` in {node['id']}: the provider answered 410 Gone for API {old} and names {new}.",
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {"config.url": new_url}}],
            evidence=[f"node {node['id']} answered HTTP 410", f"the response names API {new}; the URL calls {old}"],
            specificity=0.7,
        )
    ]


def _expression_candidates(context: FailureContext, detail: dict[str, Any]) -> list[Candidate]:
    node_diff = context.diff.node(detail["node"])
    if node_diff is None or node_diff.output is None:
        return []

    node_prefix = detail["node"] + "."
    if not detail["path"].startswith(node_prefix):
        return []
    relative = detail["path"][len(node_prefix) :]
    for before, after, how in changed_keys(node_diff):
        if not _starts_with_path(relative, before):
            continue
        edits = rewrite_reference(context, node_prefix + before, node_prefix + after)
        if edits:
            new = node_prefix + after + relative[len(before) :]
            return [_candidate(context, detail["node"], detail["path"], new, before, after, how, edits)]
    return []


def changed_keys(node_diff: NodeDiff) -> list[tuple[str, str, str]]:
    """Pair removed output paths with added ones, as (before, after, how), surest pairs first.

    A key that kept its name moved; a key alone of its type at the same place, with the same
    children, was renamed; a leaf whose name is alike another's was renamed and moved.
    """
    removed = [path for path, _kind in node_diff.output.removed]
    added = [path for path, _kind in node_diff.output.added]
    types = dict(node_diff.output.removed) | {("+", path): kind for path, kind in node_diff.output.added}
    pairs = [(before, after, "moved") for before, after in moved_keys(removed, added)]

    free_removed = [path for path in removed if not _covered(path, [pair[0] for pair in pairs])]
    free_added = [path for path in added if not _covered(path, [pair[1] for pair in pairs])]
    for before in free_removed:
        if _covered(before, [pair[0] for pair in pairs]):
            continue
        after = _renamed(before, free_added, types, removed, added)
        if after is not None:
            pairs.append((before, after, "renamed"))
            free_added = [path for path in free_added if not _starts_with_path(path, after)]
    return pairs


def _renamed(before: str, candidates: list[str], types: dict, removed: list[str], added: list[str]) -> str | None:
    kind = types[before]
    same_place = [
        path
        for path in candidates
        if types[("+", path)] == kind and _parent(path) == _parent(before) and _children(before, removed) == _children(path, added)
    ]
    if len(same_place) == 1:
        return same_place[0]

    alike = [
        path
        for path in candidates
        if types[("+", path)] == kind
        and kind not in ("object", "list")
        and fuzz.partial_ratio(_last_key(path).rstrip("s"), _last_key(before).rstrip("s")) >= SIMILAR_NAME
    ]
    return alike[0] if len(alike) == 1 else None


def _children(path: str, paths: list[str]) -> set[str]:
    return {other[len(path) :] for other in paths if other != path and _starts_with_path(other, path)}


def _parent(path: str) -> list[str | int]:
    return split_path(path)[:-1]


def _last_key(path: str) -> str:
    return str(split_path(path)[-1])


def _covered(path: str, roots: list[str]) -> bool:
    return any(_starts_with_path(path, root) for root in roots)


def _starts_with_path(path: str, prefix: str) -> bool:
    return path == prefix or (path.startswith(prefix) and path[len(prefix)] in ".[")


def _code_failed_on_missing_value(context: FailureContext) -> bool:
    node = context.failed_node
    return (
        node is not None
        and node.get("type") == CODE_NODE
        and error_code(context) == "CODE_EXECUTION_FAILED"
        and context.detail.get("name") == "TypeError"
        and "undefined" in str(context.detail.get("message"))
    )


def _code_candidates(context: FailureContext) -> list[Candidate]:
    """Rewrite the code's reads of a changed key of an upstream node's output, where the code reads it."""
    code = ((context.failed_node.get("data") or {}).get("config") or {}).get("code")
    if not isinstance(code, str):
        return []
    for node_id, before, after, how in _upstream_changes(context):
        old_tail, new_tail = _differing_tails(before, after)
        pattern = re.compile(r"(?<=\.)" + re.escape(old_tail) + r"(?![\w$])")
        new_code = pattern.sub(lambda _match: new_tail, code)
        if new_code != code:
            edits = [{"node": context.failed_node_id, "set": {"config.code": new_code}}]
            return [_candidate(context, node_id, f"…{old_tail}", f"…{new_tail}", before, after, how, edits, specificity=0.75)]
    return []


def _upstream_changes(context: FailureContext) -> Iterator[tuple[str, str, str, str]]:
    for node_diff in context.diff.nodes:
        if node_diff.node_id == context.failed_node_id or node_diff.output is None or not node_diff.output.changed:
            continue
        for before, after, how in changed_keys(node_diff):
            yield node_diff.node_id, before, after, how


def _differing_tails(before: str, after: str) -> tuple[str, str]:
    """Drop the leading keys two paths share: body.metrics.employees and body.employee_count give the rest of each."""
    old, new = split_path(before), split_path(after)
    shared = 0
    while shared < min(len(old), len(new)) - 1 and old[shared] == new[shared]:
        shared += 1
    return _join(old[shared:]), _join(new[shared:])


def _join(keys: list[str | int]) -> str:
    text = ""
    for key in keys:
        if isinstance(key, int):
            text += f"[{key}]"
        elif text:
            text += f".{key}"
        else:
            text = key
    return text


def _candidate(
    context: FailureContext,
    node_id: str,
    old: str,
    new: str,
    before: str,
    after: str,
    how: str,
    edits: list,
    specificity: float = 0.95,
) -> Candidate:
    last = context.last_success
    last_id = last.execution_id if last is not None else "?"
    # A renamed key is paired by its type and place, which is less sure than a key that kept its name.
    if how != "moved":
        specificity -= 0.1
    return Candidate(
        description=(
            f"Read `{new}` instead of `{old}` in {', '.join(edited_nodes(edits))}: "
            f"the output of {node_id} {how} `{before}` to `{after}` since run {last_id}, its last successful run."
        ),
        failure_kind=KIND,
        edits=edits,
        evidence=[
            f"node {context.failed_node_id} failed: {context.error.get('message')}",
            f"last successful run {last_id}: {node_id} output had `{before}`; now it has `{after}`",
        ],
        specificity=round(specificity, 2),
    )
