"""`autofix chat` with and without a model, one message and interactive."""

import json

import pytest

from service.cli import app
from tests.agent.chat.chat_helpers import CHAT_TEXT_EDIT, answer, propose
from tests.agent.samples import SAMPLES_DIR
from tests.agent.scripted_model import ScriptedChatModel
from tests.service.cli.cli_helpers import autofix, runner

SAMPLE = str(SAMPLES_DIR / "incident_alert_data_mapping.json")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'autofix.db'}"


@pytest.fixture
def analysis_id(sqlite_url: str) -> str:
    result = autofix(sqlite_url, "analyze", SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["analysis_id"]


def _interactive(database_url: str, analysis_id: str, lines: str):
    # cli_helpers.autofix passes keyword arguments as environment variables, so standard input needs invoke.
    environment = {"AUTOFIX_DATABASE_URL": database_url, "AUTOFIX_MODEL": "scripted-model"}
    return runner.invoke(app, ["chat", analysis_id], env=environment, input=lines)


def _script(monkeypatch, *steps) -> ScriptedChatModel:
    model = ScriptedChatModel(steps=list(steps))
    monkeypatch.setattr("agent.chat.conversation.create_chat_model", lambda _: model)
    return model


def test_chat_without_model_exits_2(sqlite_url, analysis_id):
    result = autofix(sqlite_url, "chat", analysis_id, "--message", "why not just retry?")

    assert result.exit_code == 2
    assert "the chat needs a model" in result.stderr
    assert "OPENAI_BASE_URL" in result.stderr


def test_chat_message_prints_reply_and_suggestion(sqlite_url, analysis_id, monkeypatch):
    _script(monkeypatch, propose("call_1", [CHAT_TEXT_EDIT]), answer("Added a fix [reads severity]."))

    result = autofix(sqlite_url, "chat", analysis_id, "--message", "another fix?", AUTOFIX_MODEL="scripted-model")

    assert result.exit_code == 0, result.output
    assert "autofix: Added a fix [reads severity]." in result.stdout
    assert "added suggestion (chat): Read severity in the alert text" in result.stdout
    assert "verification passed" in result.stdout


def test_chat_interactive_reads_until_exit(sqlite_url, analysis_id, monkeypatch):
    model = _script(monkeypatch, answer("A mapping error."), answer("A retry reads the same data."))

    result = _interactive(sqlite_url, analysis_id, "what failed?\nwhy not retry?\nexit\nnever sent\n")

    assert result.exit_code == 0, result.output
    assert "A mapping error." in result.stdout
    assert "A retry reads the same data." in result.stdout
    assert len(model.requests) == 2


def test_chat_interactive_ends_at_eof(sqlite_url, analysis_id, monkeypatch):
    _script(monkeypatch, answer("A mapping error."))

    result = _interactive(sqlite_url, analysis_id, "what failed?\n")

    assert result.exit_code == 0, result.output
    assert "A mapping error." in result.stdout


def test_chat_unknown_analysis_exits_2(sqlite_url, analysis_id, monkeypatch):
    _script(monkeypatch, answer("unused"))

    result = autofix(
        sqlite_url, "chat", "00000000-0000-0000-0000-000000000000", "-m", "hi", AUTOFIX_MODEL="scripted-model"
    )

    assert result.exit_code == 2
    assert "analysis 00000000-0000-0000-0000-000000000000 not found" in result.stderr


def test_chat_too_long_message_exits_2(sqlite_url, analysis_id, monkeypatch):
    _script(monkeypatch, answer("unused"))

    result = autofix(sqlite_url, "chat", analysis_id, "-m", "x" * 4_001, AUTOFIX_MODEL="scripted-model")

    assert result.exit_code == 2
    assert "more than the maximum of 4000" in result.stderr
