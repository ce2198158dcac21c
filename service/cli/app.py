"""The `autofix` command-line interface."""

import typer
from pydantic import ValidationError

from service.cli import failures_command, import_command
from service.cli.database_commands import database_app
from service.cli.errors import INVALID_INPUT, fail
from service.logging import configure_logging
from service.settings import Settings

CLI_LOG_LEVEL = "warning"

app = typer.Typer(
    name="autofix",
    help=(
        "Diagnose failed workflow runs. Settings come from AUTOFIX_* environment variables, "
        "such as AUTOFIX_DATABASE_URL (default: autofix.db in the current directory). "
        f"Logs go to stderr at AUTOFIX_LOG_LEVEL, {CLI_LOG_LEVEL} unless set."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.command("import", help=import_command.HELP)(import_command.import_files)
app.command("failures", help=failures_command.HELP)(failures_command.list_failed_executions)
app.add_typer(database_app, name="db")


@app.callback()
def load_settings(context: typer.Context) -> None:
    """Read the settings once and hand them to the command."""
    try:
        settings = Settings()
    except ValidationError as error:
        fail(f"invalid setting: {_describe_setting_error(error)}", status=INVALID_INPUT)

    if "log_level" not in settings.model_fields_set:
        # The tables are the CLI's output; progress logs would only repeat them on stderr.
        settings = settings.model_copy(update={"log_level": CLI_LOG_LEVEL})
    configure_logging(settings)
    context.obj = settings


def _describe_setting_error(error: ValidationError) -> str:
    # The value is left out of the message because a setting such as the database URL can carry a password.
    first = error.errors(include_url=False)[0]
    name = "AUTOFIX_" + str(first["loc"][0]).upper() if first["loc"] else "AUTOFIX_*"
    return f"{name}: {first['msg']}"
