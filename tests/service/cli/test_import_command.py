"""The `autofix` command line: import, failures and db, against real databases."""

import asyncio
import importlib.metadata
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from service.cli import app
from service.cli.app import describe_setting_error
from service.db import create_engine
from service.db.migrate import head_revision
from service.settings import Settings
from tests.bundles import (
    BEARER_TOKEN,
    bundle_bytes,
    make_bundle,
    make_definition,
    make_execution,
)
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
        (
            b'{"format": "autofix.failure-bundle/1", "workspace": ',
            "$: malformed JSON: expecting value at line 1 column 53",
        ),
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


def test_import_oversized_bundle_reports_file_size(sqlite_database_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "big.json", make_bundle())
    size = Path(path).stat().st_size

    result = _autofix(sqlite_database_url, "import", path, AUTOFIX_MAX_BODY_BYTES="1000")

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line == f"error: {path} is {size:,} bytes, more than the limit of 1,000 bytes (AUTOFIX_MAX_BODY_BYTES)"


def test_import_reports_every_rejected_file(sqlite_database_url: str, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.json", make_bundle())
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{"format": ')
    wrong = _write(tmp_path, "wrong.json", {**make_bundle(), "format": "other/1"})
    missing = tmp_path / "missing.json"

    result = _autofix(sqlite_database_url, "import", good, str(broken), wrong, str(missing))

    assert result.exit_code == 2
    lines = _error_lines(result)
    assert len(lines) == 3
    assert lines[0].startswith(f"error: {broken}: $: malformed JSON")
    assert lines[1].startswith(f"error: {wrong}: $.format: ")
    assert lines[2] == f"error: {missing}: cannot read the file: No such file or directory"
    assert not Path(make_url(sqlite_database_url).database).exists()


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
    assert after.stdout.strip() == f"{head_revision()} (newest)"


@pytest.mark.parametrize("database_backend", ["postgresql"])
def test_unmigrated_postgresql_asks_for_upgrade(database_url: str, tmp_path: Path) -> None:
    result = _autofix(database_url, "import", _write(tmp_path, "failure.json", make_bundle()))

    assert result.exit_code == 1
    assert _error_lines(result) == [
        (
            "error: the database has no Auto-Fix tables, but this version of Auto-Fix needs revision "
            f"{head_revision()}: run `autofix db upgrade`"
        )
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
    assert line == "error: invalid setting: AUTOFIX_LOG_FORMAT: Input should be 'json' or 'console'; got 'xml'"


def test_unsupported_database_backend_exits_2() -> None:
    result = runner.invoke(app, ["failures"], env={"AUTOFIX_DATABASE_URL": "mysql://x:hunter2-secret@127.0.0.1/y"})

    assert result.exit_code == 2
    assert _error_lines(result) == [
        (
            "error: invalid setting: AUTOFIX_DATABASE_URL: database backend mysql is not supported; "
            "supported: sqlite, postgresql"
        )
    ]
    assert "hunter2-secret" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"OPENAI_API_KEY": 12345}, "OPENAI_API_KEY: Input should be a valid string"),
        ({"database_url": 12345}, "AUTOFIX_DATABASE_URL: Input should be a valid string"),
        ({"callback_signing_key": 12345}, "AUTOFIX_CALLBACK_SIGNING_KEY: Input should be a valid string"),
        ({"max_nodes": 12345.5}, "AUTOFIX_MAX_NODES: Input should be a valid integer, got a number with a fractional part; got 12345.5"),
    ],
    ids=["api-key-hidden", "database-url-hidden", "signing-key-hidden", "limit-shown"],
)
def test_describe_setting_error_names_only_public_values(given: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(**given)

    assert describe_setting_error(caught.value) == expected


def test_invalid_database_url_hides_password() -> None:
    result = runner.invoke(app, ["failures"], env={"AUTOFIX_DATABASE_URL": "postgresql://autofix:hunter2-secret@db:port/x"})

    assert result.exit_code == 2
    [line] = _error_lines(result)
    assert line.startswith("error: invalid setting: AUTOFIX_DATABASE_URL: invalid URL")
    assert "hunter2-secret" not in result.output


LONG_ERROR = (
    "HTTP 404 Not Found from GET https://api.example-shop.com/v2/customers/cus_404/orders?include=items "
    "after evaluating {{ $json.customer_id }} in the URL of the request sent by the node, with retries exhausted"
)


@pytest.mark.parametrize("command", ["import", "failures"])
def test_listing_wraps_with_hanging_indent(migrated_url: str, tmp_path: Path, command: str) -> None:
    bundle = make_bundle()
    bundle["execution"]["error"]["message"] = LONG_ERROR
    imported = _autofix(migrated_url, "import", _write(tmp_path, "failure.json", bundle), COLUMNS="80")

    result = imported if command == "import" else _autofix(migrated_url, "failures", COLUMNS="80")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("  failed at fetch_customer: "))
    continuation = list(itertools.takewhile(lambda line: line.startswith("    "), lines[start + 1 :]))
    error_lines = lines[start : start + 1 + len(continuation)]
    assert len(error_lines) > 2
    assert all(len(line) <= 80 for line in error_lines)
    assert all(line == line.rstrip() for line in error_lines)
    assert any("https://api.example-shop.com/v2/customers/cus_404/orders?include=items" in line for line in error_lines)
    assert any("{{ $json.customer_id }}" in line for line in error_lines)
    assert " ".join(line.strip() for line in error_lines) == f"failed at fetch_customer: {LONG_ERROR}"


def test_import_listing_names_each_file(migrated_url: str, tmp_path: Path) -> None:
    first = _write(tmp_path, "first.json", make_bundle())
    second = _write(tmp_path, "second.json", make_bundle(execution=make_execution(execution_id="813")))

    result = _autofix(migrated_url, "import", first, second)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    first_line = lines.index(f"file: {first}")
    second_line = lines.index(f"file: {second}")
    assert first_line < _line_index(lines, "execution 812") < second_line < _line_index(lines, "execution 813")


def _line_index(lines: list[str], part: str) -> int:
    return next(index for index, line in enumerate(lines) if part in line)


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.stdout == f"autofix {importlib.metadata.version('autofix')}\n"


@pytest.mark.parametrize("command", [["--help"], ["import", "--help"], ["failures", "--help"], ["db", "--help"]])
def test_help_shows_no_type_labels(command: list[str]) -> None:
    result = runner.invoke(app, command, env={"COLUMNS": "80"})

    assert result.exit_code == 0, result.output
    assert re.search(r"<[a-z][^>]*>", result.stdout) is None


def test_import_help_names_file_argument() -> None:
    result = runner.invoke(app, ["import", "--help"], env={"COLUMNS": "80"})

    assert re.search(r"^  FILE\.\.\.  Failure bundle JSON files\.", result.stdout, re.MULTILINE)
