"""The LangGraph checkpointer that keeps chat threads, in the service's own database.

SQLite gets `AsyncSqliteSaver` on the same file, PostgreSQL `AsyncPostgresSaver` on the same
database. Each creates its own tables, which the Alembic migrations leave alone.

On PostgreSQL the first setup runs CREATE INDEX CONCURRENTLY, which waits for every open
transaction in the database, the caller's own included. So `setup_chat_storage` runs once before
any session opens a transaction (at start-up, or before the CLI's transaction); later setups
find the tables migrated and wait for nothing.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from sqlalchemy.engine import make_url

_IN_MEMORY = ":memory:"


async def setup_chat_storage(database_url: str) -> None:
    """Create or migrate the checkpointer's tables; call it while no transaction is open on the database."""
    async with open_checkpointer(database_url):
        pass


@asynccontextmanager
async def open_checkpointer(database_url: str) -> AsyncIterator[BaseCheckpointSaver]:
    """Open the checkpointer for a SQLAlchemy database URL, creating its tables, and close it on exit."""
    url = make_url(database_url)
    backend = url.get_backend_name()

    if backend == "sqlite":
        async with AsyncSqliteSaver.from_conn_string(url.database or _IN_MEMORY) as saver:
            await saver.setup()
            yield saver
        return

    if backend == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        async with AsyncPostgresSaver.from_conn_string(conninfo) as saver:
            await saver.setup()
            yield saver
        return

    raise ValueError(f"no chat checkpointer for database backend {backend}; supported: sqlite, postgresql")
