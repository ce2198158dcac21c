"""Verify: every proposal, from a diagnoser or the model, passes the same guard, validation and replay."""

from typing import Any

from agent.state import AnalysisState, Proposal
from tools.agent_tools import verify_patch
from tools.patching import EditError, build_patch


def verify(state: AnalysisState) -> dict[str, Any]:
    session = state["session"]
    checked = [verify_proposal(proposal, session) for proposal in state["proposals"]]
    return {"suggestions": checked}


def verify_proposal(proposal: Proposal, session: Any) -> dict[str, Any]:
    """Turn a proposal into a suggestion with its verification: the guard, then validation, then replay.

    A rejected proposal gets the internal status `refused`; `_specificity` and `_stated_confidence`
    are kept for scoring and dropped by `public_suggestion`.
    """
    suggestion = {
        "description": proposal["description"],
        "kind": "action" if proposal.get("action") else "patch",
        "patch": [],
        "action": proposal.get("action"),
        "failure_kind": proposal["failure_kind"],
        "source": proposal["source"],
        "evidence": list(proposal.get("evidence") or []),
        "safe_unattended": False,
        "_specificity": proposal.get("specificity", 0.5),
        "_stated_confidence": proposal.get("stated_confidence"),
    }
    if proposal.get("action"):
        suggestion["verification"] = {
            "status": "not_run",
            "reached_node": None,
            "not_checked": [],
            "detail": "an action is not an edit, so replay cannot check it",
        }
        return suggestion

    try:
        patch = build_patch(session.definition, proposal.get("edits") or [])
    except EditError as error:
        suggestion["verification"] = _refused(f"the edits cannot be applied: {error}")
        return suggestion

    report = verify_patch(session, patch)
    suggestion["patch"] = patch
    if report.status == "refused":
        suggestion["verification"] = _refused(report.detail or "the patch guard rejected the patch")
        suggestion["_guard_reasons"] = list(report.guard.reasons) if report.guard else []
        return suggestion

    suggestion["verification"] = {
        "status": report.status,
        "reached_node": report.reached_node,
        "not_checked": list(report.not_checked),
        "detail": report.detail,
    }
    suggestion["safe_unattended"] = report.safe_unattended
    suggestion["_guard_reasons"] = list(report.guard.reasons) if report.guard else []
    return suggestion


def _refused(detail: str) -> dict[str, Any]:
    # "refused" is internal: finish drops these, so no stored suggestion carries it.
    return {"status": "refused", "reached_node": None, "not_checked": [], "detail": f"rejected: {detail}"}
