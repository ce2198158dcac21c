"""A request refused for its credentials: 401/403, or a credential that expired or was revoked."""

import re

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import http_status, walk_strings

KIND = "auth_expired"
_CREDENTIAL_REFERENCE = re.compile(r"\{\{\s*credential\.([A-Za-z0-9_-]+)\s*\}\}")
_REFUSED = {401, 403}
_BROKEN = {"expired", "revoked"}


def diagnose(context: FailureContext) -> list[Candidate]:
    """Ask for the failed node's credential to be reconnected."""
    node = context.failed_node
    status = http_status(context)
    name = _credential_of(node)
    if node is None or name is None:
        return []
    credential_status = next((item.status for item in context.credentials if item.name == name), None)
    if status not in _REFUSED and not (credential_status in _BROKEN and status is not None and status >= 400):
        return []

    evidence = [f"node {context.failed_node_id} uses credential {name}"]
    if status is not None:
        evidence.append(f"HTTP status {status}")
    if credential_status is not None:
        evidence.append(f"credential {name} is {credential_status}")
    both = status in _REFUSED and credential_status in _BROKEN

    return [
        Candidate(
            description=(
                f"Reconnect the credential {name}: {context.failed_node_id} was refused"
                + (f" with HTTP {status}" if status else "")
                + (f" and the credential is {credential_status}." if credential_status in _BROKEN else ".")
            ),
            failure_kind=KIND,
            action={"type": "reconnect_credential", "credential": name},
            evidence=evidence,
            specificity=0.9 if both else 0.7,
        )
    ]


def _credential_of(node: dict | None) -> str | None:
    data = (node or {}).get("data") or {}
    if isinstance(data.get("credential"), str):
        return data["credential"]
    for _keys, text in walk_strings(data.get("config") or {}):
        match = _CREDENTIAL_REFERENCE.search(text)
        if match:
            return match.group(1)
    return None
