"""Follow-up chat on a stored analysis: a LangGraph graph whose thread is the analysis."""

from agent.chat.config import (
    ChatConfig,
    ChatMessageInvalid,
    ChatNeedsModel,
    check_message,
)
from agent.chat.context import ChatAnalysis
from agent.chat.conversation import (
    ChatEvent,
    ChatTurn,
    chat_history,
    chat_turn,
    require_chat_model,
    stream_chat_turn,
    user_message_times,
)
from agent.chat.tools import CHAT_SOURCE, PROPOSE_SUGGESTION

__all__ = [
    "CHAT_SOURCE",
    "PROPOSE_SUGGESTION",
    "ChatAnalysis",
    "ChatConfig",
    "ChatEvent",
    "ChatMessageInvalid",
    "ChatNeedsModel",
    "ChatTurn",
    "chat_history",
    "chat_turn",
    "check_message",
    "require_chat_model",
    "stream_chat_turn",
    "user_message_times",
]
