"""Write the harness's report: report.json, report.md and reliability.png."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.metrics import CaseOutcome, reliability_bins, summarize, summarize_groups
from evals.reliability import draw_reliability

FIGURE_ORDER = (
    "cases", "top1_success", "top3_success", "coverage", "auto_apply_count", "auto_apply_precision",
    "abstention_rate", "ece", "brier", "latency_ms_p50", "latency_ms_p95", "prompt_bytes_median",
    "baseline_prompt_bytes_median",
)


def build_summary(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    """Build the summary `autofix eval --json` prints: overall, per class and per origin."""
    return {
        "overall": summarize(outcomes),
        "per_class": summarize_groups(outcomes, "failure_class"),
        "per_origin": summarize_groups(outcomes, "origin"),
    }


def write_report(
    outcomes: list[CaseOutcome], out: Path, *, summary: dict[str, Any], run: dict[str, Any]
) -> dict[str, Path]:
    """Write the three report files to `out` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "markdown": out / "report.md", "diagram": out / "reliability.png"}
    pairs = [(item.confidence, item.success) for outcome in outcomes for item in outcome.suggestions]

    document = {
        "run": run,
        "summary": summary,
        "reliability": reliability_bins(pairs),
        "cases": [asdict(outcome) for outcome in outcomes],
    }
    paths["json"].write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    paths["markdown"].write_text(_markdown(summary, run, outcomes), encoding="utf-8")
    draw_reliability(pairs, paths["diagram"], title=f"Reliability ({run.get('strategy', 'rules')}, {len(pairs)} suggestions)")
    return paths


def _markdown(summary: dict[str, Any], run: dict[str, Any], outcomes: list[CaseOutcome]) -> str:
    lines = ["# Auto-Fix eval report", ""]
    lines += [f"- {key}: {value}" for key, value in run.items() if not isinstance(value, dict)]
    lines += ["", "## Overall", "", *_table({"overall": summary["overall"]}), ""]
    lines += ["## Per class", "", *_table(summary["per_class"]), ""]
    lines += ["## Per origin", "", *_table(summary["per_origin"]), ""]
    if "calibration" in run:
        lines += ["## Calibration", ""]
        lines += [f"- {key}: {value}" for key, value in run["calibration"].items()]
        lines.append("")

    failures = [outcome for outcome in outcomes if outcome.fixable and not outcome.top1_success]
    if failures:
        lines += ["## Fixable cases whose top suggestion did not succeed", ""]
        for outcome in failures:
            reason = outcome.error or (outcome.suggestions[0].reason if outcome.suggestions else "no suggestion")
            lines.append(f"- `{outcome.case_id}` ({outcome.failure_class}): {reason}")
        lines.append("")
    return "\n".join(lines)


def _table(groups: dict[str, dict[str, Any]]) -> list[str]:
    header = "| group | " + " | ".join(FIGURE_ORDER) + " |"
    rule = "|---" * (len(FIGURE_ORDER) + 1) + "|"
    rows = [f"| {name} | " + " | ".join(_cell(figures.get(key)) for key in FIGURE_ORDER) + " |" for name, figures in groups.items()]
    return [header, rule, *rows]


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)
