"""Settings read from AUTOFIX_* environment variables."""

import pytest
from pydantic import ValidationError

from service.settings import DEFAULT_DATABASE_URL, Settings
from tools.intake import Limits


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://autofix:pw@db:5432/autofix", "postgresql+psycopg://autofix:pw@db:5432/autofix"),
        ("postgres://autofix@db/autofix", "postgresql+psycopg://autofix@db/autofix"),
        ("postgresql+psycopg://autofix@db/autofix", "postgresql+psycopg://autofix@db/autofix"),
        ("sqlite:///var/autofix.db", "sqlite+aiosqlite:///var/autofix.db"),
        ("sqlite+aiosqlite:////tmp/autofix.db", "sqlite+aiosqlite:////tmp/autofix.db"),
    ],
)
def test_database_url_gets_async_driver(given: str, expected: str) -> None:
    assert Settings(database_url=given).database_url == expected


def test_database_url_defaults_to_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOFIX_DATABASE_URL", raising=False)

    settings = Settings()

    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///autofix.db"
    assert settings.database_backend == "sqlite"


def test_database_url_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOFIX_DATABASE_URL", "postgresql://postgres@127.0.0.1/autofix")

    settings = Settings()

    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/autofix"
    assert settings.database_backend == "postgresql"


def test_invalid_database_url_rejected() -> None:
    with pytest.raises(ValidationError, match="expected a URL such as"):
        Settings(database_url="not a url")


def test_intake_limits_default_to_intake_defaults() -> None:
    assert Settings().intake_limits() == Limits()


def test_intake_limits_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOFIX_MAX_BODY_BYTES", "1024")
    monkeypatch.setenv("AUTOFIX_MAX_JSON_DEPTH", "8")
    monkeypatch.setenv("AUTOFIX_MAX_NODES", "10")
    monkeypatch.setenv("AUTOFIX_MAX_EDGES", "20")
    monkeypatch.setenv("AUTOFIX_MAX_NODE_ID_LENGTH", "30")

    limits = Settings().intake_limits()

    assert limits == Limits(max_body_bytes=1024, max_depth=8, max_nodes=10, max_edges=20, max_node_id_length=30)


@pytest.mark.parametrize("variable", ["AUTOFIX_MAX_NODES", "AUTOFIX_MAX_BODY_BYTES"])
def test_non_positive_limit_rejected(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "0")

    with pytest.raises(ValidationError, match="greater than 0"):
        Settings()


def test_log_format_rejects_unknown_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOFIX_LOG_FORMAT", "xml")

    with pytest.raises(ValidationError, match="'json' or 'console'"):
        Settings()


@pytest.mark.parametrize(
    ("url", "backend"),
    [("mysql://x@127.0.0.1/y", "mysql"), ("mssql+pyodbc://x@db/y", "mssql"), ("oracle://x@db/y", "oracle")],
)
def test_unsupported_database_backend_rejected(url: str, backend: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(database_url=url)

    message = str(caught.value)
    assert f"database backend {backend} is not supported" in message
    assert "supported: sqlite, postgresql" in message
