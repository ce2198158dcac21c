"""Writing access paths as text: `a.b[0]['c-d']`."""

import re

RESERVED_ROOTS = frozenset({"trigger", "env", "credential", "workflow", "execution", "nodes"})
KEYWORDS = frozenset({"true", "false", "null"})

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_identifier(key: str) -> bool:
    """Tell whether a key can be written after a dot (`a.key`)."""
    return _IDENTIFIER.fullmatch(key) is not None


def is_node_name(key: str) -> bool:
    """Tell whether a node id can be written bare, without `nodes[...]`."""
    return is_identifier(key) and key not in RESERVED_ROOTS and key not in KEYWORDS


def quote_key(key: str) -> str:
    """Write a key as a single-quoted string literal of the language."""
    escaped = key.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def format_path_key(key: str | int, *, first: bool = False) -> str:
    """Write one step of a path: `.name`, `['odd-key']` or `[3]`; `first` omits the dot."""
    if isinstance(key, int):
        return f"[{key}]"
    if is_identifier(key):
        return key if first else f".{key}"
    return f"[{quote_key(key)}]"
