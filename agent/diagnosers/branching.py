"""A condition that reads a field the data does not have, or a node on the branch the run did not take."""

import re
from typing import Any

from rapidfuzz import fuzz

from agent.context import FailureContext
from agent.diagnosers import data_mapping
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import child_path, edited_nodes, lookup, missing_path, rewrite_reference

KIND = "branching"
CONDITION_NODE = "logic_condition"
# Text without spaces and this short reads as a status or a level, which conditions compare.
MAX_TOKEN_LENGTH = 32


def diagnose(context: FailureContext) -> list[Candidate]:
    """Fix a condition node's reference to a missing field.

    The closest key, or the key where a wrong nesting put it, wins. Otherwise the field is chosen
    among the keys that exist there by the value the condition compares with: a key holding that
    very value, else the only key of a value of the same kind, else the one whose name shares a
    word with the missing key.
    """
    node = context.failed_node
    detail = missing_path(context)
    if node is None or node.get("type") != CONDITION_NODE or detail is None:
        return []

    mapped = data_mapping.diagnose(context)
    if mapped:
        return [_retagged(node, candidate) for candidate in mapped]
    if detail.get("reason") != "missing_key" or not detail["path"].startswith(child_path(detail["at_path"], detail["missing_key"])):
        return []
    return _compared_value_candidate(context, node, detail)


def _retagged(node: dict[str, Any], candidate: Candidate) -> Candidate:
    return Candidate(
        description=f"Fix the condition of {node['id']}: " + candidate.description,
        failure_kind=KIND,
        edits=candidate.edits,
        evidence=candidate.evidence,
        specificity=candidate.specificity,
    )


def _compared_value_candidate(context: FailureContext, node: dict[str, Any], detail: dict[str, Any]) -> list[Candidate]:
    rule = _rule_reading(node, detail["path"])
    found, holder = lookup(context, detail["at_path"])
    if rule is None or "value" not in rule or not found or not isinstance(holder, dict):
        return []
    choice = _choose_key(holder, rule["value"], detail["missing_key"])
    if choice is None:
        return []

    key, reason, specificity = choice
    old = child_path(detail["at_path"], detail["missing_key"])
    new = child_path(detail["at_path"], key) + detail["path"][len(old) :]
    edits = rewrite_reference(context, detail["path"], new)
    if not edits:
        return []
    return [
        Candidate(
            description=(
                f"Test `{new}` instead of `{detail['path']}` in {', '.join(edited_nodes(edits))}: "
                f"{detail['at_path']} has no `{detail['missing_key']}`, and `{key}` {reason}."
            ),
            failure_kind=KIND,
            edits=edits,
            evidence=[
                f"node {node['id']} failed evaluating `{detail['expression']}`",
                f"keys in {detail['at_path']}: {', '.join(sorted(holder))}",
                f"the condition compares with {rule['value']!r} using {rule.get('operator')}",
            ],
            specificity=specificity,
        )
    ]


def _rule_reading(node: dict[str, Any], path: str) -> dict[str, Any] | None:
    pattern = re.compile(r"\{\{[^}]*(?<![\w$.])" + re.escape(path) + r"(?![\w$])")
    rules = ((node.get("data") or {}).get("config") or {}).get("conditions")
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and isinstance(rule.get("field"), str) and pattern.search(rule["field"]):
            return rule
    return None


def _choose_key(holder: dict[str, Any], compared: Any, missing: str) -> tuple[str, str, float] | None:
    """Pick the key the condition meant, as (key, reason, specificity), or None when the data does not tell."""
    equal = [key for key, value in holder.items() if _same_kind(value, compared) and value == compared]
    if len(equal) == 1:
        return equal[0], f"holds {compared!r}, the value the condition compares with", 0.8

    alike = [key for key, value in holder.items() if _alike(value, compared)]
    if len(alike) == 1:
        return alike[0], "is the only field of the kind the condition compares with", 0.7
    named = [key for key in alike if _shares_word(key, missing)]
    if len(named) == 1:
        return named[0], f"shares a word with `{missing}` and holds the kind of value the condition compares with", 0.6
    return None


def _same_kind(value: Any, compared: Any) -> bool:
    if isinstance(compared, bool) or isinstance(value, bool):
        return isinstance(compared, bool) and isinstance(value, bool)
    if isinstance(compared, int | float):
        return isinstance(value, int | float)
    return type(value) is type(compared)


def _alike(value: Any, compared: Any) -> bool:
    if not _same_kind(value, compared):
        return False
    if isinstance(compared, str):
        return _is_token(value) and _is_token(compared)
    return not isinstance(compared, dict | list)


def _is_token(text: str) -> bool:
    return 0 < len(text) <= MAX_TOKEN_LENGTH and not any(char.isspace() for char in text)


def _shares_word(key: str, missing: str) -> bool:
    words = set(re.split(r"[_\W]+", key.lower())) - {""}
    return bool(words & set(re.split(r"[_\W]+", missing.lower()))) or fuzz.ratio(key.lower(), missing.lower()) >= 80
