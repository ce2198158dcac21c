"""The harness's figures: success within one and three, coverage, auto-apply precision,
abstention, calibration error, Brier score, latency and prompt size, by group.

A figure with no case to measure it on is None ("not applicable"), never zero.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class ScoredSuggestion:
    """One suggestion of one case: what it was worth to the analysis and whether it worked."""

    confidence: float
    raw_score: float
    source: str
    kind: str
    verification: str
    success: bool
    reason: str
    safe_unattended: bool = False
    action_type: str | None = None


@dataclass
class CaseOutcome:
    """The result of one case, with enough detail to compute every figure."""

    case_id: str
    failure_class: str
    origin: str
    base_workflow: str
    fixable: bool
    suggestions: list[ScoredSuggestion] = field(default_factory=list)
    auto_applied: bool = False
    auto_applied_success: bool | None = None
    expect_action: str | None = None
    top_action: str | None = None
    threshold: float = 0.95
    latency_ms: float = 0.0
    prompt_bytes: int = 0
    baseline_prompt_bytes: int = 0
    error: str | None = None

    @property
    def top1_success(self) -> bool:
        return bool(self.suggestions) and self.suggestions[0].success

    @property
    def top3_success(self) -> bool:
        return any(suggestion.success for suggestion in self.suggestions[:3])

    @property
    def covered(self) -> bool:
        return any(suggestion.verification == "passed" for suggestion in self.suggestions)

    @property
    def handled_unfixable(self) -> bool:
        """An unfixable case is handled well with nothing auto-applied and, if named, the expected action on top."""
        if self.auto_applied:
            return False
        return self.expect_action is None or self.top_action == self.expect_action


def summarize(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """Compute every figure over a group of cases."""
    fixable = [outcome for outcome in outcomes if outcome.fixable]
    unfixable = [outcome for outcome in outcomes if not outcome.fixable]
    applied = [outcome for outcome in outcomes if outcome.auto_applied]
    scored = [suggestion for outcome in outcomes for suggestion in outcome.suggestions]
    latencies = [outcome.latency_ms for outcome in outcomes]

    return {
        "cases": len(outcomes),
        "top1_success": _share(fixable, lambda outcome: outcome.top1_success),
        "top3_success": _share(fixable, lambda outcome: outcome.top3_success),
        "coverage": _share(fixable, lambda outcome: outcome.covered),
        "auto_apply_count": len(applied),
        "auto_apply_precision": _share(applied, lambda outcome: bool(outcome.auto_applied_success)),
        "abstention_rate": _share(unfixable, lambda outcome: outcome.handled_unfixable),
        "ece": expected_calibration_error([(item.confidence, item.success) for item in scored]),
        "brier": brier_score([(item.confidence, item.success) for item in scored]),
        "latency_ms_p50": _percentile(latencies, 50),
        "latency_ms_p95": _percentile(latencies, 95),
        "prompt_bytes_median": _median([outcome.prompt_bytes for outcome in outcomes]),
        "baseline_prompt_bytes_median": _median([outcome.baseline_prompt_bytes for outcome in outcomes]),
    }


def summarize_groups(outcomes: Sequence[CaseOutcome], key: str) -> dict[str, dict[str, Any]]:
    """Summarize per value of an outcome attribute, such as failure_class or origin."""
    groups: dict[str, list[CaseOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(getattr(outcome, key), []).append(outcome)
    return {name: summarize(members) for name, members in sorted(groups.items())}


def expected_calibration_error(pairs: Iterable[tuple[float, bool]], bins: int = CALIBRATION_BINS) -> float | None:
    """Weighted gap between confidence and success rate over equal-width bins."""
    pairs = list(pairs)
    if not pairs:
        return None

    total = 0.0
    for members in _bins(pairs, bins):
        if members:
            mean_confidence = statistics.fmean(confidence for confidence, _ in members)
            success_rate = statistics.fmean(1.0 if success else 0.0 for _, success in members)
            total += len(members) / len(pairs) * abs(mean_confidence - success_rate)
    return round(total, 4)


def reliability_bins(pairs: Iterable[tuple[float, bool]], bins: int = CALIBRATION_BINS) -> list[dict[str, Any]]:
    """Per bin: its range, how many suggestions fell in it, their mean confidence and success rate."""
    pairs = list(pairs)
    rows = []
    for index, members in enumerate(_bins(pairs, bins)):
        rows.append(
            {
                "low": index / bins,
                "high": (index + 1) / bins,
                "count": len(members),
                "mean_confidence": statistics.fmean(c for c, _ in members) if members else None,
                "success_rate": statistics.fmean(1.0 if s else 0.0 for _, s in members) if members else None,
            }
        )
    return rows


def brier_score(pairs: Iterable[tuple[float, bool]]) -> float | None:
    pairs = list(pairs)
    if not pairs:
        return None
    return round(statistics.fmean((confidence - (1.0 if success else 0.0)) ** 2 for confidence, success in pairs), 4)


def _bins(pairs: list[tuple[float, bool]], bins: int) -> list[list[tuple[float, bool]]]:
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, success in pairs:
        # A confidence of exactly 1.0 belongs to the top bin, not to an eleventh one.
        grouped[min(int(confidence * bins), bins - 1)].append((confidence, success))
    return grouped


def _share(items: Sequence[CaseOutcome], predicate) -> float | None:
    if not items:
        return None
    return round(sum(1 for item in items if predicate(item)) / len(items), 4)


def _percentile(values: list[float], percent: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 1)


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None
