"""`autofix db`: migrate the database and show its revision."""

import typer

from service.cli.runner import run_database_task
from service.db.migrate import current_revision, head_revision, upgrade
from service.settings import Settings

database_app = typer.Typer(help="Migrate the database and show its schema revision.", no_args_is_help=True)


@database_app.command("upgrade")
def upgrade_database(context: typer.Context) -> None:
    """Migrate the database (AUTOFIX_DATABASE_URL) to the newest schema revision."""
    settings: Settings = context.obj
    run_database_task(settings, upgrade)
    typer.echo(f"database at revision {head_revision()} (newest)")


@database_app.command("current")
def show_current_revision(context: typer.Context) -> None:
    """Print the database's schema revision and whether it is the newest."""
    settings: Settings = context.obj
    current = run_database_task(settings, current_revision)
    head = head_revision()

    if current is None:
        typer.echo(f"no revision: the database has no Auto-Fix tables; run `autofix db upgrade` to reach {head}")
    elif current == head:
        typer.echo(f"{current} (newest)")
    else:
        typer.echo(f"{current}; newest is {head}: run `autofix db upgrade`")
