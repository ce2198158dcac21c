"""The chat graph's checkpointed state and the per-call runtime context that is never stored."""

from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage, BaseMessage
from langgraph.graph.message import add_messages

from agent.calibration import CalibrationMap
from agent.chat.config import ChatConfig
from agent.context import FailureContext
from tools.agent_tools import ToolSession


class ChatState(TypedDict, total=False):
    """The state the checkpointer stores per thread; `turn_*` and `model_steps` restart with each user message."""

    messages: Annotated[list[AnyMessage], add_messages]
    model_steps: int
    turn_added: list[dict[str, Any]]
    turn_rejected: list[dict[str, Any]]


@dataclass(frozen=True)
class ChatRuntime:
    """Everything a chat turn reads besides its messages, rebuilt for every turn.

    `opening` is the system prompt and the analysis's context, sent before the stored messages on
    each model call, so a thread keeps no copy of them. `suggestions` is the analysis's list as
    stored before this turn; a new suggestion gets the index after them.
    """

    chat_model: BaseChatModel
    config: ChatConfig
    session: ToolSession
    context: FailureContext
    opening: tuple[BaseMessage, ...]
    failure_kind: str
    suggestions: tuple[dict[str, Any], ...]
    calibration: CalibrationMap
    masked_fields: tuple[str, ...] = ()
