"""The chat's settings, read from the deployment settings."""

from agent.chat import ChatConfig
from service.settings import Settings


def chat_config(settings: Settings) -> ChatConfig:
    """Build the chat's model settings and limits from the deployment settings.

    The model is the analysis's (AUTOFIX_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL).
    """
    return ChatConfig(
        agent=settings.agent_config(),
        max_message_chars=settings.chat_max_message_chars,
        max_model_steps=settings.chat_max_model_steps,
        messages_per_minute=settings.chat_messages_per_minute,
    )
