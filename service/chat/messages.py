"""Chat on a stored analysis: send a message (whole or streamed), list the messages, rate-limit per workspace.

On SQLite the checkpointer writes through its own connection to the same file, so a turn runs
before this module writes through the caller's session; a caller that has already written in
its open transaction makes the checkpointer wait for that lock.
"""

import json
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.chat import (
    ChatAnalysis,
    ChatConfig,
    ChatEvent,
    chat_history,
    check_message,
    require_chat_model,
    stream_chat_turn,
    user_message_times,
)
from service.analyses.store import workspace_policy
from service.chat.checkpoints import open_checkpointer
from service.chat.config import chat_config
from service.db.models import AiFixSuggestion, ChatThread, Execution, Workspace
from service.executions.bundle_loader import load_bundle
from service.settings import Settings
from tools.intake import prepare_bundle

log = structlog.stdlib.get_logger(__name__)

RATE_WINDOW = timedelta(minutes=1)

# Analyses with a diagnosis to talk about; queued and running ones have none yet.
_CHAT_STATUSES = frozenset({"pending", "applied", "dismissed"})


@dataclass(frozen=True)
class ChatReply:
    """The assistant's reply, and the suggestions it appended to the analysis (source "chat")."""

    reply: str
    suggestions_added: list[dict[str, Any]] = field(default_factory=list)


class AnalysisNotFound(LookupError):
    def __init__(self, workspace_id: str, analysis_id: str) -> None:
        super().__init__(f"analysis {analysis_id} not found in workspace {workspace_id}")


class AnalysisNotReady(ValueError):
    """The analysis has no diagnosis to talk about yet, or it ended in an error."""


class ChatRateLimited(Exception):
    """The workspace sent its maximum of chat messages in the last minute."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"the workspace sent {limit} chat messages in the last minute, the maximum; retry in {retry_after} s"
        )
        self.limit = limit
        self.retry_after = retry_after


async def send_message(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    analysis_id: str,
    text: str,
    *,
    chat_model: BaseChatModel | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
) -> ChatReply:
    """Answer one user message on an analysis and append the suggestions it added; the caller commits.

    `workspace_id` is LinkFlow's workspace id and `analysis_id` the analysis's UUID.
    `checkpointer` is a long-lived one from the app; without it one is opened for this call.

    Raises:
        ChatNeedsModel: no model is given or configured.
        ChatMessageInvalid: the message is empty or longer than the maximum.
        AnalysisNotFound: no such analysis in that workspace.
        AnalysisNotReady: the analysis is queued, running or failed.
        ChatRateLimited: the workspace's messages in the last minute reached the limit.
        DefinitionMissing, BundleRejected: the analysed execution can no longer be rebuilt.
    """
    reply = None
    events = stream_message(
        session, settings, workspace_id, analysis_id, text, chat_model=chat_model, checkpointer=checkpointer
    )
    async for event in events:
        if event.event == "end":
            reply = ChatReply(reply=event.data["reply"], suggestions_added=event.data["suggestions_added"])
    assert reply is not None, "a streamed chat turn always ends with an end event"
    return reply


async def stream_message(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    analysis_id: str,
    text: str,
    *,
    chat_model: BaseChatModel | None = None,
    checkpointer: BaseCheckpointSaver | None = None,
) -> AsyncIterator[ChatEvent]:
    """Yield the events of one turn: "text" chunks, a "suggestion" per added one, then "end".

    The suggestions are appended to the analysis before "end" is yielded. Every error of
    `send_message` raises at the first iteration, before any event, so a route can start its
    event stream only after the first event arrived.
    """
    config = chat_config(settings)
    model = require_chat_model(config, chat_model)
    message = check_message(text, config)
    row, workspace = await _chat_analysis_row(session, workspace_id, analysis_id)
    analysis = await _chat_analysis(session, settings, row, workspace)

    async with _checkpointer(settings, checkpointer) as saver:
        await _check_rate_limit(session, saver, workspace, str(row.id), config)
        async for event in stream_chat_turn(analysis, message, config=config, checkpointer=saver, chat_model=model):
            if event.event == "end":
                await _store_turn(session, row, event.data["suggestions_added"])
            yield event


async def list_messages(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    analysis_id: str,
    *,
    checkpointer: BaseCheckpointSaver | None = None,
) -> list[dict[str, Any]]:
    """List the chat's user and assistant messages, oldest first: {"role", "content", "created_at"}.

    Tool calls and their results are left out. An analysis without a chat has an empty list.

    Raises:
        AnalysisNotFound: no such analysis in that workspace.
    """
    row, _ = await _chat_analysis_row(session, workspace_id, analysis_id)
    async with _checkpointer(settings, checkpointer) as saver:
        return await chat_history(saver, str(row.id))


async def analysis_workspace(session: AsyncSession, analysis_id: str) -> str:
    """Return LinkFlow's id of the workspace an analysis belongs to.

    Raises:
        AnalysisNotFound: no analysis has that id.
    """
    parsed = _parse_uuid(analysis_id)
    statement = (
        select(Workspace.external_id)
        .join(AiFixSuggestion, AiFixSuggestion.workspace_id == Workspace.id)
        .where(AiFixSuggestion.id == parsed)
    )
    external_id = await session.scalar(statement) if parsed is not None else None
    if external_id is None:
        raise AnalysisNotFound("any", analysis_id)
    return external_id


async def _chat_analysis_row(
    session: AsyncSession, workspace_id: str, analysis_id: str
) -> tuple[AiFixSuggestion, Workspace]:
    parsed = _parse_uuid(analysis_id)
    workspace = await session.scalar(select(Workspace).where(Workspace.external_id == workspace_id))
    row = await session.get(AiFixSuggestion, parsed) if parsed is not None and workspace is not None else None
    if row is None or row.workspace_id != workspace.id:
        raise AnalysisNotFound(workspace_id, analysis_id)
    return row, workspace


async def _chat_analysis(
    session: AsyncSession, settings: Settings, row: AiFixSuggestion, workspace: Workspace
) -> ChatAnalysis:
    if row.status not in _CHAT_STATUSES:
        raise AnalysisNotReady(
            f"analysis {row.id} is {row.status}; the chat opens once the analysis is done "
            f"(status {', '.join(sorted(_CHAT_STATUSES))})"
        )

    execution = await session.get(Execution, row.execution_id)
    bundle = await load_bundle(session, workspace.external_id, execution.external_id)
    # Stored data passed intake once; passing it again gives the chat the analysis's exact input.
    prepared = prepare_bundle(json.dumps(bundle).encode("utf-8"), settings.intake_limits())
    suggestions = list(row.suggestions or [])
    return ChatAnalysis(
        analysis_id=str(row.id),
        diagnosis=row.diagnosis,
        failure_kind=suggestions[0]["failure_kind"] if suggestions else "other",
        suggestions=suggestions,
        bundle=prepared.raw,
        policy=await workspace_policy(session, workspace.id),
    )


async def _check_rate_limit(
    session: AsyncSession, checkpointer: BaseCheckpointSaver, workspace: Workspace, thread_id: str, config: ChatConfig
) -> None:
    # NOTE: this reads every chat thread of the workspace from the checkpointer, one query each.
    # That suits dozens of threads. A table of message times would scale further.
    statement = select(ChatThread.analysis_id).where(ChatThread.workspace_id == workspace.id)
    thread_ids = {str(value) for value in await session.scalars(statement)}
    thread_ids.add(thread_id)

    now = datetime.now(UTC)
    window_start = now - RATE_WINDOW
    recent: list[datetime] = []
    for thread in thread_ids:
        recent.extend(moment for moment in await user_message_times(checkpointer, thread) if moment > window_start)
    recent.sort()
    limit = config.messages_per_minute
    if len(recent) < limit:
        return

    # The next message fits once enough of the window's messages are older than a minute.
    frees_at = recent[len(recent) - limit] + RATE_WINDOW
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    log.info("chat message rate-limited", workspace=workspace.external_id, limit=limit, retry_after=retry_after)
    raise ChatRateLimited(limit, retry_after)


async def _store_turn(session: AsyncSession, row: AiFixSuggestion, added: list[dict[str, Any]]) -> None:
    thread = await session.scalar(select(ChatThread).where(ChatThread.analysis_id == row.id))
    if thread is None:
        session.add(ChatThread(analysis_id=row.id, workspace_id=row.workspace_id))
    if added:
        # A new list object, because SQLAlchemy detects a JSON column change only by assignment.
        row.suggestions = [*(row.suggestions or []), *added]
    await session.flush()


@asynccontextmanager
async def _checkpointer(settings: Settings, given: BaseCheckpointSaver | None) -> AsyncIterator[BaseCheckpointSaver]:
    if given is not None:
        yield given
        return
    async with open_checkpointer(settings.database_url) as saver:
        yield saver


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
