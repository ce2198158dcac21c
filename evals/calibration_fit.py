"""Fit the calibration map from raw evidence scores to confidence, one map per source group.

Isotonic regression (scikit-learn) keeps the map monotone: a stronger score never lowers
confidence. The corpus is split by base workflow, so variants of one workflow never sit on both
the fitting and the held-out side.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sklearn.isotonic import IsotonicRegression

from agent.calibration import SOURCE_GROUPS, CalibrationMap, PiecewiseMap, load_calibration

# Fewer points than this for a group and its prior map is kept: a fit on a handful of cases
# would be noise presented as calibration.
MIN_POINTS_PER_GROUP = 20

MAX_CONFIDENCE = 0.99


@dataclass(frozen=True)
class Observation:
    """One suggestion's raw score and source, and whether applying it made the run succeed."""

    raw_score: float
    source: str
    success: bool
    base_workflow: str = ""

    @property
    def group(self) -> str:
        return "rule" if self.source.startswith("rule:") else self.source


def split_by_base_workflow(observations: Sequence[Observation]) -> tuple[list[Observation], list[Observation]]:
    """Split into a fitting half and a held-out half by a stable hash of the base workflow's name."""
    fitting, held_out = [], []
    for observation in observations:
        digest = hashlib.sha256(observation.base_workflow.encode("utf-8")).digest()
        (fitting if digest[0] % 2 == 0 else held_out).append(observation)
    return fitting, held_out


def fit_map(observations: Sequence[Observation], prior: CalibrationMap) -> tuple[CalibrationMap, dict[str, str]]:
    """Fit one isotonic map per source group with enough points; keep the prior's map for the rest."""
    maps = dict(prior.maps)
    methods: dict[str, str] = {}
    for group in SOURCE_GROUPS:
        points = [observation for observation in observations if observation.group == group]
        if len(points) < MIN_POINTS_PER_GROUP or len({point.success for point in points}) < 2:
            methods[group] = f"prior kept ({len(points)} points, both outcomes needed, at least {MIN_POINTS_PER_GROUP})"
            continue
        maps[group] = _isotonic(points)
        methods[group] = f"isotonic on {len(points)} points"

    fitted = CalibrationMap(method="isotonic", fitted_at=datetime.now(UTC).isoformat(), corpus=None, maps=maps)
    return fitted, methods


def write_map(calibration: CalibrationMap, path: Path, *, corpus: str, methods: dict[str, str]) -> None:
    """Write the map file the agent loads at start."""
    document = {
        "method": calibration.method,
        "fitted_at": calibration.fitted_at,
        "corpus": corpus,
        "note": "; ".join(f"{group}: {method}" for group, method in methods.items()),
        "maps": {group: {"x": list(mapping.x), "y": list(mapping.y)} for group, mapping in calibration.maps.items()},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    load_calibration.cache_clear()


def read_outcomes(path: Path) -> list[Observation]:
    """Read fix outcomes the service exports: JSON lines or a JSON list of {raw_score, source, success}."""
    text = path.read_text(encoding="utf-8").strip()
    records: Iterable[Any] = json.loads(text) if text.startswith("[") else (json.loads(line) for line in text.splitlines() if line.strip())

    observations = []
    for index, record in enumerate(records):
        try:
            observations.append(
                Observation(
                    raw_score=float(record["raw_score"]),
                    source=str(record["source"]),
                    success=bool(record["success"]),
                    base_workflow=str(record.get("workflow_id", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path}: record {index}: expected raw_score, source and success ({error})") from error
    return observations


def _isotonic(points: Sequence[Observation]) -> PiecewiseMap:
    regression = IsotonicRegression(y_min=0.0, y_max=MAX_CONFIDENCE, out_of_bounds="clip", increasing=True)
    regression.fit([point.raw_score for point in points], [1.0 if point.success else 0.0 for point in points])

    # scikit-learn's thresholds are unique and ascending; one threshold means every score was equal.
    x = [float(value) for value in regression.X_thresholds_]
    y = [float(value) for value in regression.y_thresholds_]
    if len(x) == 1:
        x, y = [0.0, max(x[0], 1e-6)], [0.0, y[0]]
    elif x[0] > 0.0:
        # Below the lowest score seen, isotonic regression would repeat the first level; a score
        # weaker than any evidence the fit saw earns no such trust, so the map falls to 0 at 0.
        x, y = [0.0, *x], [0.0, *y]
    return PiecewiseMap(x=tuple(x), y=tuple(y))
