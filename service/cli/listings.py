"""The CLI's listings of executions: one block an execution, ids first, then the error in full.

A table squeezes the error into whatever width the ids leave, which on an 80-column terminal
is a few characters; the error is what the user came for, so it gets a line of its own.
"""

import re
import textwrap
import unicodedata

from rich.console import Console
from rich.text import Text

from service.executions.failures import FailureSummary
from service.importer import StoredExecution

# Error messages can be whole stack traces; the listing shows the first line, cut to this many characters.
MAX_ERROR_CHARS = 400

# Continuation lines of a wrapped heading or error start here, right of the "  failed at" indent.
CONTINUATION_INDENT = "    "

# Below this many characters a line is unreadable however it wraps, so narrower terminals overflow.
_MIN_TEXT_WIDTH = 20

# A LinkFlow expression such as `{{ $json.id }}` is one token, so its inner spaces must not break lines.
_EXPRESSION = re.compile(r"\{\{.*?\}\}")

# Stands in for a space inside an expression while wrapping. printable() has already escaped every
# control character, so none can occur in the text itself.
_KEPT_SPACE = "\x00"

# LinkFlow prefixes the run's error with the node, which the listing already names.
_FAILED_NODE_PREFIX = re.compile(r"^node '[^']*' failed: ")


def print_imported(files: list[tuple[str, list[StoredExecution]]]) -> None:
    """Print a `file:` line for each bundle file, then a block for each execution it held."""
    console = Console(soft_wrap=False)
    for path, executions in files:
        _print_wrapped(console, f"file: {path}", indent="", hanging=CONTINUATION_INDENT)
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
    _print_wrapped(console, heading, indent="", hanging=CONTINUATION_INDENT, style="bold")
    if failed_node is not None:
        line = f"failed at {failed_node}: {shorten_error(error)}"
        _print_wrapped(console, line, indent="  ", hanging=CONTINUATION_INDENT)


def _print_wrapped(console: Console, text: str, *, indent: str, hanging: str, style: str = "") -> None:
    # Stored text such as "[REDACTED]" would otherwise be read as Rich markup, hence Text.
    for line in wrap_line(printable(text), console.width, indent=indent, hanging=hanging):
        console.print(Text(line, style=style))


def wrap_line(text: str, width: int, *, indent: str, hanging: str) -> list[str]:
    """Wrap text at spaces into lines of at most `width` characters, with no trailing spaces.

    Lines after the first start with `hanging`. A URL or a `{{ ... }}` expression moves to the
    next line whole, and only one longer than a line is cut.
    """
    protected = _EXPRESSION.sub(lambda match: match.group().replace(" ", _KEPT_SPACE), text)
    lines = textwrap.wrap(
        protected,
        width=max(width, len(hanging) + _MIN_TEXT_WIDTH),
        initial_indent=indent,
        subsequent_indent=hanging,
        break_on_hyphens=False,
    )
    return [line.replace(_KEPT_SPACE, " ") for line in lines]


def printable(text: str) -> str:
    """Write control characters as escapes such as `\\x1b`.

    Ids and errors come from recorded runs, so an escape sequence in them would otherwise reach
    the terminal and could clear it, retitle it or hide the lines above.
    """
    # Every control character (C0, DEL and C1) is below U+0100, so two hex digits suffice.
    return "".join(f"\\x{ord(char):02x}" if unicodedata.category(char) == "Cc" else char for char in text)


def _text(value: object) -> str:
    return "?" if value is None else str(value)
