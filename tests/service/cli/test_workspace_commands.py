"""`autofix workspace create` and `autofix token create|list|revoke`, against real databases."""

import asyncio
import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from service.auth.tokens import hash_token
from service.cli import app
from service.db import create_engine, session_factory
from service.db.models import ApiToken
from service.settings import Settings

runner = CliRunner()
TOKEN_ID = re.compile(r"token ([0-9a-f-]{36}) for workspace")


def _autofix(database_url: str, *args: str) -> Result:
    return runner.invoke(app, list(args), env={"AUTOFIX_DATABASE_URL": database_url, "COLUMNS": "250"})


@pytest.fixture
def migrated_url(database_url: str) -> str:
    result = _autofix(database_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    return database_url


def _stored_tokens(database_url: str) -> list[ApiToken]:
    async def read() -> list[ApiToken]:
        engine = create_engine(Settings(database_url=database_url))
        try:
            async with session_factory(engine)() as session:
                return list(await session.scalars(select(ApiToken)))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _create_token(database_url: str) -> tuple[str, str]:
    result = _autofix(database_url, "token", "create", "--workspace", "ws_acme", "--name", "ci")
    assert result.exit_code == 0, result.output
    match = TOKEN_ID.search(result.stdout)
    assert match is not None
    return match.group(1), result.stdout.splitlines()[-1]


def test_workspace_create_reports_it(migrated_url: str) -> None:
    result = _autofix(migrated_url, "workspace", "create", "ws_acme", "--name", "Acme")

    assert result.exit_code == 0, result.output
    assert "workspace ws_acme created" in result.stdout


def test_workspace_create_twice_fails(migrated_url: str) -> None:
    _autofix(migrated_url, "workspace", "create", "ws_acme")

    result = _autofix(migrated_url, "workspace", "create", "ws_acme")

    assert result.exit_code == 2
    assert "workspace ws_acme already exists" in result.stderr


def test_token_create_prints_token_and_stores_hash(migrated_url: str) -> None:
    _autofix(migrated_url, "workspace", "create", "ws_acme")

    token_id, secret = _create_token(migrated_url)

    stored = _stored_tokens(migrated_url)
    assert secret.startswith("afx_")
    assert [str(token.id) for token in stored] == [token_id]
    assert stored[0].token_hash == hash_token(secret)
    assert stored[0].prefix == secret[: len(stored[0].prefix)]
    assert all(secret not in str(value) for value in vars(stored[0]).values())


def test_token_create_unknown_workspace_fails(migrated_url: str) -> None:
    result = _autofix(migrated_url, "token", "create", "--workspace", "ws_missing")

    assert result.exit_code == 2
    assert "workspace ws_missing not found" in result.stderr


def test_token_list_shows_prefix_not_token(migrated_url: str) -> None:
    _autofix(migrated_url, "workspace", "create", "ws_acme")
    token_id, secret = _create_token(migrated_url)

    result = _autofix(migrated_url, "token", "list", "--workspace", "ws_acme")

    assert result.exit_code == 0, result.output
    assert token_id in result.stdout
    assert secret[:12] in result.stdout
    assert secret not in result.stdout
    assert "active" in result.stdout


def test_token_revoke_marks_token_revoked(migrated_url: str) -> None:
    _autofix(migrated_url, "workspace", "create", "ws_acme")
    token_id, _ = _create_token(migrated_url)

    result = _autofix(migrated_url, "token", "revoke", token_id)
    listing = _autofix(migrated_url, "token", "list", "--workspace", "ws_acme")

    assert result.exit_code == 0, result.output
    assert f"token {token_id} revoked" in result.stdout
    assert "revoked" in listing.stdout
    assert _stored_tokens(migrated_url)[0].revoked_at is not None


@pytest.mark.parametrize(
    ("token_id", "message"),
    [("not-a-uuid", "invalid token id"), ("00000000-0000-0000-0000-000000000000", "no API token with id")],
)
def test_token_revoke_bad_id_fails(migrated_url: str, token_id: str, message: str) -> None:
    result = _autofix(migrated_url, "token", "revoke", token_id)

    assert result.exit_code == 2
    assert message in result.stderr
