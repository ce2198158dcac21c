"""The chat's model settings and limits, and the errors a message is rejected with before any model call."""

from dataclasses import dataclass, field

from agent.config import AgentConfig

DEFAULT_MAX_MESSAGE_CHARS = 4_000
DEFAULT_MAX_MODEL_STEPS = 6
DEFAULT_MESSAGES_PER_MINUTE = 20


@dataclass(frozen=True)
class ChatConfig:
    """Model settings and bounds for the chat on an analysis, built by the caller from its settings.

    `agent` carries the model, key and base URL the analysis uses. `max_model_steps` bounds the
    model calls answering one user message. `messages_per_minute` is the rate limit of user
    messages per workspace, which the service enforces.
    """

    agent: AgentConfig = field(default_factory=AgentConfig)
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_model_steps: int = DEFAULT_MAX_MODEL_STEPS
    messages_per_minute: int = DEFAULT_MESSAGES_PER_MINUTE


class ChatNeedsModel(RuntimeError):
    """No chat model is configured; the chat has no rule-based fallback."""

    def __init__(self) -> None:
        super().__init__(
            "the chat needs a model, and none is configured: set AUTOFIX_MODEL to the model name "
            "(such as gpt-4.1-mini), OPENAI_API_KEY to its API key, and OPENAI_BASE_URL when the "
            "server is not OpenAI's"
        )


class ChatMessageInvalid(ValueError):
    """A user message that is empty or longer than the configured maximum."""


def check_message(text: str, config: ChatConfig) -> str:
    """Return the message without surrounding whitespace, or raise ChatMessageInvalid."""
    stripped = text.strip()
    if not stripped:
        raise ChatMessageInvalid("the message is empty; write a question or a request")
    if len(stripped) > config.max_message_chars:
        raise ChatMessageInvalid(
            f"the message has {len(stripped)} characters, more than the maximum of {config.max_message_chars}; "
            "shorten it or split it into several messages"
        )
    return stripped
