"""Alembic's entry point: runs migrations on a connection it is given, or on the configured database.

`service.db.migrate` passes its open connection in `config.attributes["connection"]`; the
`alembic` command passes none, so this builds the engine from `Settings` (AUTOFIX_DATABASE_URL).
"""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from service.db.base import Base
from service.db.engine import create_engine
from service.db.migrate import AUTOGENERATE_OPTIONS
from service.settings import Settings

target_metadata = Base.metadata  # service.db.migrate imports every model


def configure(**options: object) -> None:
    context.configure(target_metadata=target_metadata, **AUTOGENERATE_OPTIONS, **options)


def run_on_connection(connection: Connection) -> None:
    configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_on_configured_database() -> None:
    engine = create_engine(Settings())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on_connection)
            await connection.commit()
    finally:
        await engine.dispose()


def run_offline() -> None:
    configure(url=Settings().database_url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (connection := context.config.attributes.get("connection")) is not None:
    run_on_connection(connection)
else:
    if context.config.config_file_name is not None:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    asyncio.run(run_on_configured_database())
