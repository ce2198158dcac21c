"""Deployment settings, read from the environment once at start-up and passed in.

Nothing else in Auto-Fix reads the environment: build `Settings()` in the entry point
(the CLI, the app factory) and hand it to what needs it.
"""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from agent.chat.config import DEFAULT_MAX_MESSAGE_CHARS, DEFAULT_MAX_MODEL_STEPS, DEFAULT_MESSAGES_PER_MINUTE
from agent.config import DEFAULT_CALIBRATION_PATH, AgentConfig
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

_SUPPORTED_BACKENDS = ("sqlite", "postgresql")

# Settings besides the SecretStr ones whose value an error message must not repeat, because a
# database URL can carry a password.
SECRET_SETTINGS = frozenset({"database_url"})


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

    # The model path is on when AUTOFIX_MODEL is set. OPENAI_API_KEY and OPENAI_BASE_URL keep the
    # names every OpenAI-compatible client reads, so they carry no AUTOFIX_ prefix.
    model: str | None = Field(default=None, description="chat model name, such as gpt-4.1-mini")
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "AUTOFIX_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "AUTOFIX_OPENAI_BASE_URL")
    )
    model_max_steps: int = Field(default=8, ge=1, le=50, description="model turns per analysis")
    model_max_tokens: int = Field(default=60_000, ge=1_000, description="tokens per analysis, prompt and completion")
    model_max_seconds: float = Field(default=90.0, gt=0, description="wall time of the model loop, in seconds")
    model_timeout_seconds: float = Field(default=30.0, gt=0, description="one model request, in seconds")
    calibration_path: Path = Field(default=DEFAULT_CALIBRATION_PATH, description="calibration map JSON file")
    chat_max_message_chars: int = Field(default=DEFAULT_MAX_MESSAGE_CHARS, ge=1, description="characters per chat message")
    chat_max_model_steps: int = Field(default=DEFAULT_MAX_MODEL_STEPS, ge=1, le=50, description="model calls per chat message")
    chat_messages_per_minute: int = Field(
        default=DEFAULT_MESSAGES_PER_MINUTE, ge=1, description="chat messages per workspace per minute"
    )

    # A secret shared with LinkFlow's engine; the engine callback route returns 503 until it is set.
    callback_signing_key: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key that signs engine callbacks"
    )

    # Background analyses: Procrastinate's retries on PostgreSQL, the in-process runner's poll on SQLite.
    job_max_attempts: int = Field(default=3, ge=1, description="runs of an analysis job before it fails")
    job_retry_wait_seconds: float = Field(default=10.0, ge=0, description="seconds before a failed job runs again")
    job_poll_seconds: float = Field(default=1.0, gt=0, description="seconds between checks for queued analyses")

    # Where signed fix.applied events go; unset, applied fixes are logged and no event is sent.
    linkflow_url: str | None = Field(default=None, description="URL that receives fix.applied events")
    event_poll_seconds: float = Field(default=5.0, gt=0, description="seconds between fix.applied delivery rounds")
    event_signing_key: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 key that signs fix.applied events; the callback key when unset"
    )

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

        url = url.set(drivername=_DRIVER_SCHEMES.get(url.drivername, url.drivername))
        backend = url.get_backend_name()
        if backend not in _SUPPORTED_BACKENDS:
            raise ValueError(
                f"database backend {backend} is not supported; supported: {', '.join(_SUPPORTED_BACKENDS)}"
            )
        return url.render_as_string(hide_password=False)

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

    def event_key(self) -> str | None:
        """Return the key that signs fix.applied events: the dedicated one, else the callback key."""
        key = self.event_signing_key or self.callback_signing_key
        return key.get_secret_value() if key is not None else None

    def agent_config(self) -> AgentConfig:
        """Build the analysis's model settings and loop bounds."""
        return AgentConfig(
            model=self.model or None,
            api_key=self.openai_api_key.get_secret_value() if self.openai_api_key else None,
            base_url=self.openai_base_url,
            max_steps=self.model_max_steps,
            max_tokens=self.model_max_tokens,
            max_seconds=self.model_max_seconds,
            request_timeout_seconds=self.model_timeout_seconds,
            calibration_path=self.calibration_path,
        )
