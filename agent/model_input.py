"""What may leave for the model: compact, redacted, and never an Authorization header's value.

Execution data is redacted at intake already; this is the last gate before a request, so a
template such as `Bearer {{ credential.crm_token }}` or a policy-named field is masked too.
"""

import json
import re
from collections.abc import Iterable
from typing import Any

from tools.redaction import SECRET_MASK, redact

_AUTHORIZATION_HEADERS = frozenset({"authorization", "proxy-authorization"})

_AUTHORIZATION_IN_TEXT = re.compile(r"(?i)\b((?:proxy-)?authorization)\s*[:=]\s*[^\r\n,;\"']+")


def scrub(value: Any, *, masked_fields: Iterable[str] = ()) -> Any:
    """Mask secrets, Authorization header values and the workspace's masked fields in a JSON value."""
    names = frozenset(name.lower() for name in masked_fields)
    return _scrub(redact(value).value, names)


def scrub_text(text: str, *, masked_fields: Iterable[str] = ()) -> str:
    """Scrub free text, such as a tool result already rendered as JSON."""
    cleaned = redact(text).value
    return _AUTHORIZATION_IN_TEXT.sub(lambda match: f"{match.group(1)}: {SECRET_MASK}", cleaned)


def to_model_json(value: Any, *, masked_fields: Iterable[str] = ()) -> str:
    """Render a value as compact JSON for a model message, scrubbed."""
    scrubbed = scrub(value, masked_fields=masked_fields)
    return scrub_text(json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":"), default=str))


def _scrub(value: Any, masked: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: _scrub_entry(key, child, masked) for key, child in value.items()}
    if isinstance(value, list):
        return [_scrub(child, masked) for child in value]
    if isinstance(value, str):
        return _AUTHORIZATION_IN_TEXT.sub(lambda match: f"{match.group(1)}: {SECRET_MASK}", value)
    return value


def _scrub_entry(key: str, value: Any, masked: frozenset[str]) -> Any:
    lowered = key.lower()
    if lowered in _AUTHORIZATION_HEADERS or lowered in masked:
        return _mask_leaves(value)
    return _scrub(value, masked)


def _mask_leaves(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _mask_leaves(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_mask_leaves(child) for child in value]
    return None if value is None else SECRET_MASK
