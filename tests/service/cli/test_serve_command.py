"""`autofix serve`: runs the app with uvicorn, or fails when uvicorn is missing."""

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from litestar import Litestar
from typer.testing import CliRunner

from service.cli import app

runner = CliRunner()


class _FakeUvicorn(ModuleType):
    def __init__(self) -> None:
        super().__init__("uvicorn")
        self.calls: list[dict[str, Any]] = []

    def run(self, application: Any, **options: Any) -> None:
        self.calls.append({"app": application, **options})


def test_serve_runs_app_on_host_and_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _FakeUvicorn()
    monkeypatch.setitem(sys.modules, "uvicorn", fake)
    env = {"AUTOFIX_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"}

    result = runner.invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123"], env=env)

    assert result.exit_code == 0, result.output
    assert len(fake.calls) == 1
    assert isinstance(fake.calls[0]["app"], Litestar)
    assert fake.calls[0]["host"] == "127.0.0.1"
    assert fake.calls[0]["port"] == 8123
    assert (tmp_path / "serve.db").exists()


def test_serve_without_uvicorn_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import uvicorn` raise ModuleNotFoundError.
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    env = {"AUTOFIX_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"}

    result = runner.invoke(app, ["serve"], env=env)

    assert result.exit_code == 1
    assert "uvicorn is not installed" in result.stderr
