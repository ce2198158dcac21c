"""The chat-model factory: ChatOpenAI against any OpenAI-compatible server."""

from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from agent.config import AgentConfig

# A local server (vLLM, Ollama) may need no key, but the client library insists on one.
_PLACEHOLDER_KEY = "not-needed"


def create_chat_model(config: AgentConfig) -> BaseChatModel:
    """Build the configured chat model; the analysis handles 429s and 5xx itself, so no retries."""
    if not config.model:
        raise ValueError("no model configured: set AUTOFIX_MODEL to use the model path")

    return ChatOpenAI(
        model=config.model,
        api_key=config.api_key or _PLACEHOLDER_KEY,
        base_url=config.base_url,
        timeout=config.request_timeout_seconds,
        max_retries=0,
        temperature=0,
    )
