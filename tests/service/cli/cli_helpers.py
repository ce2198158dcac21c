"""Running the `autofix` command line against a test database."""

from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from service.cli import app
from tests.bundles import bundle_bytes

runner = CliRunner()


def autofix(database_url: str, *args: str, **env: str) -> Result:
    # A wide terminal, so table cells are not folded across lines.
    environment = {"AUTOFIX_DATABASE_URL": database_url, "COLUMNS": "250", **env}
    return runner.invoke(app, list(args), env=environment)


def write_bundle(directory: Path, name: str, bundle: dict[str, Any]) -> str:
    path = directory / name
    path.write_bytes(bundle_bytes(bundle))
    return str(path)
