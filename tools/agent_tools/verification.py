"""Verification of one candidate patch: guard, apply, validate, replay.

Rule and model suggestions, and the dry_run_patch tool, all go through `verify_patch`, so a patch
is judged the same way by whichever diagnoser or model proposed it.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.agent_tools.session import ToolSession
from tools.catalog import Issue, validate_definition
from tools.patching import GuardVerdict, PatchError, apply_patch, check_patch
from tools.replay import ReplayResult, replay

VerificationStatus = Literal["passed", "suppressed", "failed", "unverifiable", "refused"]

_MAX_REASONS_IN_DETAIL = 3


@dataclass
class VerificationReport:
    """The verdict on one patch.

    `status` is replay's outcome (passed, suppressed, failed, unverifiable), or `refused` when the
    guard rejected the patch, the patch does not apply, or the patched workflow has validation
    errors the original did not have (listed in `validation`). `guard` is None only when the
    guard never ran. `safe_unattended` is True only when the guard allows the patch unattended
    and replay passed. `definition` is the patched definition, or None when the patch did not apply.
    """

    status: VerificationStatus
    guard: GuardVerdict | None
    validation: list[dict[str, Any]] = field(default_factory=list)
    reached_node: str | None = None
    not_checked: list[str] = field(default_factory=list)
    detail: str | None = None
    definition: dict[str, Any] | None = None
    replay: ReplayResult | None = None

    @property
    def safe_unattended(self) -> bool:
        return self.guard is not None and self.guard.safe_unattended and self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        """Serialize the verdict as JSON-ready data: the guard, new validation errors and replay's outcome."""
        return {
            "safe_unattended": self.safe_unattended,
            "guard": self.guard.to_dict() if self.guard is not None else None,
            "validation": list(self.validation),
            "verification": {
                "status": self.status,
                "reached_node": self.reached_node,
                "not_checked": list(self.not_checked),
                "detail": self.detail,
            },
        }


def verify_patch(session: ToolSession, patch: list[dict[str, Any]]) -> VerificationReport:
    """Check a patch against the failed run: guard it, apply it, validate the result, then replay it.

    Each step runs only when the one before it let the patch through; the first that stops it
    gives a `refused` report saying why.
    """
    verdict = check_patch(session.definition, patch, recorded_runs=session.recorded_runs)
    if not verdict.allowed:
        return VerificationReport("refused", verdict, detail=f"the patch guard rejected the patch: {_reasons(verdict)}")

    try:
        patched = apply_patch(session.definition, patch)
    except PatchError as error:
        return VerificationReport("refused", verdict, detail=f"the patch does not apply to the workflow: {error}")

    new_errors = new_validation_errors(session.baseline_issues, validate_definition(patched))
    if new_errors:
        detail = f"the patched workflow has {len(new_errors)} new validation error(s): {new_errors[0]['message']}"
        return VerificationReport("refused", verdict, validation=new_errors, detail=detail, definition=patched)

    try:
        result = replay(session.recording, patched)
    except ValueError as error:
        return VerificationReport(
            "refused", verdict, detail=f"replay cannot run the patched workflow: {error}", definition=patched
        )
    return _replayed(verdict, patched, result)


def new_validation_errors(before: tuple[Issue, ...] | list[Issue], after: list[Issue]) -> list[dict[str, Any]]:
    """List the errors in `after` that `before` did not have, counting repeated errors one by one."""
    remaining = Counter(_issue_key(issue) for issue in before if issue.severity == "error")
    added = []
    for issue in after:
        if issue.severity != "error":
            continue
        key = _issue_key(issue)
        if remaining[key] > 0:
            remaining[key] -= 1
            continue
        added.append({"pointer": issue.pointer, "code": issue.code, "message": issue.message})
    return added


def _issue_key(issue: Issue) -> tuple[str, str, str]:
    return issue.pointer, str(issue.code), issue.message


def _replayed(verdict: GuardVerdict, patched: dict[str, Any], result: ReplayResult) -> VerificationReport:
    return VerificationReport(
        status=result.status,
        guard=verdict,
        reached_node=result.reached_node,
        not_checked=list(result.not_checked),
        detail=describe_replay(result),
        definition=patched,
        replay=result,
    )


def describe_replay(result: ReplayResult) -> str:
    """Say in one sentence what replay of a patched workflow showed."""
    failed_node = result.recorded_failed_node or "the failed node"
    if result.status == "passed":
        text = f"{failed_node} now succeeds in replay"
        if result.not_checked:
            text += f"; not checked for want of a recorded response: {', '.join(result.not_checked)}"
        return text
    if result.status == "suppressed":
        return f"the run gets past {failed_node} only because errors are ignored at {', '.join(result.suppressed_by)}"
    if result.status == "unverifiable":
        return f"{failed_node} could not run in replay: no recorded response for its request"
    message = (result.error or {}).get("message", "no message")
    return f"{result.failed_node or failed_node} still fails in replay: {message}"


def _reasons(verdict: GuardVerdict) -> str:
    listed = verdict.reasons[:_MAX_REASONS_IN_DETAIL]
    more = len(verdict.reasons) - len(listed)
    return "; ".join(listed) + (f" (and {more} more)" if more > 0 else "")
