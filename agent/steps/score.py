"""Score: a raw evidence score per suggestion, mapped through the calibration map."""

from typing import Any

from agent.calibration import load_calibration
from agent.scoring import confidence, raw_score
from agent.state import AnalysisState


def score(state: AnalysisState) -> dict[str, Any]:
    calibration = load_calibration(state["config"].calibration_path)
    scored = []
    for suggestion in state["suggestions"]:
        verification = suggestion["verification"]
        raw = raw_score(
            verification_status=verification["status"],
            not_checked=len(verification["not_checked"]),
            source=suggestion["source"],
            specificity=suggestion["_specificity"],
            stated_confidence=suggestion["_stated_confidence"],
        )
        value = confidence(calibration, raw=raw, source=suggestion["source"], verification_status=verification["status"])
        scored.append({**suggestion, "raw_score": raw, "confidence": value})
    return {"suggestions": scored}
