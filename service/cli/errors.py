"""Error reporting of CLI commands: one `error: ...` line on stderr and an exit status.

Status 2 means the input was rejected: a malformed, oversized or conflicting bundle, an
unreadable file or an invalid setting. Status 1 means the database was unusable.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from service.db.migrate import DatabaseNotMigrated
from service.settings import Settings

INVALID_INPUT = 2
DATABASE_UNUSABLE = 1


def fail(message: str, *, status: int) -> NoReturn:
    """Print `error: message` on stderr and exit with `status`."""
    fail_all([message], status=status)


def fail_all(messages: list[str], *, status: int) -> NoReturn:
    """Print an `error: message` line on stderr for each message and exit with `status`."""
    for message in messages:
        typer.echo(f"error: {message}", err=True)
    raise typer.Exit(status)


@contextmanager
def database_errors(settings: Settings) -> Iterator[None]:
    """Turn an unreachable or unmigrated database into an error line and status 1."""
    try:
        yield
    except DatabaseNotMigrated as error:
        fail(str(error), status=DATABASE_UNUSABLE)
    except DBAPIError as error:
        location = make_url(settings.database_url).render_as_string(hide_password=True)
        fail(f"database {location} failed: {first_line(error.orig)}", status=DATABASE_UNUSABLE)


def first_line(error: BaseException | None) -> str:
    """Return the first line of a database driver's error, which psycopg follows with detail lines."""
    text = str(error).strip() if error is not None else "unknown error"
    return text.splitlines()[0] if text else type(error).__name__
