"""The tools the analysis model calls, as plain functions over one failed run.

`open_session` builds a ToolSession once per analysis. Each tool is a module named as the tool,
with a pydantic `Args` model the model reads and `run(session, args) -> dict`, whose result is
compact, JSON-ready, redacted and flagged `"truncated"` when it was cut. `run_tool` validates a
call's arguments, runs it, and turns a ToolError into `{"error": ...}`. `verify_patch` is the
guard, validation and replay that every suggestion passes, from a diagnoser or the model.
"""

from tools.agent_tools.errors import ToolError
from tools.agent_tools.registry import TOOL_SPECS, run_tool
from tools.agent_tools.session import ToolSession, open_session
from tools.agent_tools.verification import VerificationReport, verify_patch

__all__ = [
    "TOOL_SPECS",
    "ToolError",
    "ToolSession",
    "VerificationReport",
    "open_session",
    "run_tool",
    "verify_patch",
]
