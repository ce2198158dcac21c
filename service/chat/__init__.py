"""Chat on a stored analysis: the service functions the REST route and the CLI call."""

from agent.chat import ChatEvent, ChatMessageInvalid, ChatNeedsModel
from service.chat.checkpoints import open_checkpointer, setup_chat_storage
from service.chat.config import chat_config
from service.chat.messages import (
    AnalysisNotFound,
    AnalysisNotReady,
    ChatRateLimited,
    ChatReply,
    analysis_workspace,
    list_messages,
    send_message,
    stream_message,
)

__all__ = [
    "AnalysisNotFound",
    "AnalysisNotReady",
    "ChatEvent",
    "ChatMessageInvalid",
    "ChatNeedsModel",
    "ChatRateLimited",
    "ChatReply",
    "analysis_workspace",
    "chat_config",
    "list_messages",
    "open_checkpointer",
    "send_message",
    "setup_chat_storage",
    "stream_message",
]
