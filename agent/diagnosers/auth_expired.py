"""A request refused for its credentials: 401/403, or a credential that expired or was revoked."""

import re
from typing import Any

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import http_status, walk_strings
from tools.patching import format_data_path

KIND = "auth_expired"
_CREDENTIAL_REFERENCE = re.compile(r"\{\{\s*credential\.([A-Za-z0-9_-]+)\s*\}\}")
_BARE_CREDENTIAL = re.compile(r"\s*\{\{\s*credential\.([A-Za-z0-9_-]+)\s*\}\}\s*")
_REFUSED = {401, 403}
_BROKEN = {"expired", "revoked"}
# The Authorization scheme each credential type sends, as RFC 6750 and RFC 7617 name them.
_SCHEMES = {"bearer": "Bearer", "oauth2": "Bearer", "basic": "Basic"}


def diagnose(context: FailureContext) -> list[Candidate]:
    """Add a missing Authorization scheme, and ask for the failed node's credential to be reconnected."""
    node = context.failed_node
    status = http_status(context)
    name = _credential_of(node)
    if node is None or name is None:
        return []
    credential_status = next((item.status for item in context.credentials if item.name == name), None)
    if status not in _REFUSED and not (credential_status in _BROKEN and status is not None and status >= 400):
        return []

    scheme_fix = _scheme_candidate(context, node, status, credential_status) if status in _REFUSED else None
    if scheme_fix is not None and credential_status == "valid":
        # The credential is known to work, so the missing scheme alone explains the refusal.
        return [scheme_fix]
    reconnect = _reconnect_candidate(context, name, status, credential_status, scheme_missing=scheme_fix is not None)
    return [reconnect, scheme_fix] if scheme_fix is not None else [reconnect]


def _reconnect_candidate(
    context: FailureContext, name: str, status: int | None, credential_status: str | None, *, scheme_missing: bool
) -> Candidate:
    evidence = [f"node {context.failed_node_id} uses credential {name}"]
    if status is not None:
        evidence.append(f"HTTP status {status}")
    if credential_status is not None:
        evidence.append(f"credential {name} is {credential_status}")
    both = status in _REFUSED and credential_status in _BROKEN

    # A valid credential sent without its scheme explains the refusal better than the credential itself.
    if both:
        specificity = 0.9
    elif scheme_missing:
        specificity = 0.4
    else:
        specificity = 0.7
    return Candidate(
        description=(
            f"Reconnect the credential {name}: {context.failed_node_id} was refused"
            + (f" with HTTP {status}" if status else "")
            + (f" and the credential is {credential_status}." if credential_status in _BROKEN else ".")
        ),
        failure_kind=KIND,
        action={"type": "reconnect_credential", "credential": name},
        evidence=evidence,
        specificity=specificity,
    )


def _scheme_candidate(
    context: FailureContext, node: dict[str, Any], status: int | None, credential_status: str | None
) -> Candidate | None:
    """Prefix an Authorization header that sends a bare credential with the scheme its type uses."""
    headers = ((node.get("data") or {}).get("config") or {}).get("headers")
    if not isinstance(headers, dict):
        return None
    for header, value in headers.items():
        match = _BARE_CREDENTIAL.fullmatch(value) if isinstance(value, str) else None
        if header.lower() != "authorization" or match is None:
            continue
        scheme = _scheme_for(context, match.group(1))
        if scheme is None:
            return None
        fixed = f"{scheme} {value.strip()}"
        return Candidate(
            description=(
                f"Set the Authorization header of {node['id']} to `{fixed}`: it sends the credential "
                f"{match.group(1)} without the {scheme} scheme, so the provider answered HTTP {status}."
            ),
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {format_data_path(["config", "headers", header]): fixed}}],
            evidence=[
                f"node {node['id']} answered HTTP {status}",
                f"header Authorization is `{value}`, with no scheme word",
                f"credential {match.group(1)} sends the {scheme} scheme",
            ],
            # An expired or revoked credential would be refused with the scheme too.
            specificity=0.5 if credential_status in _BROKEN else 0.9,
        )
    return None


def _scheme_for(context: FailureContext, name: str) -> str | None:
    """Name the scheme from the credential's type, else from how other headers send the same credential."""
    kind = next((item.type for item in context.credentials if item.name == name), None)
    if kind is not None and kind.lower() in _SCHEMES:
        return _SCHEMES[kind.lower()]
    for other in context.definition["nodes"]:
        for keys, text in walk_strings(((other.get("data") or {}).get("config") or {}).get("headers") or {}):
            scheme = re.fullmatch(r"\s*(Bearer|Basic)\s+\{\{\s*credential\.([A-Za-z0-9_-]+)\s*\}\}\s*", text)
            if keys and str(keys[-1]).lower() == "authorization" and scheme and scheme.group(2) == name:
                return scheme.group(1)
    return None


def _credential_of(node: dict | None) -> str | None:
    data = (node or {}).get("data") or {}
    if isinstance(data.get("credential"), str):
        return data["credential"]
    for _keys, text in walk_strings(data.get("config") or {}):
        match = _CREDENTIAL_REFERENCE.search(text)
        if match:
            return match.group(1)
    return None
