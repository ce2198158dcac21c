"""One chat turn on an analysis, whole or streamed, and the thread's history as the user sees it."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import structlog
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from agent.chat.config import ChatConfig, ChatNeedsModel, check_message
from agent.chat.context import ChatAnalysis, build_runtime
from agent.chat.graph import (
    CREATED_AT,
    chat_graph,
    now_text,
    recursion_limit,
    turn_texts,
)
from agent.model import create_chat_model

log = structlog.stdlib.get_logger(__name__)

# Nodes whose assistant text reaches the user; the tools node writes only tool messages.
_TEXT_NODES = frozenset({"model", "report"})

_PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class ChatTurn:
    """The assistant's reply to one user message, and the suggestions it added to the analysis."""

    reply: str
    suggestions_added: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ChatEvent:
    """One server-sent event of a streamed turn.

    `event` is "text" (data: {"text": chunk}), "suggestion" (data: {"suggestion": {...}}) or
    "end" (data: {"reply": the whole reply, "suggestions_added": [...]}).
    """

    event: Literal["text", "suggestion", "end"]
    data: dict[str, Any]


def require_chat_model(config: ChatConfig, chat_model: BaseChatModel | None = None) -> BaseChatModel:
    """Return the given model, else the configured one; raise ChatNeedsModel when there is neither."""
    if chat_model is not None:
        return chat_model
    if not config.agent.model_enabled:
        raise ChatNeedsModel()
    return create_chat_model(config.agent)


async def chat_turn(
    analysis: ChatAnalysis,
    text: str,
    *,
    config: ChatConfig,
    checkpointer: BaseCheckpointSaver,
    chat_model: BaseChatModel | None = None,
) -> ChatTurn:
    """Answer one user message on the analysis's thread and return the reply.

    Raises:
        ChatNeedsModel: no model is given or configured.
        ChatMessageInvalid: the message is empty or too long.
    """
    turn = None
    async for event in stream_chat_turn(analysis, text, config=config, checkpointer=checkpointer, chat_model=chat_model):
        if event.event == "end":
            turn = ChatTurn(reply=event.data["reply"], suggestions_added=event.data["suggestions_added"])
    assert turn is not None, "a streamed chat turn always ends with an end event"
    return turn


async def stream_chat_turn(
    analysis: ChatAnalysis,
    text: str,
    *,
    config: ChatConfig,
    checkpointer: BaseCheckpointSaver,
    chat_model: BaseChatModel | None = None,
) -> AsyncIterator[ChatEvent]:
    """Answer one user message, yielding text chunks as the model writes them, each added suggestion, then "end".

    A model that does not stream gives each of its messages as one chunk. The checks of
    `chat_turn` raise at the first iteration, before any event.
    """
    model = require_chat_model(config, chat_model)
    message = check_message(text, config)
    runtime = await asyncio.to_thread(build_runtime, analysis, config, model)
    graph = chat_graph(checkpointer)
    run_config = _run_config(analysis.analysis_id, config)

    streamed = _TextStream()
    added_count = 0
    async for mode, chunk in graph.astream(
        _turn_input(message), run_config, context=runtime, stream_mode=["messages", "updates"]
    ):
        if mode == "messages":
            piece = streamed.piece(*chunk)
            if piece:
                yield ChatEvent("text", {"text": piece})
            continue

        for suggestion in _added_in(chunk)[added_count:]:
            added_count += 1
            yield ChatEvent("suggestion", {"suggestion": suggestion})

    state = (await graph.aget_state(run_config)).values
    turn = ChatTurn(reply=_PARAGRAPH_BREAK.join(turn_texts(state["messages"])), suggestions_added=state["turn_added"])
    log.info(
        "chat turn finished",
        analysis=analysis.analysis_id,
        model_steps=state.get("model_steps", 0),
        suggestions_added=len(turn.suggestions_added),
        proposals_rejected=len(state.get("turn_rejected", [])),
    )
    yield ChatEvent("end", {"reply": turn.reply, "suggestions_added": turn.suggestions_added})


async def chat_history(checkpointer: BaseCheckpointSaver, thread_id: str) -> list[dict[str, Any]]:
    """List the user's messages and the assistant's text replies, oldest first, without tool calls or results."""
    messages = await _thread_messages(checkpointer, thread_id)
    history = []
    for message in messages:
        entry = _history_entry(message)
        if entry is not None:
            history.append(entry)
    return history


async def user_message_times(checkpointer: BaseCheckpointSaver, thread_id: str) -> list[datetime]:
    """List when each user message of a thread was sent, for rate limits."""
    times = []
    for message in await _thread_messages(checkpointer, thread_id):
        stamp = message.additional_kwargs.get(CREATED_AT) if isinstance(message, HumanMessage) else None
        if stamp:
            times.append(datetime.fromisoformat(stamp))
    return times


def _turn_input(text: str) -> dict[str, Any]:
    user_message = HumanMessage(content=text, id=str(uuid.uuid4()), additional_kwargs={CREATED_AT: now_text()})
    return {"messages": [user_message], "model_steps": 0, "turn_added": [], "turn_rejected": []}


def _run_config(thread_id: str, config: ChatConfig) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}, "recursion_limit": recursion_limit(config.max_model_steps)}


async def _thread_messages(checkpointer: BaseCheckpointSaver, thread_id: str) -> list[BaseMessage]:
    snapshot = await chat_graph(checkpointer).aget_state({"configurable": {"thread_id": thread_id}})
    return list(snapshot.values.get("messages", []))


def _history_entry(message: BaseMessage) -> dict[str, Any] | None:
    if isinstance(message, HumanMessage):
        return _entry("user", message.text, message.additional_kwargs.get(CREATED_AT))
    if isinstance(message, AIMessage) and message.text.strip():
        return _entry("assistant", message.text, (message.response_metadata or {}).get(CREATED_AT))
    return None


def _entry(role: str, content: str, created_at: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"role": role, "content": content}
    if created_at:
        entry["created_at"] = created_at
    return entry


def _added_in(update: dict[str, Any]) -> list[dict[str, Any]]:
    tools_update = update.get("tools") or {}
    return list(tools_update.get("turn_added") or [])


class _TextStream:
    """Turn streamed assistant messages into text chunks, with a paragraph break between messages."""

    def __init__(self) -> None:
        self._current_id: str | None = None
        self._any_text = False

    def piece(self, message: BaseMessage, metadata: dict[str, Any]) -> str:
        if metadata.get("langgraph_node") not in _TEXT_NODES or not isinstance(message, AIMessage):
            return ""
        text = message.text
        if not text:
            return ""

        prefix = ""
        if message.id != self._current_id:
            prefix = _PARAGRAPH_BREAK if self._any_text else ""
            self._current_id = message.id
        self._any_text = True
        return prefix + text
