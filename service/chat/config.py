"""The chat's settings, read from the deployment settings."""

from agent.chat import ChatConfig
from agent.chat.config import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_MODEL_STEPS,
    DEFAULT_MESSAGES_PER_MINUTE,
)
from service.settings import Settings


def chat_config(settings: Settings) -> ChatConfig:
    """Build the chat's model settings and limits from the deployment settings.

    The model is the analysis's (AUTOFIX_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL).
    """
    # NOTE: Settings has no chat fields yet, so the defaults apply until `chat_max_message_chars`
    # (characters), `chat_max_model_steps` (model calls per message) and `chat_messages_per_minute`
    # (user messages per workspace) are added there.
    return ChatConfig(
        agent=settings.agent_config(),
        max_message_chars=getattr(settings, "chat_max_message_chars", DEFAULT_MAX_MESSAGE_CHARS),
        max_model_steps=getattr(settings, "chat_max_model_steps", DEFAULT_MAX_MODEL_STEPS),
        messages_per_minute=getattr(settings, "chat_messages_per_minute", DEFAULT_MESSAGES_PER_MINUTE),
    )
