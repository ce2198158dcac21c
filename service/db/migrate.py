"""Schema migrations, run from code: upgrade to the newest revision, or read the current one."""

import asyncio
import fcntl  # NOTE: POSIX only, so this module does not import on Windows.
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url

from service.db import models  # noqa: F401  (registers every table on Base.metadata)
from service.db.base import Base
from service.db.engine import create_engine
from service.db.foreign_tables import include_name
from service.settings import Settings

log = structlog.stdlib.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Alembic comparison options, shared by autogenerate in env.py and by schema_differences.
AUTOGENERATE_OPTIONS: dict[str, Any] = {
    "include_name": include_name,
    "compare_type": True,
    "compare_server_default": True,
}


class DatabaseNotMigrated(RuntimeError):
    """Raised when the database's schema is not at the revision this version of Auto-Fix needs."""

    def __init__(self, current: str | None, head: str) -> None:
        found = f"revision {current}" if current else "no Auto-Fix tables"
        super().__init__(
            f"the database has {found}, but this version of Auto-Fix needs revision {head}: run `autofix db upgrade`"
        )
        self.current = current
        self.head = head


def alembic_config() -> Config:
    """Build an Alembic configuration for the migrations shipped with Auto-Fix."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Return the newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


async def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the configured database to `revision`, in one transaction where the database allows."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            before = await connection.run_sync(_read_revision)
            await connection.run_sync(_run_command, command.upgrade, revision)
            after = await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()

    if before != after:
        location = engine.url.render_as_string(hide_password=True)
        log.info("database migrated", database=location, before=before or "none", after=after)


async def downgrade(settings: Settings, revision: str) -> None:
    """Migrate the configured database down to `revision` (`base` removes every Auto-Fix table)."""
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_command, command.downgrade, revision)
    finally:
        await engine.dispose()


async def current_revision(settings: Settings) -> str | None:
    """Return the database's revision, or None when no migration has run."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


async def prepare_database(settings: Settings) -> None:
    """Make the database ready for use.

    The embedded SQLite database is migrated on the spot. A PostgreSQL database is shared by
    service instances, so its migrations are an operator's step: one not at the newest
    revision raises DatabaseNotMigrated.
    """
    if settings.database_backend == "sqlite":
        await _upgrade_sqlite(settings)
        return

    current = await current_revision(settings)
    head = head_revision()
    if current != head:
        raise DatabaseNotMigrated(current, head)


async def _upgrade_sqlite(settings: Settings) -> None:
    """Migrate a SQLite database to the newest revision, one process at a time.

    Two processes that open a new database file at once would otherwise both find no revision
    and both create the tables, and the second fails with "table ... already exists". Each takes
    an exclusive lock on a file beside the database, then reads the revision again.
    """
    head = head_revision()
    if await current_revision(settings) == head:
        return

    lock_path = _migration_lock_path(settings)
    if lock_path is None:
        await upgrade(settings)
        return

    with lock_path.open("a") as lock_file:
        # flock blocks until the other process's migration ends, so it runs off the event loop.
        await asyncio.to_thread(fcntl.flock, lock_file.fileno(), fcntl.LOCK_EX)
        try:
            if await current_revision(settings) != head:
                await upgrade(settings)
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _migration_lock_path(settings: Settings) -> Path | None:
    """Return `<database file>.migration-lock`, or None for an in-memory database, which no other process opens."""
    database = make_url(settings.database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".migration-lock")


def schema_differences(connection: Connection) -> list[Any]:
    """List what Alembic's autogenerate would change to make the database match the models."""
    context = MigrationContext.configure(connection, opts={"target_metadata": Base.metadata, **AUTOGENERATE_OPTIONS})
    return compare_metadata(context, Base.metadata)


def _run_command(connection: Connection, run: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    run(config, revision)


def _read_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
