"""The dry_run_patch tool: prove a fix by replay before submitting it."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.agent_tools.edit_language import EDITS_DESCRIPTION, edit_tool_error
from tools.agent_tools.results import finish_result, max_bytes_field
from tools.agent_tools.session import ToolSession
from tools.agent_tools.verification import verify_patch
from tools.patching import EditError, build_patch


class Args(BaseModel):
    """The edits to try."""

    model_config = ConfigDict(extra="forbid")

    edits: list[dict[str, Any]] = Field(min_length=1, max_length=20, description=EDITS_DESCRIPTION)
    max_bytes: int = max_bytes_field(6_000)


def run(session: ToolSession, args: Args) -> dict[str, Any]:
    """Try edits on a copy of the workflow and replay the failed run with it; nothing is changed or sent.

    Returns the JSON Patch the server built and the patch guard's verdict: refused, or allowed
    and whether it is safe to apply unattended, with reasons. It lists validation errors the edits
    introduce. The verification status is passed (the failed node now succeeds), suppressed
    (only because an error is ignored), failed (with the node and error), unverifiable (no
    recorded response to replay), or refused. An edit that names a missing node or a bad path
    returns an error to fix and retry.
    """
    try:
        patch = build_patch(session.definition, args.edits)
    except EditError as error:
        raise edit_tool_error(error) from error

    report = verify_patch(session, patch)
    return finish_result({"patch": patch, **report.to_dict()}, args.max_bytes)
