"""Shared fixtures: databases parametrized over SQLite and PostgreSQL, and a per-database summary.

Tests that take `database_url`, `settings`, `engine` or `session` run once per backend, with the
ids `sqlite` and `postgresql`. When PostgreSQL is unreachable its tests are skipped, unless the
environment variable CI is set, in which case they fail.
"""

import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from service.db import create_engine, session_factory
from service.db.migrate import upgrade
from service.settings import Settings
from tests import databases

BACKEND_FIXTURE = "database_backend"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """A throwaway PostgreSQL database for this test session, dropped at its end."""
    try:
        url = databases.create_database()
    except databases.PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so PostgreSQL tests must run: {error}", pytrace=False)
        pytest.skip(str(error))

    yield url
    databases.drop_database(url)


@pytest.fixture(params=databases.BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(database_backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database of the test's backend, with the async driver."""
    if database_backend == "sqlite":
        return databases.sqlite_url(tmp_path)

    url: URL = request.getfixturevalue("postgres_database")
    databases.empty_database(url)
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine on a database migrated to the newest revision."""
    await upgrade(settings)
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_factory(engine)() as session:
        yield session


# Per-backend outcome of each test, reported at the end of the run.
_backend_of_test: dict[str, str] = {}
_outcome_of_test: dict[str, str] = {}
_OUTCOME_ORDER = ("passed", "failed", "error", "skipped")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and BACKEND_FIXTURE in callspec.params:
            _backend_of_test[item.nodeid] = callspec.params[BACKEND_FIXTURE]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in _backend_of_test:
        return
    previous = _outcome_of_test.get(report.nodeid)
    if previous in ("failed", "error"):
        return

    if report.failed:
        _outcome_of_test[report.nodeid] = "failed" if report.when == "call" else "error"
    elif report.skipped:
        _outcome_of_test[report.nodeid] = "skipped"
    elif report.when == "call":
        _outcome_of_test[report.nodeid] = "passed"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcome_of_test:
        return

    parts = []
    for backend in databases.BACKENDS:
        counts = Counter(outcome for nodeid, outcome in _outcome_of_test.items() if _backend_of_test[nodeid] == backend)
        tally = " ".join(f"{counts[outcome]} {outcome}" for outcome in _OUTCOME_ORDER if counts[outcome]) or "0 run"
        parts.append(f"{backend} {tally}")
    terminalreporter.write_line(f"database tests: {', '.join(parts)}")
