"""Score: a raw evidence score per suggestion, mapped through the calibration map."""

from typing import Any

from agent.calibration import CalibrationMap, load_calibration
from agent.scoring import confidence, raw_score
from agent.state import AnalysisState


def score(state: AnalysisState) -> dict[str, Any]:
    calibration = load_calibration(state["config"].calibration_path)
    return {"suggestions": [score_suggestion(suggestion, calibration) for suggestion in state["suggestions"]]}


def score_suggestion(suggestion: dict[str, Any], calibration: CalibrationMap) -> dict[str, Any]:
    """Return a verified suggestion with its raw evidence score and calibrated confidence added."""
    verification = suggestion["verification"]
    raw = raw_score(
        verification_status=verification["status"],
        not_checked=len(verification["not_checked"]),
        source=suggestion["source"],
        specificity=suggestion["_specificity"],
        stated_confidence=suggestion["_stated_confidence"],
    )
    value = confidence(calibration, raw=raw, source=suggestion["source"], verification_status=verification["status"])
    return {**suggestion, "raw_score": raw, "confidence": value}
