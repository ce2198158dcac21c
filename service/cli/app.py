"""The `autofix` command-line interface."""

from importlib.metadata import version as package_version
from typing import Annotated, get_args

import typer
from pydantic import AliasChoices, SecretStr, ValidationError

from service.cli import (
    analyze_command,
    chat_command,
    eval_command,
    failures_command,
    import_command,
    serve_command,
    worker_command,
)
from service.cli.database_commands import database_app
from service.cli.errors import INVALID_INPUT, fail
from service.cli.help_format import PlainHelpCommand
from service.cli.outcomes_command import outcomes_app
from service.cli.workspace_commands import token_app, workspace_app
from service.logging import configure_logging
from service.settings import SECRET_SETTINGS, Settings

CLI_LOG_LEVEL = "warning"

# The distribution name in pyproject.toml, which `--version` reads the installed version of.
PACKAGE_NAME = "autofix"

app = typer.Typer(
    name="autofix",
    help=(
        "Diagnose failed workflow runs. Settings come from AUTOFIX_* environment variables, "
        "such as AUTOFIX_DATABASE_URL (default: autofix.db in the current directory). "
        f"Logs go to stderr at AUTOFIX_LOG_LEVEL, {CLI_LOG_LEVEL} unless set."
    ),
    no_args_is_help=True,
    add_completion=False,
    # Click's plain help shows each option's metavar; Typer's Rich help adds type labels such as <bool>.
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
app.command("analyze", help=analyze_command.HELP, cls=PlainHelpCommand)(analyze_command.analyze_targets)
app.command("chat", help=chat_command.HELP, cls=PlainHelpCommand)(chat_command.chat)
app.command("eval", help=eval_command.HELP, cls=PlainHelpCommand)(eval_command.run_eval)
app.command("import", help=import_command.HELP, cls=PlainHelpCommand)(import_command.import_files)
app.command("failures", help=failures_command.HELP, cls=PlainHelpCommand)(failures_command.list_failed_executions)
app.add_typer(database_app, name="db")
app.add_typer(outcomes_app, name="outcomes")
app.command("serve", help=serve_command.HELP, cls=PlainHelpCommand)(serve_command.serve)
app.command("worker", help=worker_command.HELP, cls=PlainHelpCommand)(worker_command.worker)
app.add_typer(workspace_app, name="workspace")
app.add_typer(token_app, name="token")


def _print_version(requested: bool) -> None:
    if requested:
        typer.echo(f"autofix {package_version(PACKAGE_NAME)}")
        raise typer.Exit()


@app.callback()
def load_settings(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the installed version and exit."
        ),
    ] = False,
) -> None:
    """Read the settings once and hand them to the command."""
    try:
        settings = Settings()
    except ValidationError as error:
        fail(f"invalid setting: {describe_setting_error(error)}", status=INVALID_INPUT)

    if "log_level" not in settings.model_fields_set:
        # The tables are the CLI's output; progress logs would only repeat them on stderr.
        settings = settings.model_copy(update={"log_level": CLI_LOG_LEVEL})
    configure_logging(settings)
    context.obj = settings


def describe_setting_error(error: ValidationError) -> str:
    """Name the environment variable of the first invalid setting, the reason and, unless secret, the value."""
    first = error.errors(include_url=False)[0]
    location = str(first["loc"][0]) if first["loc"] else None
    field = _field_name(location)

    reason = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
    if field is not None and not _is_secret(field) and "input" in first:
        reason = f"{reason}; got {first['input']!r}"
    return f"{_variable_name(location, field)}: {reason}"


def _field_name(location: str | None) -> str | None:
    """Find the settings field that an error location names, by field name or environment alias."""
    if location in Settings.model_fields:
        return location
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices) and location in alias.choices:
            return name
    return None


def _is_secret(field: str) -> bool:
    annotation = Settings.model_fields[field].annotation
    return field in SECRET_SETTINGS or annotation is SecretStr or SecretStr in get_args(annotation)


def _variable_name(location: str | None, field: str | None) -> str:
    if location is None:
        return "AUTOFIX_*"
    if location == field:
        return "AUTOFIX_" + location.upper()
    return location
