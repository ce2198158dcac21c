"""JSON Pointers (RFC 6901) of patch operations, split into keys and written for people."""

from collections.abc import Sequence

from jsonpointer import JsonPointer, JsonPointerException

from tools.patching.paths import PathKey, format_data_path


def pointer_tokens(pointer: str) -> list[str]:
    """Split a JSON Pointer into its unescaped tokens: `/a~1b/0` gives `a/b`, `0`.

    Raises:
        ValueError: the text is not a JSON Pointer.
    """
    if not isinstance(pointer, str):
        raise ValueError(f"a JSON Pointer is text, got {type(pointer).__name__}")
    try:
        return list(JsonPointer(pointer).parts)
    except JsonPointerException as error:
        raise ValueError(f"invalid JSON Pointer {pointer!r}: {error}") from error


def display_tokens(tokens: Sequence[str]) -> str:
    """Write pointer tokens as a data path, reading tokens made of digits as list indexes.

    Without the document a token such as `0` could also be an object key; messages only need
    the likely reading.
    """
    keys: list[PathKey] = [int(token) if token.isdigit() else token for token in tokens]
    return format_data_path(keys)


def node_index(tokens: Sequence[str]) -> int | None:
    """Return `i` for tokens under `/nodes/<i>`, else None."""
    if len(tokens) >= 2 and tokens[0] == "nodes" and tokens[1].isdigit():
        return int(tokens[1])
    return None
