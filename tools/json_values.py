"""Small walks over plain JSON values, shared by the tools."""

from collections.abc import Iterator
from typing import Any


def iter_strings(value: Any) -> Iterator[str]:
    """Yield every string inside a JSON value, depth first, in key and list order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)
