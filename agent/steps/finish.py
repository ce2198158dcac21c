"""Finish: rank, write the diagnosis and the runbook, and decide whether auto-apply may run."""

from typing import Any

from agent.config import Policy
from agent.state import AnalysisState

MAX_SUGGESTIONS = 3

# Kinds a re-run alone may clear; every other kind needs someone to change something.
_TRANSIENT_KINDS = frozenset({"rate_limit", "timeout", "transient_upstream"})


def finish(state: AnalysisState) -> dict[str, Any]:
    offered = [suggestion for suggestion in state["suggestions"] if suggestion["verification"]["status"] != "refused"]
    ranked = _rank(_deduplicate(offered))[:MAX_SUGGESTIONS]
    suggestions = [public_suggestion(suggestion) for suggestion in ranked]

    failure_kind = suggestions[0]["failure_kind"] if suggestions else "other"
    diagnosis = write_diagnosis(state, suggestions)
    return {
        "suggestions": suggestions,
        "failure_kind": failure_kind,
        "diagnosis": diagnosis,
        "auto_apply": auto_apply_decision(state["policy"], suggestions),
        "runbook": write_runbook(state, suggestions, failure_kind, diagnosis),
        "rejected_count": len(state["suggestions"]) - len(offered),
    }


def auto_apply_decision(policy: Policy, suggestions: list[dict[str, Any]]) -> dict[str, Any]:
    """Say whether the top suggestion qualifies for auto-apply, and which rule stopped it if not."""
    if not suggestions:
        return {"eligible": False, "reason": "no suggestion to apply"}
    top = suggestions[0]
    threshold = policy.ai_auto_fix_confidence_threshold

    checks = [
        (policy.ai_auto_fix_enabled, "the workspace policy has auto-fix disabled"),
        (top["kind"] == "patch", "the top suggestion is an action, not a patch"),
        (top["verification"]["status"] == "passed", f"its verification is {top['verification']['status']}, not passed"),
        (top["confidence"] >= threshold, f"its confidence {top['confidence']:.2f} is below the threshold {threshold:.2f}"),
        (top["safe_unattended"], "it is not safe to apply unattended"),
    ]
    for passed, reason in checks:
        if not passed:
            return {"eligible": False, "reason": reason, "suggestion_index": 0}
    return {"eligible": True, "reason": "policy on, verified, confident and safe unattended", "suggestion_index": 0}


def write_diagnosis(state: AnalysisState, suggestions: list[dict[str, Any]]) -> str:
    context = state["context"]
    node = context.failed_node_id or "an unknown node"
    node_type = (context.failed_node or {}).get("type", "unknown type")
    error = (context.reproduction.error or {}).get("message") or _recorded_error(context)

    lines = [f"Node {node} ({node_type}) failed: {error}"]
    if context.reproduction.status in {"failed", "unverifiable"}:
        lines.append(f"Replay reproduces the failure ({context.reproduction.status}).")
    if state.get("model_diagnosis"):
        lines.append(f"Model's reading: {state['model_diagnosis']}")
    if suggestions:
        top = suggestions[0]
        lines.append(f"Likely cause ({top['failure_kind']}): {top['description']}")
        lines.extend(f"Evidence: {item}" for item in top["evidence"][:4])
    else:
        lines.append("No known failure pattern fits this error, so no fix is suggested rather than a guess.")
    if not state["config"].model_enabled:
        lines.append("The deterministic diagnosers alone produced this analysis; no model is configured.")
    return "\n".join(lines)


def write_runbook(
    state: AnalysisState, suggestions: list[dict[str, Any]], failure_kind: str, diagnosis: str
) -> dict[str, Any]:
    context = state["context"]
    steps = [f"Check the failed node {context.failed_node_id}: {diagnosis.splitlines()[0]}"]
    for suggestion in suggestions:
        verified = suggestion["verification"]["status"]
        steps.append(f"{suggestion['description']} (confidence {suggestion['confidence']:.2f}, verification {verified})")
    steps.append(f"Re-run execution {context.bundle.execution.execution_id} and confirm it completes.")

    node_type = (context.failed_node or {}).get("type")
    tags = [failure_kind, *([node_type] if node_type else [])]
    if suggestions and suggestions[0]["verification"]["status"] == "passed":
        tags.append("verified_fix")
    return {
        "severity": _severity(failure_kind, suggestions),
        "summary": diagnosis.splitlines()[0],
        "steps": steps,
        "tags": tags,
    }


def _severity(failure_kind: str, suggestions: list[dict[str, Any]]) -> str:
    if failure_kind == "auth_expired" or not suggestions:
        return "high"
    if failure_kind in _TRANSIENT_KINDS:
        return "medium"
    return "high" if suggestions[0]["verification"]["status"] != "passed" else "medium"


def _deduplicate(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the best-scored copy when the model and a diagnoser propose the same change."""
    best: dict[str, dict[str, Any]] = {}
    for suggestion in suggestions:
        key = repr(suggestion["patch"]) if suggestion["kind"] == "patch" else repr(suggestion["action"])
        if key not in best or suggestion["confidence"] > best[key]["confidence"]:
            best[key] = suggestion
    return list(best.values())


def _rank(suggestions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Stable sort: ties keep the order proposals arrived in.
    return sorted(suggestions, key=lambda suggestion: -suggestion["confidence"])


def public_suggestion(suggestion: dict[str, Any]) -> dict[str, Any]:
    """Keep the stored suggestion fields, dropping the internal ones scoring read."""
    keys = (
        "description", "confidence", "raw_score", "kind", "patch", "action", "failure_kind",
        "source", "verification", "safe_unattended", "evidence",
    )
    return {key: suggestion[key] for key in keys}


def _recorded_error(context: Any) -> str:
    error = context.bundle.execution.error
    return error.message if error else "no error message was recorded"
