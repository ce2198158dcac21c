"""Run the analysis over eval cases and judge each suggestion with the oracle.

Each suggestion is applied to the failed run's workflow and run from the trigger against the
case's world; it succeeds only if the run completes and every `accept` assertion holds. An
action succeeds when it is the action the case expects.
"""

from collections.abc import Callable, Sequence
from dataclasses import replace

import structlog

from agent.analysis import analyze
from agent.config import AgentConfig, Policy
from agent.context import gather_context
from evals.baseline import analysis_prompt_bytes, baseline_prompt_bytes
from evals.cases import LoadedCase
from evals.metrics import CaseOutcome, ScoredSuggestion
from evals.oracle import check_fix
from tools.patching import PatchError, apply_patch

log = structlog.stdlib.get_logger(__name__)

# The policy the harness judges auto-apply against when a case names none.
DEFAULT_THRESHOLD = 0.95


def run_cases(
    cases: Sequence[LoadedCase], *, config: AgentConfig, on_case: Callable[[CaseOutcome], None] | None = None
) -> list[CaseOutcome]:
    """Analyse and judge every case; a case whose analysis raises is recorded as failed, not skipped."""
    outcomes = []
    for loaded in cases:
        outcome = run_case(loaded, config=config)
        outcomes.append(outcome)
        if on_case is not None:
            on_case(outcome)
    return outcomes


def run_case(loaded: LoadedCase, *, config: AgentConfig) -> CaseOutcome:
    case = loaded.case
    outcome = CaseOutcome(
        case_id=loaded.case_id,
        failure_class=case.kind,
        origin=case.origin,
        base_workflow=case.base_workflow,
        fixable=case.fixable,
        expect_action=case.expect_action,
        threshold=case_policy(loaded).ai_auto_fix_confidence_threshold,
    )
    try:
        result = analyze(loaded.prepared.raw, config=config, policy=case_policy(loaded))
    except Exception as error:  # noqa: BLE001 - one broken case must not stop the run; it counts as failed
        log.error("case analysis failed", case=loaded.case_id, error=f"{type(error).__name__}: {error}")
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome

    outcome.suggestions = [judge(loaded, suggestion) for suggestion in result.suggestions]
    outcome.latency_ms = result.latency_ms
    outcome.top_action = outcome.suggestions[0].action_type if outcome.suggestions else None
    outcome.auto_applied = bool(result.auto_apply.get("eligible"))
    outcome.auto_applied_success = outcome.suggestions[0].success if outcome.auto_applied else None
    _measure_prompts(loaded, outcome)
    return outcome


def judge(loaded: LoadedCase, suggestion: dict) -> ScoredSuggestion:
    """Decide whether one suggestion fixes the case."""
    scored = ScoredSuggestion(
        confidence=suggestion["confidence"],
        raw_score=suggestion["raw_score"],
        source=suggestion["source"],
        kind=suggestion["kind"],
        verification=suggestion["verification"]["status"],
        success=False,
        reason="",
        safe_unattended=suggestion["safe_unattended"],
        action_type=(suggestion.get("action") or {}).get("type"),
    )
    if suggestion["kind"] == "action":
        expected = loaded.case.expect_action
        matches = suggestion["action"]["type"] == expected
        reason = f"action {suggestion['action']['type']}, the case expects {expected or 'a patch'}"
        return replace(scored, success=matches, reason=reason)

    try:
        fixed = apply_patch(loaded.prepared.raw["workflow"]["definition"], suggestion["patch"])
    except PatchError as error:
        return replace(scored, reason=f"the patch does not apply: {error}")
    verdict = check_fix(loaded, fixed)
    return replace(scored, success=verdict.success, reason=verdict.reason)


def case_policy(loaded: LoadedCase) -> Policy:
    """Auto-apply is judged as if the workspace allowed it, at the case's threshold or the default."""
    stated = loaded.prepared.model.workspace.policy
    threshold = stated.ai_auto_fix_confidence_threshold if stated else DEFAULT_THRESHOLD
    return Policy(ai_auto_fix_enabled=True, ai_auto_fix_confidence_threshold=threshold)


def _measure_prompts(loaded: LoadedCase, outcome: CaseOutcome) -> None:
    context = gather_context(loaded.prepared.raw)
    outcome.prompt_bytes = analysis_prompt_bytes(context)
    outcome.baseline_prompt_bytes = baseline_prompt_bytes(context)
