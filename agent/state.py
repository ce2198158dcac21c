"""The analysis graph's typed state."""

from typing import Any, TypedDict

from langchain_core.messages import BaseMessage

from agent.config import AgentConfig, Policy
from agent.context import FailureContext
from tools.agent_tools import ToolSession


class Proposal(TypedDict, total=False):
    """A fix proposed by a diagnoser or the model, before verification."""

    description: str
    failure_kind: str
    source: str
    evidence: list[str]
    specificity: float
    stated_confidence: float | None
    edits: list[dict[str, Any]] | None
    action: dict[str, Any] | None


class ModelFailure(TypedDict):
    """One way the model failed during the analysis, recorded on it."""

    kind: str
    detail: str


class AnalysisState(TypedDict, total=False):
    config: AgentConfig
    chat_model: Any
    policy: Policy
    bundle: dict[str, Any]
    findings: list[dict[str, Any]]
    context: FailureContext
    session: ToolSession
    messages: list[BaseMessage]
    model_steps: int
    tokens_used: int
    started_monotonic: float
    model_done: bool
    model_diagnosis: str | None
    model_failures: list[ModelFailure]
    proposals: list[Proposal]
    suggestions: list[dict[str, Any]]
    diagnosis: str
    failure_kind: str
    auto_apply: dict[str, Any]
    runbook: dict[str, Any]
