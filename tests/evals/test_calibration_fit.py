"""Fitting the calibration map: monotone, capped, split by base workflow, prior kept when data are thin."""

import json

import pytest

from agent.calibration import load_calibration
from agent.config import DEFAULT_CALIBRATION_PATH
from evals.calibration_fit import (
    MIN_POINTS_PER_GROUP,
    Observation,
    fit_map,
    read_outcomes,
    split_by_base_workflow,
    write_map,
)

PRIOR = load_calibration(DEFAULT_CALIBRATION_PATH)


def _observations(count: int, source: str = "rule:data_mapping") -> list[Observation]:
    # Scores above 0.6 succeed, below fail: the fitted map must rise across 0.6.
    return [
        Observation(raw_score=index / count, source=source, success=index / count > 0.6, base_workflow=f"wf{index % 7}")
        for index in range(count)
    ]


def test_fit_map_rule_group_is_monotone_and_capped():
    fitted, methods = fit_map(_observations(60), PRIOR)

    rule = fitted.maps["rule"]
    values = [rule(score / 100) for score in range(101)]
    assert all(later >= earlier for earlier, later in zip(values, values[1:]))
    assert max(values) <= 0.99
    assert rule(0.2) < 0.1
    assert rule(0.9) > 0.9
    assert methods["rule"] == "isotonic on 60 points"


def test_fit_map_keeps_prior_when_points_are_few():
    fitted, methods = fit_map(_observations(MIN_POINTS_PER_GROUP - 1, source="model"), PRIOR)

    assert fitted.maps["model"] == PRIOR.maps["model"]
    assert methods["model"].startswith("prior kept")


def test_fit_map_keeps_prior_with_one_outcome_only():
    observations = [Observation(raw_score=0.5, source="model", success=True) for _ in range(40)]

    fitted, _ = fit_map(observations, PRIOR)

    assert fitted.maps["model"] == PRIOR.maps["model"]


def test_split_by_base_workflow_never_shares_a_workflow():
    fitting, held_out = split_by_base_workflow(_observations(70))

    assert fitting
    assert held_out
    assert not {item.base_workflow for item in fitting} & {item.base_workflow for item in held_out}


def test_write_map_is_loadable(tmp_path):
    fitted, methods = fit_map(_observations(60), PRIOR)
    path = tmp_path / "map.json"

    write_map(fitted, path, corpus="evals/corpus", methods=methods)

    loaded = load_calibration(path)
    assert loaded.method == "isotonic"
    assert loaded.corpus == "evals/corpus"
    assert loaded.confidence(0.9, "rule:timeout") == pytest.approx(fitted.maps["rule"](0.9))


@pytest.mark.parametrize("text", ['[{"raw_score": 0.8, "source": "model", "success": true}]',
                                  '{"raw_score": 0.8, "source": "model", "success": true}\n'])
def test_read_outcomes_takes_list_or_lines(tmp_path, text):
    path = tmp_path / "outcomes.json"
    path.write_text(text)

    assert read_outcomes(path) == [Observation(raw_score=0.8, source="model", success=True)]


def test_read_outcomes_names_bad_record(tmp_path):
    path = tmp_path / "outcomes.json"
    path.write_text(json.dumps([{"raw_score": 0.8}]))

    with pytest.raises(ValueError, match="record 0: expected raw_score, source and success"):
        read_outcomes(path)


def test_fit_map_falls_to_zero_below_observed_scores():
    observations = [
        Observation(raw_score=0.5 + index / 100, source="rule:timeout", success=index % 3 != 1, base_workflow="wf")
        for index in range(40)
    ]

    fitted, _ = fit_map(observations, PRIOR)

    assert fitted.maps["rule"](0.0) == 0.0
    assert fitted.maps["rule"](0.25) < fitted.maps["rule"](0.5)
