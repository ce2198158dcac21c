"""The eval runner on the sample cases: analysis, judging by the oracle, report files and the CLI."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.config import AgentConfig
from evals.cases import load_cases
from evals.report import build_summary, write_report
from evals.runner import run_cases
from service.cli import app

SAMPLE_CASES = Path(__file__).resolve().parents[2] / "evals" / "corpus" / "samples"


@pytest.fixture(scope="module")
def sample_outcomes():
    return {outcome.case_id: outcome for outcome in run_cases(load_cases(SAMPLE_CASES), config=AgentConfig())}


def _outcome(outcomes, fragment: str):
    return next(outcome for case_id, outcome in outcomes.items() if fragment in case_id)


def test_runner_judges_replayable_fix_successful(sample_outcomes):
    outcome = _outcome(sample_outcomes, "incident_alert")

    assert outcome.top1_success
    assert outcome.suggestions[0].reason.startswith("the run completed")


def test_runner_judges_expected_action(sample_outcomes):
    outcome = _outcome(sample_outcomes, "stripe_dunning")

    assert outcome.top_action == "reconnect_credential"
    assert not outcome.fixable
    assert not outcome.auto_applied
    assert outcome.handled_unfixable


def test_runner_measures_prompt_sizes(sample_outcomes):
    for outcome in sample_outcomes.values():
        assert 0 < outcome.prompt_bytes
        assert 0 < outcome.baseline_prompt_bytes


def test_report_files_written(sample_outcomes, tmp_path):
    outcomes = list(sample_outcomes.values())
    summary = build_summary(outcomes)

    paths = write_report(outcomes, tmp_path, summary=summary, run={"strategy": "rules"})

    assert json.loads(paths["json"].read_text())["summary"]["overall"]["cases"] == len(outcomes)
    assert "## Per class" in paths["markdown"].read_text()
    assert paths["diagram"].read_bytes().startswith(b"\x89PNG")


def test_eval_cli_prints_summary_json(tmp_path):
    environment = {"AUTOFIX_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    result = CliRunner().invoke(
        app, ["eval", "--corpus", str(SAMPLE_CASES), "--out", str(tmp_path / "out"), "--json"], env=environment
    )

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {"overall", "per_class", "per_origin"}
    expected = {"cases", "top1_success", "top3_success", "coverage", "auto_apply_count", "auto_apply_precision",
                "abstention_rate", "ece", "brier", "latency_ms_p50", "latency_ms_p95", "prompt_bytes_median",
                "baseline_prompt_bytes_median"}
    assert set(summary["overall"]) == expected
    assert (tmp_path / "out" / "reliability.png").exists()


def test_eval_cli_rejects_malformed_case(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.json").write_text(json.dumps({"class": "timeout"}))

    result = CliRunner().invoke(app, ["eval", "--corpus", str(corpus)], env={"AUTOFIX_DATABASE_URL": "sqlite+aiosqlite:///x.db"})

    assert result.exit_code == 2
    assert "broken.json" in result.stderr
