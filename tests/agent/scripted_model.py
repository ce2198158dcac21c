"""A scripted chat model for agent tests: it answers with prepared messages, in order, and keeps
every request it received, so a test can check what would have been sent to a provider."""

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

Step = AIMessage | Exception | Callable[[list[BaseMessage]], AIMessage]


class ScriptedChatModel(BaseChatModel):
    """Returns each scripted step in turn; an exception step is raised, as a failing provider would."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    steps: list[Any]
    model_name: str = "scripted-model"
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[Any] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **_: Any) -> "ScriptedChatModel":
        self.bound_tools = list(tools)
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **_: Any,
    ) -> ChatResult:
        self.requests.append(list(messages))
        if not self.steps:
            raise AssertionError("the scripted model ran out of steps")

        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        message = step(messages) if callable(step) else step
        return ChatResult(generations=[ChatGeneration(message=message)])


def tool_call(name: str, args: dict[str, Any], call_id: str, *, tokens: int = 100) -> AIMessage:
    """An assistant message that calls one tool, with provider-style usage figures."""
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}],
        usage_metadata={"input_tokens": tokens - 20, "output_tokens": 20, "total_tokens": tokens},
    )


def invalid_tool_call(name: str, raw_arguments: str, call_id: str) -> AIMessage:
    """An assistant message whose tool arguments are not valid JSON."""
    return AIMessage(
        content="",
        invalid_tool_calls=[
            {"name": name, "args": raw_arguments, "id": call_id, "error": "not valid JSON", "type": "invalid_tool_call"}
        ],
        usage_metadata={"input_tokens": 50, "output_tokens": 10, "total_tokens": 60},
    )
