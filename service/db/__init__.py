"""Storage: SQLAlchemy models, the engine and session factory, and migrations."""

from service.db.base import Base
from service.db.engine import create_engine, session_factory

__all__ = ["Base", "create_engine", "session_factory"]
