"""The facts an analysis gathers once about a failed run, shared by every diagnoser."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.catalog import Issue, validate_definition
from tools.execution_diff import ExecutionDiff, diff_executions
from tools.formats import Execution, FailureBundle
from tools.formats.bundle import CredentialRef
from tools.formats.execution import ConnectorAttempt, ExecutionNode, LogEntry
from tools.replay import ReplayResult, prepare_recording, replay
from tools.time_travel import Snapshot, snapshot


@dataclass(frozen=True)
class FailureContext:
    """One failed run with its reproduction by replay, its data and its history.

    `reproduction` is the replay of the recording with its own definition: its `error` is
    Auto-Fix's structured error, which the diagnosers read before the engine's message.
    `failed_node_id` is where replay failed, else the node the engine reported.
    `last_success` is the latest completed run in the bundle's history, and `diff` compares it
    with this run.
    """

    bundle: FailureBundle
    definition: dict[str, Any]
    execution: dict[str, Any]
    execution_model: Execution
    failed_node_id: str | None
    failed_node: dict[str, Any] | None
    failed_record: ExecutionNode | None
    reproduction: ReplayResult
    snapshot: Snapshot | None
    logs: tuple[LogEntry, ...]
    credentials: tuple[CredentialRef, ...]
    last_success: Execution | None
    diff: ExecutionDiff | None
    issues: tuple[Issue, ...]
    attempts: tuple[ConnectorAttempt, ...]

    @property
    def error(self) -> dict[str, Any]:
        """The failed node's error as replay reproduced it, else as the engine recorded it."""
        if self.reproduction.error:
            return self.reproduction.error
        if self.failed_record is not None and self.failed_record.error is not None:
            recorded = self.failed_record.error
            return {"message": recorded.message, "code": recorded.code, "detail": {}}
        return {"message": "", "code": None, "detail": {}}

    @property
    def detail(self) -> dict[str, Any]:
        return self.error.get("detail") or {}

    def node(self, node_id: str) -> dict[str, Any] | None:
        """Find a definition node by id, or None."""
        return next((node for node in self.definition["nodes"] if node.get("id") == node_id), None)

    def node_index(self, node_id: str) -> int | None:
        return next((index for index, node in enumerate(self.definition["nodes"]) if node.get("id") == node_id), None)

    def failed_output(self) -> Any:
        """The failed node's output in the reproduction, else in the recording."""
        run = self.reproduction.nodes.get(self.failed_node_id or "")
        if run is not None and run.output is not None:
            return run.output
        return self.failed_record.output if self.failed_record is not None else None


def gather_context(bundle: FailureBundle | Mapping[str, Any]) -> FailureContext:
    """Reproduce a bundle's failure by replay and collect what the diagnosers read.

    A raw dict keeps its definition exactly as written, so patches pin the stored values; a
    FailureBundle model is dumped with the fields it was given.

    Raises:
        pydantic.ValidationError: a raw bundle does not have the failure bundle's shape.
        ValueError: the definition has no list of nodes, or its edges form a cycle.
    """
    model, definition, execution = _parts(bundle)
    reproduction = _reproduce(model, definition, execution)
    failed_node_id = reproduction.failed_node or model.execution.failed_node_id()

    last_success = _last_success(model)
    return FailureContext(
        bundle=model,
        definition=definition,
        execution=execution,
        execution_model=model.execution,
        failed_node_id=failed_node_id,
        failed_node=_definition_node(definition, failed_node_id),
        failed_record=_last_record(model.execution, failed_node_id),
        reproduction=reproduction,
        snapshot=_snapshot_at(model, definition, failed_node_id),
        logs=tuple(entry for entry in model.execution.logs if entry.node_id in (None, failed_node_id)),
        credentials=tuple(model.credentials),
        last_success=last_success,
        diff=diff_executions(last_success, model.execution) if last_success is not None else None,
        issues=tuple(validate_definition(definition)),
        attempts=tuple(item for item in model.execution.connector_attempts if item.node_id == failed_node_id),
    )


def _parts(bundle: FailureBundle | Mapping[str, Any]) -> tuple[FailureBundle, dict[str, Any], dict[str, Any]]:
    if isinstance(bundle, FailureBundle):
        definition = bundle.workflow.definition.model_dump(mode="json", exclude_unset=True)
        return bundle, definition, bundle.execution.model_dump(mode="json", exclude_unset=True)

    model = FailureBundle.model_validate(bundle)
    return model, dict(bundle["workflow"]["definition"]), dict(bundle["execution"])


def _reproduce(model: FailureBundle, definition: dict[str, Any], execution: dict[str, Any]) -> ReplayResult:
    env = model.variables.env if model.variables is not None else {}
    credentials = [credential.model_dump() for credential in model.credentials]
    recording = prepare_recording(definition, execution, env=env, credentials=credentials)
    return replay(recording)


def _last_success(model: FailureBundle) -> Execution | None:
    completed = [run for run in model.history if run.status == "completed"]
    completed.sort(key=lambda run: run.started_at or "")
    return completed[-1] if completed else None


def _definition_node(definition: dict[str, Any], node_id: str | None) -> dict[str, Any] | None:
    return next((node for node in definition["nodes"] if node.get("id") == node_id), None)


def _last_record(execution: Execution, node_id: str | None) -> ExecutionNode | None:
    records = [record for record in execution.nodes if record.node_id == node_id]
    return records[-1] if records else None


def _snapshot_at(model: FailureBundle, definition: dict[str, Any], node_id: str | None) -> Snapshot | None:
    if node_id is None or _last_record(model.execution, node_id) is None:
        return None
    env = model.variables.env if model.variables is not None else {}
    return snapshot(model.execution, definition=definition, at_node=node_id, env=env)
