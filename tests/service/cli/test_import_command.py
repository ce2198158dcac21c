"""The `autofix` command line: import, failures and db, against real databases."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from service.cli import app
from service.db import create_engine
from service.settings import Settings
from tests.bundles import BEARER_TOKEN, bundle_bytes, make_bundle, make_definition, make_execution
from tests.rows import snapshot

runner = CliRunner()


def _autofix(database_url: str, *args: str, **env: str) -> Result:
    # A wide terminal, so table cells are not folded across lines.
    environment = {"AUTOFIX_DATABASE_URL": database_url, "COLUMNS": "250", **env}
    return runner.invoke(app, list(args), env=environment)


def _write(directory: Path, name: str, bundle: dict[str, Any]) -> str:
    path = directory / name
    path.write_bytes(bundle_bytes(bundle))
    return str(path)


def _error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def _database_rows(database_url: str) -> dict[str, list[dict[str, Any]]]:
    async def read() -> dict[str, list[dict[str, Any]]]:
        engine = create_engine(Settings(database_url=database_url))
        try:
            return await snapshot(engine)
        finally:
            await engine.dispose()

    return asyncio.run(read())


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """A database at the newest revision; PostgreSQL is not migrated by other commands."""
    result = _autofix(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    return database_url


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def _block(output: str, execution_id: str) -> tuple[str, str]:
    """Return the heading line of an execution's block in a listing, and the line after it."""
    lines = output.splitlines()
    index = next(index for index, line in enumerate(lines) if f"execution {execution_id}" in line)
    return lines[index], lines[index + 1]


def test_import_prints_failure_listing(migrated_url: str, tmp_path: Path) -> None:
    result = _autofix(migrated_url, "import", _write(tmp_path, "failure.json", make_bundle()))

    assert result.exit_code == 0, result.output
    heading, failure = _block(result.stdout, "812")
    for cell in ("ws_acme", "wf_orders", "v7", "failed", "created"):
        assert cell in heading
    assert failure.startswith("  failed at fetch_customer: HTTP 404 Not Found")
    assert "1 execution from 1 file: 1 created, 0 updated, 0 unchanged" in result.stdout


def test_import_again_reports_unchanged(migrated_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "failure.json", make_bundle())
    _autofix(migrated_url, "import", path)
    before = _database_rows(migrated_url)

    result = _autofix(migrated_url, "import", path)

    assert result.exit_code == 0, result.output
    assert "1 unchanged" in result.stdout
    assert _database_rows(migrated_url) == before


def test_import_sqlite_migrates_on_first_use(sqlite_database_url: str, tmp_path: Path) -> None:
    result = _autofix(sqlite_database_url, "import", _write(tmp_path, "failure.json", make_bundle()))

    assert result.exit_code == 0, result.output
    assert len(_database_rows(sqlite_database_url)["executions"]) == 1


@pytest.mark.parametrize(
    ("content", "expected_error"),
    [
        (b'{"format": "autofix.failure-bundle/1", "workspace": ', "$: malformed JSON at line 1"),
        (json.dumps({**make_bundle(), "format": "other/1"}).encode(), '$.format: expected "autofix.failure-bundle/1"'),
        (bundle_bytes({**make_bundle(), "workspace": {"id": 5}}), "$.workspace.id: "),
    ],
    ids=["truncated-json", "wrong-format", "workspace-id-not-text"],
)
def test_import_malformed_bundle_exits_2(
    sqlite_database_url: str, tmp_path: Path, content: bytes, expected_error: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    result = _autofix(sqlite_database_url, "import", str(path))

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line.startswith(f"error: {path}: {expected_error}")
    assert not Path(make_url(sqlite_database_url).database).exists()


def test_import_bad_file_among_good_stores_nothing(migrated_url: str, tmp_path: Path) -> None:
    _autofix(migrated_url, "import", _write(tmp_path, "first.json", make_bundle()))
    before = _database_rows(migrated_url)
    good = _write(tmp_path, "good.json", make_bundle(execution=make_execution(execution_id="813")))
    bad = _write(tmp_path, "bad.json", {**make_bundle(), "workflow": {"id": "wf_orders", "version": 0}})

    result = _autofix(migrated_url, "import", good, bad)

    assert result.exit_code == 2
    assert _error_lines(result)[0].startswith(f"error: {bad}: $.workflow.")
    assert _database_rows(migrated_url) == before


def test_import_conflict_exits_2_and_stores_nothing(migrated_url: str, tmp_path: Path) -> None:
    _autofix(migrated_url, "import", _write(tmp_path, "first.json", make_bundle()))
    before = _database_rows(migrated_url)
    new_run = _write(tmp_path, "new_run.json", make_bundle(execution=make_execution(execution_id="813")))
    changed = make_bundle(execution=make_execution(execution_id="814"))
    changed["workflow"]["definition"] = make_definition(timeout=60)
    conflicting = _write(tmp_path, "changed.json", changed)

    result = _autofix(migrated_url, "import", new_run, conflicting)

    assert result.exit_code == 2
    assert _error_lines(result) == [
        f"error: {conflicting}: $.workflow.definition: workflow wf_orders version 7 is already stored "
        "with a different definition; nothing was stored"
    ]
    assert _database_rows(migrated_url) == before


def test_import_oversized_bundle_exits_2(sqlite_database_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "big.json", make_bundle())

    result = _autofix(sqlite_database_url, "import", path, AUTOFIX_MAX_BODY_BYTES="1000")

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line == f"error: {path}: $: body is 1001 bytes, more than the limit of 1000 bytes"


def test_import_missing_file_exits_2(sqlite_database_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"

    result = _autofix(sqlite_database_url, "import", str(missing))

    assert result.exit_code == 2
    assert _error_lines(result) == [f"error: {missing}: cannot read the file: No such file or directory"]


def test_import_output_contains_no_token(migrated_url: str, tmp_path: Path) -> None:
    result = _autofix(
        migrated_url, "import", _write(tmp_path, "failure.json", make_bundle()), AUTOFIX_LOG_LEVEL="debug"
    )

    assert result.exit_code == 0, result.output
    assert BEARER_TOKEN not in result.stdout
    assert BEARER_TOKEN not in result.stderr


def test_import_logs_ids_as_fields(migrated_url: str, tmp_path: Path) -> None:
    result = _autofix(
        migrated_url,
        "import",
        _write(tmp_path, "failure.json", make_bundle()),
        AUTOFIX_LOG_FORMAT="json",
        AUTOFIX_LOG_LEVEL="info",
    )

    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    imported = next(event for event in events if event["event"] == "bundle imported")
    assert imported["workspace"] == "ws_acme"
    assert imported["workflow"] == "wf_orders"
    assert imported["execution"] == "812"
    assert imported["logger"] == "service.importer.bundle"


def test_failures_lists_stored_failures(migrated_url: str, tmp_path: Path) -> None:
    succeeded = make_execution(execution_id="800", failed=False)
    _autofix(migrated_url, "import", _write(tmp_path, "failure.json", make_bundle(history=[succeeded])))

    result = _autofix(migrated_url, "failures")

    assert result.exit_code == 0, result.output
    heading, failure = _block(result.stdout, "812")
    for cell in ("ws_acme", "wf_orders", "v7"):
        assert cell in heading
    assert failure.startswith("  failed at fetch_customer: HTTP 404 Not Found")
    assert "800" not in result.stdout


@pytest.mark.parametrize("command", ["import", "failures"])
def test_listing_escapes_control_characters(migrated_url: str, tmp_path: Path, command: str) -> None:
    bundle = make_bundle(execution=make_execution(execution_id="812\x1b]0;owned\x07"))
    bundle["execution"]["error"]["message"] = "HTTP 404 \x1b[2J\x1b[31mcleared\x9b0m"
    imported = _autofix(migrated_url, "import", _write(tmp_path, "failure.json", bundle))

    result = imported if command == "import" else _autofix(migrated_url, "failures")

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "HTTP 404 \\x1b[2J\\x1b[31mcleared\\x9b0m" in result.stdout


def test_failures_filters_by_workspace(migrated_url: str, tmp_path: Path) -> None:
    other = make_bundle(
        workspace={"id": "ws_other"}, execution=make_execution(execution_id="900", workspace_id="ws_other")
    )
    _autofix(
        migrated_url, "import", _write(tmp_path, "acme.json", make_bundle()), _write(tmp_path, "other.json", other)
    )

    result = _autofix(migrated_url, "failures", "--workspace", "ws_other")

    assert result.exit_code == 0, result.output
    assert "900" in result.stdout
    assert "812" not in result.stdout


def test_failures_unknown_workspace_exits_2(migrated_url: str) -> None:
    result = _autofix(migrated_url, "failures", "--workspace", "ws_missing")

    assert result.exit_code == 2
    assert _error_lines(result)[0].startswith("error: workspace ws_missing not found")


def test_db_current_before_and_after_upgrade(database_url: str) -> None:
    before = _autofix(database_url, "db", "current")
    upgrade = _autofix(database_url, "db", "upgrade")
    after = _autofix(database_url, "db", "current")

    assert before.exit_code == 0, before.output
    assert "no revision" in before.stdout
    assert upgrade.exit_code == 0, upgrade.output
    assert after.stdout.strip() == "0001 (newest)"


@pytest.mark.parametrize("database_backend", ["postgresql"])
def test_unmigrated_postgresql_asks_for_upgrade(database_url: str, tmp_path: Path) -> None:
    result = _autofix(database_url, "import", _write(tmp_path, "failure.json", make_bundle()))

    assert result.exit_code == 1
    assert _error_lines(result) == [
        "error: the database has no Auto-Fix tables, but this version of Auto-Fix needs revision 0001: "
        "run `autofix db upgrade`"
    ]


def test_unreachable_database_exits_1(tmp_path: Path) -> None:
    # Nothing listens on port 1 of the loopback interface.
    result = _autofix("postgresql://autofix:secret-password@127.0.0.1:1/autofix", "failures")

    assert result.exit_code == 1
    [line] = _error_lines(result)
    assert line.startswith("error: database postgresql+psycopg://autofix:***@127.0.0.1:1/autofix failed: ")
    assert "secret-password" not in result.output


def test_invalid_setting_exits_2(sqlite_database_url: str) -> None:
    result = _autofix(sqlite_database_url, "failures", AUTOFIX_LOG_FORMAT="xml")

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line == "error: invalid setting: AUTOFIX_LOG_FORMAT: Input should be 'json' or 'console'"


def test_invalid_database_url_hides_password() -> None:
    result = runner.invoke(app, ["failures"], env={"AUTOFIX_DATABASE_URL": "postgresql://autofix:hunter2-secret@db:port/x"})

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line.startswith("error: invalid setting: AUTOFIX_DATABASE_URL: Value error, invalid URL")
    assert "hunter2-secret" not in result.output
