"""Confidence from evidence: a raw score, then the calibration map, then the hard caps."""

from agent.calibration import CalibrationMap

# No suggestion is certain.
MAX_CONFIDENCE = 0.99

# A suggestion whose replay did not get past the failure is at best a coin toss.
MAX_CONFIDENCE_UNPROVEN = 0.5

# How much each verification outcome is worth before the evidence's own strength is counted.
_STATUS_BASE = {
    "passed": 0.98,
    "unverifiable": 0.45,
    "not_run": 0.6,
    "suppressed": 0.15,
    "failed": 0.05,
    "refused": 0.0,
}

# A pass that left nodes unchecked for want of a fixture proves less.
_PASSED_WITH_UNCHECKED = 0.85

_UNPROVEN = {"failed", "suppressed", "refused"}

# When a model does not state its confidence, its evidence counts as middling.
_DEFAULT_STATED_CONFIDENCE = 0.5


def raw_score(
    *, verification_status: str, not_checked: int, source: str, specificity: float, stated_confidence: float | None
) -> float:
    """Score the evidence for a suggestion in [0, 1]; the model's own confidence is one input, never the answer."""
    base = _STATUS_BASE.get(verification_status, 0.0)
    if verification_status == "passed" and not_checked:
        base = _PASSED_WITH_UNCHECKED

    if source.startswith("rule:"):
        evidence = specificity
    else:
        stated = _DEFAULT_STATED_CONFIDENCE if stated_confidence is None else stated_confidence
        evidence = (min(stated, 1.0) + specificity) / 2

    return round(max(0.0, min(1.0, base * (0.7 + 0.3 * evidence))), 4)


def confidence(calibration: CalibrationMap, *, raw: float, source: str, verification_status: str) -> float:
    """Map a raw score to a calibrated confidence and apply the caps."""
    value = calibration.confidence(raw, source)
    if verification_status in _UNPROVEN:
        value = min(value, MAX_CONFIDENCE_UNPROVEN)
    return round(min(value, MAX_CONFIDENCE), 2)
