"""Whole-database snapshots, to prove an operation changed nothing or left no secret behind."""

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db import Base


async def snapshot(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    """Return every row of every Auto-Fix table, ordered by primary key."""
    rows: dict[str, list[dict[str, Any]]] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table).order_by(*table.primary_key.columns))
            rows[table.name] = [dict(row._mapping) for row in result]
    return rows


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    return {table: len(rows) for table, rows in (await snapshot(engine)).items()}


async def postgres_rows_as_text(engine: AsyncEngine) -> str:
    """Render every row of every table in the public schema as PostgreSQL's own row text."""
    async with engine.connect() as connection:
        tables = await connection.scalars(
            text("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        )
        lines = []
        for table in list(tables):
            result = await connection.scalars(text(f'SELECT t::text FROM "{table}" AS t'))
            lines.extend(f"{table}: {row}" for row in result)
    return "\n".join(lines)
