"""The chat as a LangGraph graph: the model answers with tools until it writes text, then notes are added.

Each user message is one run of the graph on the analysis's thread. The checkpointer keeps the
messages; the analysis's context comes from the runtime context on every model call.
"""

import asyncio
from datetime import UTC, datetime
from functools import cache
from typing import Any

import structlog
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agent.chat.state import ChatRuntime, ChatState
from agent.chat.tools import chat_tools, run_chat_tool
from agent.model_input import to_model_json

log = structlog.stdlib.get_logger(__name__)

CREATED_AT = "created_at"


def chat_graph(checkpointer: BaseCheckpointSaver) -> CompiledStateGraph:
    """Compile the chat graph on a checkpointer; the graph itself holds no per-thread data."""
    return _builder().compile(checkpointer=checkpointer)


def recursion_limit(max_model_steps: int) -> int:
    # Each model step is at most two graph steps (model, tools), then the step-limit note and the report.
    return 2 * max_model_steps + 4


def now_text() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def note(text: str) -> AIMessage:
    """Build an assistant message that Auto-Fix writes itself, such as why a proposal was not added."""
    return AIMessage(content=text, response_metadata={CREATED_AT: now_text(), "author": "autofix"})


@cache
def _builder() -> StateGraph:
    graph = StateGraph(ChatState, context_schema=ChatRuntime)
    graph.add_node("model", model_turn)
    graph.add_node("tools", run_tools)
    graph.add_node("report", report)

    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", _after_model, {"tools": "tools", "report": "report"})
    graph.add_edge("tools", "model")
    graph.add_edge("report", END)
    return graph


async def model_turn(state: ChatState, runtime: Runtime[ChatRuntime]) -> dict[str, Any]:
    """Ask the model for its next step, unless this message's step limit is reached."""
    chat = runtime.context
    steps = state.get("model_steps", 0)
    if steps >= chat.config.max_model_steps:
        text = f"I stopped after {steps} model steps without a final answer. Ask again, or narrow the question."
        return {"messages": [note(text)]}

    try:
        response = await chat.chat_model.bind_tools(chat_tools()).ainvoke([*chat.opening, *state["messages"]])
    except Exception as error:  # noqa: BLE001 - the model is an outside service: any failure ends this turn
        log.warning("chat model request failed", error=type(error).__name__, detail=str(error)[:200])
        text = f"The model request failed ({type(error).__name__}), so this message has no answer. Send it again later."
        return {"messages": [note(text)], "model_steps": steps + 1}

    response.response_metadata = {**(response.response_metadata or {}), CREATED_AT: now_text()}
    return {"messages": [response], "model_steps": steps + 1}


async def run_tools(state: ChatState, runtime: Runtime[ChatRuntime]) -> dict[str, Any]:
    """Run the tool calls of the model's last message; replay is CPU-bound, so it runs in a worker thread."""
    return await asyncio.to_thread(_run_tool_calls, state, runtime.context)


def report(state: ChatState) -> dict[str, Any]:
    """Say which proposals were not added, and that the model gave no text, whatever the model wrote."""
    notes = [
        f"Not added to the analysis: {item['description']} ({item['detail']})" for item in state.get("turn_rejected", [])
    ]
    if not turn_texts(state["messages"]) and not notes:
        notes.append("The model gave no answer to this message.")
    return {"messages": [note(text) for text in notes]} if notes else {}


def turn_texts(messages: list[BaseMessage]) -> list[str]:
    """List the assistant texts written since the last user message."""
    texts: list[str] = []
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.text.strip():
            texts.append(message.text)
    return list(reversed(texts))


def _run_tool_calls(state: ChatState, chat: ChatRuntime) -> dict[str, Any]:
    response = state["messages"][-1]
    added = list(state.get("turn_added", []))
    rejected = list(state.get("turn_rejected", []))
    messages: list[ToolMessage] = []

    for invalid in getattr(response, "invalid_tool_calls", []) or []:
        detail = f"arguments of {invalid.get('name')} are not valid JSON: {invalid.get('error') or 'parse failed'}"
        messages.append(_tool_message(invalid.get("id"), {"error": {"code": "invalid_json", "message": detail}}, chat))

    for call in response.tool_calls:
        outcome = run_chat_tool(call["name"], call["args"], chat, added)
        messages.append(_tool_message(call["id"], outcome.result, chat))
        if outcome.added is not None:
            added.append(outcome.added)
        if outcome.rejected is not None:
            rejected.append(outcome.rejected)

    return {"messages": messages, "turn_added": added, "turn_rejected": rejected}


def _after_model(state: ChatState) -> str:
    last = state["messages"][-1]
    has_calls = isinstance(last, AIMessage) and bool(last.tool_calls or last.invalid_tool_calls)
    return "tools" if has_calls else "report"


def _tool_message(call_id: str | None, result: dict[str, Any], chat: ChatRuntime) -> ToolMessage:
    return ToolMessage(content=to_model_json(result, masked_fields=chat.masked_fields), tool_call_id=call_id or "unknown")
