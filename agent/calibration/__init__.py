"""The calibration map from raw evidence scores to confidence, as written by the eval harness."""

import json
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SOURCE_GROUPS = ("rule", "model", "chat")


class CalibrationError(ValueError):
    pass


@dataclass(frozen=True)
class PiecewiseMap:
    """A monotone piecewise-linear map on [0, 1], as isotonic and Platt fits are stored."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, value: float) -> float:
        if value <= self.x[0]:
            return self.y[0]
        if value >= self.x[-1]:
            return self.y[-1]

        right = bisect_right(self.x, value)
        x0, x1 = self.x[right - 1], self.x[right]
        y0, y1 = self.y[right - 1], self.y[right]
        return y0 + (y1 - y0) * (value - x0) / (x1 - x0)


@dataclass(frozen=True)
class CalibrationMap:
    method: str
    fitted_at: str | None
    corpus: str | None
    maps: dict[str, PiecewiseMap]

    def confidence(self, raw_score: float, source: str) -> float:
        """Map a raw score through the map of the suggestion's source group (rule:*, model, chat)."""
        group = "rule" if source.startswith("rule:") else source
        mapping = self.maps.get(group) or self.maps["model"]
        return mapping(raw_score)


@cache
def load_calibration(path: Path) -> CalibrationMap:
    """Read and check a calibration map file; a broken file is an error at start, not a silent default."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CalibrationError(f"cannot read calibration map {path}: {error}") from error

    maps = document.get("maps")
    if not isinstance(maps, dict) or "model" not in maps:
        raise CalibrationError(f"{path}: expected an object 'maps' with at least a 'model' entry")

    return CalibrationMap(
        method=str(document.get("method", "unknown")),
        fitted_at=document.get("fitted_at"),
        corpus=document.get("corpus"),
        maps={group: _piecewise(path, group, points) for group, points in maps.items()},
    )


def _piecewise(path: Path, group: str, points: Any) -> PiecewiseMap:
    x = points.get("x") if isinstance(points, dict) else None
    y = points.get("y") if isinstance(points, dict) else None
    where = f"{path}: maps.{group}"

    if not isinstance(x, list) or not isinstance(y, list) or len(x) != len(y) or len(x) < 2:
        raise CalibrationError(f"{where}: expected lists x and y of the same length, at least 2 points")
    if any(not 0 <= value <= 1 for value in [*x, *y]):
        raise CalibrationError(f"{where}: every point must lie in [0, 1]")
    if any(later <= earlier for earlier, later in zip(x, x[1:])):
        raise CalibrationError(f"{where}: x must increase strictly")
    if any(later < earlier for earlier, later in zip(y, y[1:])):
        raise CalibrationError(f"{where}: y must not decrease, so a stronger score never lowers confidence")

    return PiecewiseMap(x=tuple(float(value) for value in x), y=tuple(float(value) for value in y))
