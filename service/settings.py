"""Deployment settings, read from the environment once at start-up and passed in.

Nothing else in Auto-Fix reads the environment: build `Settings()` in the entry point
(the CLI, the app factory) and hand it to what needs it.
"""

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tools.intake import Limits

_DEFAULT_LIMITS = Limits()

# The embedded default: a SQLite file in the current directory.
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///autofix.db"

# Drivers Auto-Fix runs on: plain scheme names select these async drivers.
_DRIVER_SCHEMES = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "sqlite": "sqlite+aiosqlite",
}


class Settings(BaseSettings):
    """Auto-Fix settings; each field reads the environment variable `AUTOFIX_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="AUTOFIX_", extra="ignore", frozen=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL; postgresql:// and sqlite:// URLs get the async driver added",
    )

    max_body_bytes: int = Field(default=_DEFAULT_LIMITS.max_body_bytes, gt=0, description="bytes")
    max_json_depth: int = Field(default=_DEFAULT_LIMITS.max_depth, gt=0, description="nesting levels")
    max_nodes: int = Field(default=_DEFAULT_LIMITS.max_nodes, gt=0, description="nodes per workflow")
    max_edges: int = Field(default=_DEFAULT_LIMITS.max_edges, gt=0, description="edges per workflow")
    max_node_id_length: int = Field(default=_DEFAULT_LIMITS.max_node_id_length, gt=0, description="characters")

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = Field(
        default="console", description="json: one JSON object a line; console: key=value"
    )

    @field_validator("database_url")
    @classmethod
    def _add_async_driver(cls, value: str) -> str:
        try:
            url = make_url(value)
        except (ArgumentError, ValueError) as error:
            # The URL itself stays out of the message because it can carry a password.
            raise ValueError(f"invalid URL ({error}); expected a URL such as {DEFAULT_DATABASE_URL}") from error

        driver = _DRIVER_SCHEMES.get(url.drivername, url.drivername)
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @property
    def database_backend(self) -> str:
        """The database's dialect name: `sqlite` or `postgresql`."""
        return make_url(self.database_url).get_backend_name()

    def intake_limits(self) -> Limits:
        """Build the limits every entry point validates input against."""
        return Limits(
            max_body_bytes=self.max_body_bytes,
            max_depth=self.max_json_depth,
            max_nodes=self.max_nodes,
            max_edges=self.max_edges,
            max_node_id_length=self.max_node_id_length,
        )
