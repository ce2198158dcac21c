"""Re-score judged outcomes through another calibration map, without running the cases again.

Confidence, ranking and the auto-apply decision all follow from the raw score, the source, the
verification and the guard's verdict, which the outcomes keep.
"""

from dataclasses import replace

from agent.calibration import CalibrationMap
from agent.scoring import confidence
from evals.calibration_fit import Observation
from evals.metrics import CaseOutcome


def recalibrate(outcomes: list[CaseOutcome], calibration: CalibrationMap) -> list[CaseOutcome]:
    return [_recalibrated(outcome, calibration) for outcome in outcomes]


def observations(outcomes: list[CaseOutcome], *, top: int = 3) -> list[Observation]:
    """List what the fit learns from: each case's top three suggestions with their raw scores."""
    return [
        Observation(
            raw_score=suggestion.raw_score, source=suggestion.source, success=suggestion.success,
            base_workflow=outcome.base_workflow,
        )
        for outcome in outcomes
        for suggestion in outcome.suggestions[:top]
    ]


def _recalibrated(outcome: CaseOutcome, calibration: CalibrationMap) -> CaseOutcome:
    rescored = [
        replace(
            suggestion,
            confidence=confidence(
                calibration, raw=suggestion.raw_score, source=suggestion.source,
                verification_status=suggestion.verification,
            ),
        )
        for suggestion in outcome.suggestions
    ]
    rescored.sort(key=lambda suggestion: -suggestion.confidence)

    top = rescored[0] if rescored else None
    applied = bool(
        top
        and top.kind == "patch"
        and top.verification == "passed"
        and top.safe_unattended
        and top.confidence >= outcome.threshold
    )
    return replace(
        outcome,
        suggestions=rescored,
        auto_applied=applied,
        auto_applied_success=top.success if applied and top else None,
        top_action=top.action_type if top else None,
    )
