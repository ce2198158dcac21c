"""The CLI's listings of executions: one block an execution, ids first, then the error in full.

A table squeezes the error into whatever width the ids leave, which on an 80-column terminal
is a few characters; the error is what the user came for, so it gets a line of its own.
"""

import re
import unicodedata

from rich.console import Console
from rich.text import Text

from service.executions.failures import FailureSummary
from service.importer import StoredExecution

# Error messages can be whole stack traces; the listing shows the first line, cut to this many characters.
MAX_ERROR_CHARS = 400

# LinkFlow prefixes the run's error with the node, which the listing already names.
_FAILED_NODE_PREFIX = re.compile(r"^node '[^']*' failed: ")


def print_imported(executions: list[StoredExecution]) -> None:
    console = Console(soft_wrap=False)
    for stored in executions:
        kind = "history run" if stored.is_history else "execution"
        heading = (
            f"{stored.workspace_id} / {stored.workflow_id} v{_text(stored.workflow_version)} / "
            f"{kind} {stored.execution_id}: {stored.status}, {stored.outcome}"
        )
        _print_block(console, heading, stored.failed_node, stored.error_message)


def print_failures(failures: list[FailureSummary]) -> None:
    console = Console(soft_wrap=False)
    for failure in failures:
        started = failure.started_at.strftime("%Y-%m-%d %H:%M:%SZ") if failure.started_at else "start unknown"
        heading = (
            f"{failure.workspace_id} / {failure.workflow_id} v{_text(failure.workflow_version)} / "
            f"execution {failure.execution_id}, {started}"
        )
        _print_block(console, heading, failure.failed_node, failure.error_message)


def shorten_error(message: str | None) -> str:
    """Return the message's first line without the engine's node prefix, cut to MAX_ERROR_CHARS."""
    text = (message or "").strip()
    if not text:
        return "-"
    first_line = _FAILED_NODE_PREFIX.sub("", text.splitlines()[0])
    if len(first_line) <= MAX_ERROR_CHARS:
        return first_line
    return first_line[: MAX_ERROR_CHARS - 1] + "…"


def _print_block(console: Console, heading: str, failed_node: str | None, error: str | None) -> None:
    # Stored text such as "[REDACTED]" would otherwise be read as Rich markup, hence Text.
    console.print(Text(printable(heading), style="bold"))
    if failed_node is not None:
        console.print(Text(printable(f"  failed at {failed_node}: {shorten_error(error)}")))


def printable(text: str) -> str:
    """Write control characters as escapes such as `\\x1b`.

    Ids and errors come from recorded runs, so an escape sequence in them would otherwise reach
    the terminal and could clear it, retitle it or hide the lines above.
    """
    # Every control character (C0, DEL and C1) is below U+0100, so two hex digits suffice.
    return "".join(f"\\x{ord(char):02x}" if unicodedata.category(char) == "Cc" else char for char in text)


def _text(value: object) -> str:
    return "?" if value is None else str(value)
