"""Migrations from an empty database, compared with the models, on SQLite and PostgreSQL."""

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, Table, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db import Base, create_engine
from service.db.migrate import (
    DatabaseNotMigrated,
    current_revision,
    downgrade,
    head_revision,
    prepare_database,
    schema_differences,
    upgrade,
)
from service.settings import Settings

FOREIGN_TABLES = ("procrastinate_jobs", "checkpoints", "checkpoint_writes", "writes")


async def _table_names(settings: Settings) -> set[str]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def _create_foreign_tables(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            for name in FOREIGN_TABLES:
                await connection.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, note TEXT)"))
                await connection.execute(text(f"INSERT INTO {name} (id, note) VALUES (1, 'kept')"))
    finally:
        await engine.dispose()


async def test_upgrade_empty_database_reaches_head(settings: Settings) -> None:
    assert await current_revision(settings) is None

    await upgrade(settings)

    assert await current_revision(settings) == head_revision()


async def test_upgrade_creates_every_model_table(settings: Settings) -> None:
    await upgrade(settings)

    tables = await _table_names(settings)

    assert set(Base.metadata.tables) <= tables


async def test_migrated_schema_matches_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(schema_differences)

    assert differences == []


async def test_schema_comparison_detects_missing_table(engine: AsyncEngine) -> None:
    # Proves the comparison can fail: a model table the migrations never created is reported.
    extra = Table("not_migrated", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(schema_differences)
    finally:
        Base.metadata.remove(extra)

    assert [(change[0], change[1].name) for change in differences] == [("add_table", "not_migrated")]


async def test_upgrade_twice_changes_nothing(settings: Settings) -> None:
    await upgrade(settings)
    tables_before = await _table_names(settings)

    await upgrade(settings)

    assert await _table_names(settings) == tables_before
    assert await current_revision(settings) == head_revision()


async def test_migrations_leave_foreign_tables_alone(settings: Settings) -> None:
    await _create_foreign_tables(settings)

    await upgrade(settings)
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(schema_differences)
    finally:
        await engine.dispose()
    await downgrade(settings, "base")

    assert differences == []
    assert set(FOREIGN_TABLES) <= await _table_names(settings)
    assert not set(Base.metadata.tables) & await _table_names(settings)


async def test_downgrade_keeps_foreign_table_rows(settings: Settings) -> None:
    await _create_foreign_tables(settings)
    await upgrade(settings)

    await downgrade(settings, "base")

    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            notes = [await connection.scalar(text(f"SELECT note FROM {name}")) for name in FOREIGN_TABLES]
    finally:
        await engine.dispose()
    assert notes == ["kept"] * len(FOREIGN_TABLES)


async def test_downgrade_then_upgrade_matches_models(settings: Settings) -> None:
    await upgrade(settings)
    await downgrade(settings, "base")

    await upgrade(settings)

    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(schema_differences)
    finally:
        await engine.dispose()
    assert differences == []


@pytest.mark.parametrize("database_backend", ["sqlite"])
async def test_prepare_database_migrates_sqlite(settings: Settings) -> None:
    await prepare_database(settings)

    assert await current_revision(settings) == head_revision()


@pytest.mark.parametrize("database_backend", ["postgresql"])
async def test_prepare_database_rejects_unmigrated_postgresql(settings: Settings) -> None:
    with pytest.raises(DatabaseNotMigrated, match="run `autofix db upgrade`"):
        await prepare_database(settings)

    assert await current_revision(settings) is None


@pytest.mark.parametrize("database_backend", ["sqlite"])
async def test_prepare_database_concurrent_first_use_migrates_once(settings: Settings) -> None:
    # aiosqlite runs each connection in its own thread, so these migrations really overlap.
    results = await asyncio.gather(*(prepare_database(settings) for _ in range(4)), return_exceptions=True)

    assert [result for result in results if isinstance(result, BaseException)] == []
    assert await current_revision(settings) == head_revision()


def test_prepare_database_concurrent_processes_migrate_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    script = (
        "import asyncio, sys; from service.db.migrate import prepare_database; "
        "from service.settings import Settings; asyncio.run(prepare_database(Settings(database_url=sys.argv[1])))"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]

    failures = [process.communicate(timeout=60)[1] for process in processes if process.wait(timeout=60) != 0]

    assert failures == []
