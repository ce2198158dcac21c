"""Throwaway databases for tests: a SQLite file per test, a PostgreSQL database per test session.

PostgreSQL is reached at AUTOFIX_TEST_POSTGRES_URL (default: user postgres on 127.0.0.1:5432,
database `test`). Each test session creates its own database from there and drops it at the end,
so concurrent runs do not collide. Each test starts from an empty `public` schema.
"""

import os
import secrets
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

POSTGRES_URL_VARIABLE = "AUTOFIX_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


class PostgresUnavailable(RuntimeError):
    pass


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'autofix.db'}"


def admin_url() -> URL:
    return make_url(os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL))


def libpq_url(url: URL) -> str:
    """Render a SQLAlchemy URL as the postgresql:// URI psycopg connects with."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_database() -> URL:
    """Create an empty database named autofix_test_<random> and return its URL.

    Raises:
        PostgresUnavailable: the server at the admin URL cannot be reached.
    """
    url = admin_url()
    name = f"autofix_test_{secrets.token_hex(6)}"
    with _admin_connection(url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name)


def drop_database(url: URL) -> None:
    with _admin_connection(admin_url()) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(url.database)))


def empty_database(url: URL) -> None:
    """Drop every table, type and sequence, leaving the database as if just created."""
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def _admin_connection(url: URL) -> psycopg.Connection:
    try:
        return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        location = url.render_as_string(hide_password=True)
        raise PostgresUnavailable(
            f"PostgreSQL at {location} is unreachable ({str(error).strip()}); "
            f"start it, or point {POSTGRES_URL_VARIABLE} at a server where this user may create databases"
        ) from error
