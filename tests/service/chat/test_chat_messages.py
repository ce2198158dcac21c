"""Chat service functions on an analysis stored by `autofix analyze`, on SQLite and PostgreSQL."""

import asyncio
import json
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from agent.chat import ChatMessageInvalid, ChatNeedsModel
from agent.config import AgentConfig
from service.chat import (
    AnalysisNotFound,
    ChatRateLimited,
    chat_config,
    list_messages,
    open_checkpointer,
    send_message,
    setup_chat_storage,
    stream_message,
)
from service.db import session_factory
from service.db.models import AiFixSuggestion, ChatThread
from tests.agent.chat.chat_helpers import CHAT_TEXT_EDIT, answer, propose
from tests.agent.samples import SAMPLES_DIR
from tests.agent.scripted_model import ScriptedChatModel, tool_call
from tests.service.cli.cli_helpers import autofix

SAMPLE = str(SAMPLES_DIR / "incident_alert_data_mapping.json")
WORKSPACE = "ws_helio"


@pytest.fixture
def analysis_id(database_url: str) -> str:
    upgraded = autofix(database_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    result = autofix(database_url, "analyze", SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    asyncio.run(setup_chat_storage(database_url))
    return json.loads(result.stdout)["analysis_id"]


def _model(*steps):
    return ScriptedChatModel(steps=list(steps))


async def _stored_row(engine: AsyncEngine, analysis_id: str) -> AiFixSuggestion:
    async with session_factory(engine)() as fresh:
        return await fresh.get(AiFixSuggestion, uuid.UUID(analysis_id))


async def test_send_message_appends_chat_suggestion(analysis_id, settings, session, engine):
    model = _model(propose("call_1", [CHAT_TEXT_EDIT]), answer("I added a fix that reads severity."))

    reply = await send_message(session, settings, WORKSPACE, analysis_id, "could we show severity first?", chat_model=model)
    await session.commit()

    assert reply.reply == "I added a fix that reads severity."
    assert [item["source"] for item in reply.suggestions_added] == ["chat"]
    stored = await _stored_row(engine, analysis_id)
    assert stored.suggestions[-1] == reply.suggestions_added[0]
    assert stored.suggestions[0]["source"] == "rule:data_mapping"


async def test_first_message_creates_one_thread(analysis_id, settings, session):
    for text in ("what failed?", "why not just retry?"):
        await send_message(session, settings, WORKSPACE, analysis_id, text, chat_model=_model(answer("Because.")))
        await session.commit()

    threads = list(await session.scalars(select(ChatThread)))
    assert [str(thread.analysis_id) for thread in threads] == [analysis_id]


async def test_list_messages_returns_text_turns(analysis_id, settings, session):
    model = _model(tool_call("get_snapshot", {"node_id": "post_alert"}, "call_1"), answer("Five incidents."))
    await send_message(session, settings, WORKSPACE, analysis_id, "what did the node receive?", chat_model=model)
    await session.commit()

    messages = await list_messages(session, settings, WORKSPACE, analysis_id)

    assert [(item["role"], item["content"]) for item in messages] == [
        ("user", "what did the node receive?"),
        ("assistant", "Five incidents."),
    ]


async def test_list_messages_without_chat_is_empty(analysis_id, settings, session):
    assert await list_messages(session, settings, WORKSPACE, analysis_id) == []


async def test_history_read_by_new_checkpointer(analysis_id, settings, session):
    async with open_checkpointer(settings.database_url) as first:
        model = _model(answer("A mapping error."))
        await send_message(session, settings, WORKSPACE, analysis_id, "what failed?", chat_model=model, checkpointer=first)
    await session.commit()

    async with open_checkpointer(settings.database_url) as second:
        messages = await list_messages(session, settings, WORKSPACE, analysis_id, checkpointer=second)

    assert [item["content"] for item in messages] == ["what failed?", "A mapping error."]


async def test_stream_message_events_and_storage(analysis_id, settings, session, engine):
    model = _model(propose("call_1", [CHAT_TEXT_EDIT]), answer("Added."))

    events = [
        event async for event in stream_message(session, settings, WORKSPACE, analysis_id, "another fix?", chat_model=model)
    ]
    await session.commit()

    assert [event.event for event in events] == ["suggestion", "text", "end"]
    stored = await _stored_row(engine, analysis_id)
    assert stored.suggestions[-1]["source"] == "chat"


async def test_send_message_without_model_raises(analysis_id, settings, session):
    with pytest.raises(ChatNeedsModel, match="AUTOFIX_MODEL"):
        await send_message(session, settings, WORKSPACE, analysis_id, "why not just retry?")


async def test_send_message_too_long_raises(analysis_id, settings, session):
    model = _model(answer("unused"))

    with pytest.raises(ChatMessageInvalid, match="4000"):
        await send_message(session, settings, WORKSPACE, analysis_id, "x" * 4_001, chat_model=model)

    assert model.requests == []


@pytest.mark.parametrize(
    ("workspace", "analysis"),
    [("ws_other", None), (WORKSPACE, "00000000-0000-0000-0000-000000000000"), (WORKSPACE, "not-a-uuid")],
    ids=["other-workspace", "unknown-id", "malformed-id"],
)
async def test_send_message_unknown_analysis_raises(analysis_id, settings, session, workspace, analysis):
    with pytest.raises(AnalysisNotFound):
        await send_message(session, settings, workspace, analysis or analysis_id, "hello", chat_model=_model(answer("x")))


async def test_rate_limit_counts_workspace_messages(analysis_id, settings, session, monkeypatch):
    limited = replace(chat_config(settings), agent=AgentConfig(model="scripted-model"), messages_per_minute=2)
    monkeypatch.setattr("service.chat.messages.chat_config", lambda _: limited)
    for text in ("first", "second"):
        await send_message(session, settings, WORKSPACE, analysis_id, text, chat_model=_model(answer("ok")))
        await session.commit()

    with pytest.raises(ChatRateLimited) as raised:
        await send_message(session, settings, WORKSPACE, analysis_id, "third", chat_model=_model(answer("ok")))

    assert 1 <= raised.value.retry_after <= 60
    assert raised.value.limit == 2
