"""The declarative base shared by every model, and the columns most tables repeat."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import MetaData, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.db.types import UtcDateTime

# Explicit constraint names, so PostgreSQL and SQLite name them alike and migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Valid on both PostgreSQL and SQLite, unlike now().
CURRENT_TIMESTAMP = text("CURRENT_TIMESTAMP")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UuidPrimaryKey:
    """A UUID primary key made in Python, so PostgreSQL and SQLite assign ids the same way."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-10)


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=CURRENT_TIMESTAMP, sort_order=10
    )


class Timestamps(CreatedAt):
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=CURRENT_TIMESTAMP, sort_order=11
    )
