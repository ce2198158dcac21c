"""Allow `python -m service.cli`, the same as the `autofix` command."""

from service.cli.app import app

app(prog_name="autofix")
