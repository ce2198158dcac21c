"""`autofix eval`: run the analysis over the eval corpus, judge it, and optionally refit calibration."""

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from agent.calibration import CalibrationMap, load_calibration
from agent.config import PRIOR_CALIBRATION_PATH
from agent.scoring import confidence
from evals.calibration_fit import Observation, fit_map, read_outcomes, split_by_base_workflow, write_map
from evals.cases import CaseError, load_cases
from evals.metrics import brier_score, expected_calibration_error
from evals.recalibrate import observations, recalibrate
from evals.report import FIGURE_ORDER, build_summary, write_report
from evals.runner import run_cases
from service.cli.errors import INVALID_INPUT, fail
from service.settings import Settings

HELP = (
    "Run the analysis over eval cases and report how well its fixes and confidence hold up.\n\n"
    "Every *.json case under --corpus is analysed; each suggestion is applied and the workflow is "
    "run from its trigger against the case's world; it succeeds only if the run completes and every "
    "accept assertion holds. Writes report.json, report.md and reliability.png to --out. With --fit, "
    "fits the calibration map on one half of the corpus (split by base workflow), reports calibration "
    "error on the other half, and writes the map the analysis loads."
)


def run_eval(
    context: typer.Context,
    corpus: Annotated[Path, typer.Option(help="Folder of eval cases, read recursively.")] = Path("evals/corpus"),
    strategy: Annotated[
        Literal["rules", "model"], typer.Option(help="rules: diagnosers alone; model: with AUTOFIX_MODEL.")
    ] = "rules",
    out: Annotated[Path, typer.Option(help="Folder for report.json, report.md and reliability.png.")] = Path("eval-report"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")] = False,
    fit: Annotated[bool, typer.Option("--fit", help="Refit the calibration map and write it.")] = False,
    outcomes_files: Annotated[
        list[Path] | None,
        typer.Option("--outcomes", help="Fix outcomes exported by the service, added to the fitting half."),
    ] = None,
) -> None:
    settings: Settings = context.obj
    config = settings.agent_config()
    if strategy == "model" and not config.model_enabled:
        fail("--strategy model needs a model: set AUTOFIX_MODEL (and OPENAI_API_KEY / OPENAI_BASE_URL)", status=INVALID_INPUT)
    if strategy == "rules":
        config = type(config)(calibration_path=config.calibration_path)

    try:
        cases = load_cases(corpus)
    except CaseError as error:
        fail(str(error), status=INVALID_INPUT)
    if not cases:
        fail(f"{corpus}: no *.json eval case found", status=INVALID_INPUT)

    outcomes = _run_with_progress(cases, config)
    run: dict[str, Any] = {"corpus": str(corpus), "strategy": strategy, "cases": len(cases)}
    if fit:
        outcomes, run["calibration"] = _fit(outcomes, settings, corpus, outcomes_files or [])

    summary = build_summary(outcomes)
    paths = write_report(outcomes, out, summary=summary, run=run)

    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    _print_summary(summary, paths)


def _run_with_progress(cases: list, config: Any) -> list:
    # Progress goes to stderr, so `--json` output on stdout stays clean.
    console = Console(stderr=True)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("analysing cases", total=len(cases))
        return run_cases(cases, config=config, on_case=lambda _: progress.advance(task))


def _fit(outcomes: list, settings: Settings, corpus: Path, outcome_files: list[Path]) -> tuple[list, dict[str, Any]]:
    current = load_calibration(settings.calibration_path)
    prior = load_calibration(PRIOR_CALIBRATION_PATH)
    fitting, held_out = split_by_base_workflow(observations(outcomes))
    for path in outcome_files:
        try:
            fitting += read_outcomes(path)
        except (OSError, ValueError) as error:
            fail(f"--outcomes {path}: {error}", status=INVALID_INPUT)

    fitted, methods = fit_map(fitting, prior)
    write_map(fitted, settings.calibration_path, corpus=str(corpus), methods=methods)
    report = {
        "map": str(settings.calibration_path),
        "fitting_points": len(fitting),
        "held_out_points": len(held_out),
        "held_out_ece_before": expected_calibration_error(_pairs(held_out, current)),
        "held_out_ece_after": expected_calibration_error(_pairs(held_out, fitted)),
        "held_out_brier_before": brier_score(_pairs(held_out, current)),
        "held_out_brier_after": brier_score(_pairs(held_out, fitted)),
        "groups": methods,
    }
    return recalibrate(outcomes, fitted), report


def _pairs(points: list[Observation], calibration: CalibrationMap) -> list[tuple[float, bool]]:
    # Unproven suggestions are capped the same way the analysis caps them; the raw score alone
    # does not say whether replay failed, so the cap is applied through `confidence` as passed.
    return [
        (confidence(calibration, raw=point.raw_score, source=point.source, verification_status="passed"), point.success)
        for point in points
    ]


def _print_summary(summary: dict[str, Any], paths: dict[str, Path]) -> None:
    console = Console()
    table = Table(title="Eval summary")
    table.add_column("group")
    for key in FIGURE_ORDER:
        table.add_column(key.replace("_", " "), justify="right")
    for name, figures in {"overall": summary["overall"], **summary["per_class"]}.items():
        table.add_row(name, *(_cell(figures.get(key)) for key in FIGURE_ORDER))
    console.print(table)
    console.print(f"Report: {paths['markdown']}, {paths['json']}, {paths['diagram']}")


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
