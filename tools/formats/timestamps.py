"""RFC 3339 timestamp checks shared by the formats."""

import re
from datetime import datetime

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def check_rfc3339(value: str | None) -> str | None:
    """Accept an RFC 3339 timestamp with a zone and keep it as written."""
    if value is None:
        return None
    if not _RFC3339.match(value):
        raise ValueError(f"invalid timestamp {value!r}: expected RFC 3339, such as 2026-03-01T09:30:00Z")
    parse_rfc3339(value)
    return value


def parse_rfc3339(value: str) -> datetime:
    """Parse an RFC 3339 timestamp into an aware datetime."""
    normalized = value.replace("z", "Z").replace("t", "T")
    try:
        return datetime.fromisoformat(normalized)
    except ValueError as error:
        raise ValueError(f"invalid timestamp {value!r}: {error}") from error
