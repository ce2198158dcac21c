"""Analyse one failed execution: the entry point the CLI, the service and the eval harness call."""

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from langchain_core.language_models import BaseChatModel

from agent.config import AgentConfig, Policy
from agent.graph import analysis_graph
from agent.model import create_chat_model
from prompts import load_prompt
from tools.formats import FailureBundle

log = structlog.stdlib.get_logger(__name__)

RULES_MODEL_NAME = "rules"

# Each model step is at most two graph steps (model, tools); the rest is the fixed pipeline.
_FIXED_GRAPH_STEPS = 10


class NotAFailure(ValueError):
    """The execution did not fail, so there is nothing to analyse."""


@dataclass
class AnalysisResult:
    analysis_id: str
    workspace_id: str
    workflow_id: str
    execution_id: str
    failed_node: str | None
    error_message: str
    diagnosis: str
    failure_kind: str
    suggestions: list[dict[str, Any]]
    model_used: str
    tokens_used: int
    prompt_version: str
    auto_apply: dict[str, Any]
    runbook: dict[str, Any]
    model_failures: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Build the CLI's --json object, with the analysis's other fields after it."""
        return {
            "analysis_id": self.analysis_id,
            "diagnosis": self.diagnosis,
            "suggestions": self.suggestions,
            "model_used": self.model_used,
            "tokens_used": self.tokens_used,
            "execution_id": self.execution_id,
            "workflow_id": self.workflow_id,
            "workspace_id": self.workspace_id,
            "failed_node": self.failed_node,
            "failure_kind": self.failure_kind,
            "prompt_version": self.prompt_version,
            "auto_apply": self.auto_apply,
            "runbook": self.runbook,
            "model_failures": self.model_failures,
            "findings": self.findings,
        }


def analyze(
    bundle: dict[str, Any],
    *,
    config: AgentConfig = AgentConfig(),
    policy: Policy = Policy(),
    findings: list[dict[str, Any]] | None = None,
    chat_model: BaseChatModel | None = None,
) -> AnalysisResult:
    """Diagnose a failure bundle that passed intake, propose verified fixes and score them.

    `bundle` is the redacted bundle as intake returns it (PreparedBundle.raw), so key order and
    masks are those of the stored data. `chat_model` replaces the configured model, for tests.
    """
    model = FailureBundle.model_validate(bundle)
    if not model.execution.failed:
        raise NotAFailure(f"execution {model.execution.execution_id} has status {model.execution.status}, not failed")

    started = time.perf_counter()
    if chat_model is None and config.model_enabled:
        chat_model = create_chat_model(config)
    prompt = load_prompt("analysis_system")

    state = analysis_graph().invoke(
        {"config": config, "policy": policy, "bundle": bundle, "chat_model": chat_model, "findings": findings or []},
        {"recursion_limit": _FIXED_GRAPH_STEPS + 2 * config.max_steps},
    )
    result = _result(model, state, prompt.version, chat_model, findings or [])
    result.latency_ms = round((time.perf_counter() - started) * 1000, 1)

    log.info(
        "analysis finished",
        workspace=result.workspace_id,
        workflow=result.workflow_id,
        execution=result.execution_id,
        failure_kind=result.failure_kind,
        suggestions=len(result.suggestions),
        model=result.model_used,
        model_failures=len(result.model_failures),
        latency_ms=result.latency_ms,
    )
    return result


def _result(
    model: FailureBundle, state: dict[str, Any], prompt_version: str, chat_model: Any, findings: list[dict[str, Any]]
) -> AnalysisResult:
    context = state["context"]
    error = (context.reproduction.error or {}).get("message") or (model.execution.error.message if model.execution.error else "")
    model_name = _model_name(chat_model) if chat_model is not None else RULES_MODEL_NAME
    return AnalysisResult(
        analysis_id=str(uuid.uuid4()),
        workspace_id=model.workspace.id,
        workflow_id=model.workflow.id,
        execution_id=model.execution.execution_id,
        failed_node=context.failed_node_id,
        error_message=error,
        diagnosis=state["diagnosis"],
        failure_kind=state["failure_kind"],
        suggestions=state["suggestions"],
        model_used=model_name,
        tokens_used=state.get("tokens_used", 0),
        prompt_version=prompt_version,
        auto_apply=state["auto_apply"],
        runbook=state["runbook"],
        model_failures=list(state.get("model_failures", [])),
        findings=findings,
    )


def _model_name(chat_model: Any) -> str:
    for attribute in ("model_name", "model"):
        value = getattr(chat_model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(chat_model).__name__
