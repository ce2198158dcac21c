"""Small views of JSON values for patch messages: their kind, a short preview, masked secrets."""

import json
from typing import Any

from tools.redaction import SECRET_MASK

_PREVIEW_CHARS = 80


def contains_mask(value: Any) -> bool:
    """Tell whether any string inside a value contains the secret mask `[REDACTED]`."""
    if isinstance(value, str):
        return SECRET_MASK in value
    if isinstance(value, dict):
        return any(contains_mask(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_mask(item) for item in value)
    return False


def value_kind(value: Any) -> str:
    """Name the JSON kind of a value as a message reads it: `text`, `a list`, `null`, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__} value"


def preview(value: Any, limit: int = _PREVIEW_CHARS) -> str:
    """Write a value as compact JSON, cut to `limit` characters with `...` when longer."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def flatten(value: Any, prefix: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], Any]:
    """Map the path of each leaf of a value to the leaf; empty objects and lists count as leaves."""
    if isinstance(value, dict) and value:
        items: Any = value.items()
    elif isinstance(value, list) and value:
        items = enumerate(value)
    else:
        return {prefix: value}

    leaves: dict[tuple[str | int, ...], Any] = {}
    for key, item in items:
        leaves.update(flatten(item, (*prefix, key)))
    return leaves


def nearest_name(keys: tuple[str | int, ...] | list[str]) -> str:
    """Return the last object key of a path, skipping list indexes (and `-` or digit pointer tokens)."""
    for key in reversed(keys):
        if isinstance(key, str) and key != "-" and not key.isdigit():
            return key
    return ""
