"""The `autofix` command-line interface: import bundles, list failures, migrate the database."""

from service.cli.app import app

__all__ = ["app"]
