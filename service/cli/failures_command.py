"""`autofix failures`: list stored failed executions."""

from typing import Annotated

import typer

from service.cli.errors import INVALID_INPUT, fail
from service.cli.listings import print_failures
from service.cli.runner import run_in_transaction
from service.executions.failures import WorkspaceNotFound, list_failures
from service.settings import Settings

HELP = "List stored failed executions, newest first: workflow, failed node and error."


def list_failed_executions(
    context: typer.Context,
    workspace: Annotated[
        str | None, typer.Option("--workspace", metavar="ID", help="Only this workspace (LinkFlow id).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, max=1000, help="Maximum number of executions listed.")
    ] = 50,
) -> None:
    settings: Settings = context.obj
    try:
        failures = run_in_transaction(
            settings, lambda session: list_failures(session, workspace_id=workspace, limit=limit)
        )
    except WorkspaceNotFound as error:
        fail(f"{error}: check the id with `autofix failures` without --workspace", status=INVALID_INPUT)

    if not failures:
        typer.echo("No failed executions stored.")
        return
    print_failures(failures)
