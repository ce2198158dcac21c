"""The harness's figures on hand-made outcomes whose right answers are known."""

import pytest

from evals.metrics import (
    CaseOutcome,
    ScoredSuggestion,
    brier_score,
    expected_calibration_error,
    reliability_bins,
    summarize,
    summarize_groups,
)


def _suggestion(confidence: float, success: bool, *, verification: str = "passed") -> ScoredSuggestion:
    return ScoredSuggestion(
        confidence=confidence, raw_score=confidence, source="rule:data_mapping", kind="patch",
        verification=verification, success=success, reason="",
    )


def _outcome(case_id: str, *, fixable: bool = True, suggestions=(), **fields) -> CaseOutcome:
    return CaseOutcome(
        case_id=case_id, failure_class=fields.pop("failure_class", "data_mapping"), origin=fields.pop("origin", "injected"),
        base_workflow="order_sync", fixable=fixable, suggestions=list(suggestions), **fields,
    )


def test_ece_perfectly_calibrated_is_zero():
    pairs = [(0.75, True), (0.75, True), (0.75, True), (0.75, False)]

    assert expected_calibration_error(pairs) == 0.0


def test_ece_overconfident_measures_gap():
    pairs = [(0.95, False), (0.95, True)]

    assert expected_calibration_error(pairs) == pytest.approx(0.45)


def test_ece_without_pairs_is_none():
    assert expected_calibration_error([]) is None


def test_brier_known_value():
    assert brier_score([(1.0, True), (0.0, True)]) == 0.5


def test_reliability_bins_put_one_in_top_bin():
    rows = reliability_bins([(1.0, True)])

    assert rows[-1]["count"] == 1
    assert sum(row["count"] for row in rows) == 1


def test_summarize_success_over_fixable_only():
    outcomes = [
        _outcome("a", suggestions=[_suggestion(0.9, True)]),
        _outcome("b", suggestions=[_suggestion(0.9, False), _suggestion(0.5, True)]),
        _outcome("c", fixable=False),
    ]

    figures = summarize(outcomes)

    assert figures["cases"] == 3
    assert figures["top1_success"] == 0.5
    assert figures["top3_success"] == 1.0


def test_summarize_coverage_needs_passed_verification():
    outcomes = [
        _outcome("a", suggestions=[_suggestion(0.4, False, verification="unverifiable")]),
        _outcome("b", suggestions=[_suggestion(0.9, True)]),
    ]

    assert summarize(outcomes)["coverage"] == 0.5


def test_summarize_auto_apply_precision_and_count():
    outcomes = [
        _outcome("a", auto_applied=True, auto_applied_success=True),
        _outcome("b", auto_applied=True, auto_applied_success=False),
        _outcome("c"),
    ]

    figures = summarize(outcomes)

    assert figures["auto_apply_count"] == 2
    assert figures["auto_apply_precision"] == 0.5


def test_summarize_not_applicable_is_none():
    figures = summarize([_outcome("a", suggestions=[_suggestion(0.9, True)])])

    assert figures["auto_apply_precision"] is None
    assert figures["abstention_rate"] is None


def test_abstention_needs_expected_action_on_top():
    outcomes = [
        _outcome("a", fixable=False, expect_action="reconnect_credential", top_action="reconnect_credential"),
        _outcome("b", fixable=False, expect_action="reconnect_credential", top_action=None),
        _outcome("c", fixable=False, auto_applied=True, auto_applied_success=False),
        _outcome("d", fixable=False),
    ]

    assert summarize(outcomes)["abstention_rate"] == 0.5


def test_summarize_latency_percentiles():
    outcomes = [_outcome(str(index), latency_ms=float(index)) for index in range(1, 101)]

    figures = summarize(outcomes)

    assert figures["latency_ms_p50"] == pytest.approx(50.5, abs=0.6)
    assert figures["latency_ms_p95"] == pytest.approx(95.0, abs=1.0)


def test_summarize_groups_by_class():
    outcomes = [_outcome("a", failure_class="timeout"), _outcome("b", failure_class="rate_limit")]

    groups = summarize_groups(outcomes, "failure_class")

    assert list(groups) == ["rate_limit", "timeout"]
    assert groups["timeout"]["cases"] == 1
