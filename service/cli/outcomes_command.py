"""`autofix outcomes export FILE`: write applied fixes' outcomes for `autofix eval --fit --outcomes FILE`."""

from pathlib import Path
from typing import Annotated

import typer

from service.analyses.outcomes import export_outcomes
from service.cli.runner import run_in_transaction
from service.settings import Settings

outcomes_app = typer.Typer(
    help="Outcomes of applied fixes, for fitting the confidence calibration.", no_args_is_help=True
)


@outcomes_app.command("export")
def export(
    context: typer.Context,
    file: Annotated[Path, typer.Argument(help="JSON lines file to write, one {raw_score, source, success, workflow_id} a line.")],
) -> None:
    """Write one JSON line per applied fix whose next run is known."""
    settings: Settings = context.obj
    text = run_in_transaction(settings, export_outcomes)
    file.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {text.count(chr(10))} outcome(s) to {file}")
