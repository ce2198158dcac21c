"""`autofix serve`: run the REST service with uvicorn."""

import importlib
from types import ModuleType
from typing import Annotated

import typer

from service.app import create_app
from service.cli.errors import fail
from service.cli.runner import run_database_task
from service.db.migrate import prepare_database
from service.settings import Settings

HELP = (
    "Serve the REST API. The embedded SQLite database is migrated first; a PostgreSQL database must "
    "already be at the newest revision (`autofix db upgrade`)."
)

# The exit status when a package the command needs is not installed.
MISSING_PACKAGE = 1


def serve(
    context: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to listen on.")] = 8000,
) -> None:
    settings: Settings = context.obj
    uvicorn = _import_uvicorn()
    run_database_task(settings, prepare_database)

    # log_config=None keeps uvicorn from replacing the structlog handler the CLI installed.
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)


def _import_uvicorn() -> ModuleType:
    try:
        return importlib.import_module("uvicorn")
    except ModuleNotFoundError:
        fail(
            "uvicorn is not installed, so the service cannot be served: install it (pip install uvicorn) "
            "or add it to the project's dependencies",
            status=MISSING_PACKAGE,
        )
