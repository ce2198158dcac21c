"""Changes a patch makes to each node's data, and the ones that need a person's approval.

The checks compare a node's data before and after the patch leaf by leaf, keyed by node id, so
only values the patch wrote (or removed) can raise a reason.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from tools.patching.destinations import (
    HOST,
    Destination,
    KnownDestinations,
    field_keys,
    leaf_destinations,
)
from tools.patching.paths import format_data_path
from tools.patching.values import flatten, nearest_name, preview
from tools.redaction import is_secret_name, split_name_words

ABSENT: Any = object()

_CREDENTIAL_REFERENCE = re.compile(r"\{\{[^}]*\bcredential\s*[.\[]", re.DOTALL)
_AUTHORIZATION_HEADERS = frozenset({"authorization", "proxy-authorization"})
_CREDENTIAL_WORDS = frozenset({"credential", "credentials"})
_ERROR_WORDS = frozenset({"error", "errors", "fail", "failure", "failures", "exception", "exceptions"})
_SUPPRESS_WORDS = frozenset({"continue", "ignore", "suppress", "skip", "swallow"})
# A mode word such as "continue" or "continueRegularOutput"; longer text (a message) is not a mode.
_SUPPRESSING_MODE = re.compile(r"[A-Za-z_-]{0,40}(?:continue|ignore|skip|suppress)[A-Za-z_-]{0,40}", re.IGNORECASE)


@dataclass
class NodeChange:
    """The data leaves of one node that differ before and after a patch; `ABSENT` marks a missing side."""

    node_id: str
    is_new: bool
    changed: dict[tuple[str | int, ...], tuple[Any, Any]] = field(default_factory=dict)


def node_changes(before: dict[str, Any], after: dict[str, Any]) -> list[NodeChange]:
    """List the nodes present after the patch whose data differs, new nodes included, in order."""
    before_data = _data_by_id(before)
    changes = []

    for node_id, data in _data_by_id(after).items():
        old_leaves = flatten(before_data[node_id]) if node_id in before_data else {}
        new_leaves = flatten(data)
        changed = {
            keys: (old_leaves.get(keys, ABSENT), new_leaves.get(keys, ABSENT))
            for keys in {**old_leaves, **new_leaves}
            if old_leaves.get(keys, ABSENT) != new_leaves.get(keys, ABSENT)
        }
        if changed:
            changes.append(NodeChange(node_id, node_id not in before_data, changed))
    return changes


def suppression_reasons(change: NodeChange) -> list[str]:
    """Name each written setting that lets a run go on past a node's errors (`onError: continue`)."""
    reasons = []
    for keys, (old, new) in change.changed.items():
        if _suppresses_errors(keys, new) and not _suppresses_errors(keys, old):
            reasons.append(
                f"sets {format_data_path(keys)} to {preview(new)} on node {change.node_id}, which suppresses its errors"
            )
    return reasons


def credential_reasons(change: NodeChange) -> list[str]:
    """Name the credential settings, credential references and auth headers a patch changes in a node."""
    places = [
        format_data_path(keys) for keys, (old, new) in change.changed.items() if _is_credential_change(keys, old, new)
    ]
    if not places:
        return []
    subject = f"new node {change.node_id}" if change.is_new else f"node {change.node_id}"
    return [f"changes credentials of {subject} ({', '.join(places)})"]


def destination_reasons(changes: list[NodeChange], known: KnownDestinations) -> list[str]:
    """Name each destination a patch writes that the workflow and its recorded runs never used."""
    reasons = []
    for change in changes:
        for keys, (_old, new) in change.changed.items():
            for destination in leaf_destinations(keys, new):
                if not _is_known(destination, change.node_id, keys, known):
                    reasons.append(_destination_reason(destination, change.node_id, keys))
    return reasons


def _data_by_id(definition: dict[str, Any]) -> dict[str, Any]:
    nodes = definition.get("nodes")
    return {
        node["id"]: node.get("data")
        for node in (nodes if isinstance(nodes, list) else [])
        if isinstance(node, dict) and isinstance(node.get("id"), str)
    }


def _suppresses_errors(keys: tuple[str | int, ...], value: Any) -> bool:
    """Tell whether a key and value turn errors off: `onError: continue`, `continueOnFail: true`."""
    if value is ABSENT:
        return False
    words = set(split_name_words(nearest_name(keys)))
    if not words & _ERROR_WORDS:
        return False
    if isinstance(value, str):
        return bool(_SUPPRESSING_MODE.fullmatch(value)) or (bool(words & _SUPPRESS_WORDS) and value.lower() == "true")
    return value is True and bool(words & _SUPPRESS_WORDS)


def _is_credential_change(keys: tuple[str | int, ...], old: Any, new: Any) -> bool:
    name = nearest_name(keys)
    if name.lower() in _AUTHORIZATION_HEADERS or is_secret_name(name):
        return True
    if set(split_name_words(name)) & _CREDENTIAL_WORDS:
        return True
    return any(isinstance(value, str) and _CREDENTIAL_REFERENCE.search(value) for value in (old, new))


def _is_known(destination: Destination, node_id: str, keys: tuple[str | int, ...], known: KnownDestinations) -> bool:
    if destination.value is not None:
        return known.knows(destination)
    # A host made by a template cannot be checked. A recipient or channel made by a template is
    # data-driven; it is known only where the same field already took it from a template.
    if destination.kind == HOST:
        return False
    return (node_id, destination.kind, field_keys(keys)) in known.templated_fields


def _destination_reason(destination: Destination, node_id: str, keys: tuple[str | int, ...]) -> str:
    where = f"node {node_id}, {format_data_path(keys)}"
    if destination.value is None:
        return f"sends data to a {destination.kind} made by a template, which cannot be checked ({where})"
    return (
        f"sends data to the new {destination.kind} {destination.value}, which neither the workflow "
        f"nor its recorded runs used ({where})"
    )
