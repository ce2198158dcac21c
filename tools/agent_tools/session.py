"""The session of one analysis: the failure bundle's data as the agent tools read it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tools.catalog import Issue, validate_definition
from tools.formats import Execution, FailureBundle
from tools.formats.timestamps import parse_rfc3339
from tools.replay import Recording, prepare_recording

_COMPLETED = "completed"


@dataclass(frozen=True)
class ToolSession:
    """One failed run, in the plain data the tools read.

    `definition` and `execution` are the bundle's dicts as written, so patches pin the stored
    values. `last_success` is the newest completed run of the same workflow in `history`, or
    None. `recorded_runs` are the failed run and its history: the patch guard counts the hosts,
    recipients and channels they used as known destinations. `baseline_issues` are the
    definition's own validation issues, so verification reports only the errors a patch adds.
    """

    bundle: FailureBundle
    definition: dict[str, Any]
    execution: dict[str, Any]
    history: list[dict[str, Any]]
    env: dict[str, Any]
    credentials: list[dict[str, Any]]
    failed_node_id: str | None
    recording: Recording
    last_success: dict[str, Any] | None
    recorded_runs: list[dict[str, Any]]
    baseline_issues: tuple[Issue, ...] = field(default=())

    @property
    def execution_model(self) -> Execution:
        return self.bundle.execution

    def node_ids(self) -> list[str]:
        """List the definition's node ids in definition order."""
        return [node["id"] for node in self.definition.get("nodes", []) if isinstance(node, dict) and "id" in node]

    def node(self, node_id: str) -> dict[str, Any] | None:
        """Find a definition node by id, or None."""
        return next((node for node in self.definition.get("nodes", []) if node.get("id") == node_id), None)


def open_session(bundle: FailureBundle | Mapping[str, Any]) -> ToolSession:
    """Build the tools' view of a failure bundle that passed intake (so it is already redacted).

    A dict keeps its definition exactly as written; a FailureBundle model is dumped with the
    fields it was given.

    Raises:
        pydantic.ValidationError: a dict does not have the failure bundle's shape.
        ValueError: the definition has no list of nodes, or its edges form a cycle.
    """
    model, definition, execution, history = _parts(bundle)
    env = dict(model.variables.env) if model.variables is not None else {}
    credentials = [credential.model_dump(mode="json") for credential in model.credentials]

    recording = prepare_recording(definition, execution, env=env, credentials=credentials)
    return ToolSession(
        bundle=model,
        definition=definition,
        execution=execution,
        history=history,
        env=env,
        credentials=credentials,
        failed_node_id=recording.failed_node or model.execution.failed_node_id(),
        recording=recording,
        last_success=_last_success(model, history),
        recorded_runs=[execution, *history],
        baseline_issues=tuple(validate_definition(definition)),
    )


def _parts(
    bundle: FailureBundle | Mapping[str, Any],
) -> tuple[FailureBundle, dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    if isinstance(bundle, FailureBundle):
        definition = bundle.workflow.definition.model_dump(mode="json", exclude_unset=True)
        execution = bundle.execution.model_dump(mode="json", exclude_unset=True)
        history = [run.model_dump(mode="json", exclude_unset=True) for run in bundle.history]
        return bundle, definition, execution, history

    model = FailureBundle.model_validate(dict(bundle))
    history = [dict(run) for run in bundle.get("history") or []]
    return model, dict(bundle["workflow"]["definition"]), dict(bundle["execution"]), history


def _last_success(model: FailureBundle, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Pick the newest completed run of the bundle's workflow; among equal start times, the later listed."""
    workflow_id = model.workflow.id
    candidates = [
        (_start_time(run), position, history[position])
        for position, run in enumerate(model.history)
        if run.status == _COMPLETED and run.workflow_id == workflow_id
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda candidate: (candidate[0], candidate[1]))
    return candidates[-1][2]


def _start_time(run: Execution) -> datetime:
    # The Execution model accepts only RFC 3339 times with a zone, so parsing cannot fail.
    # A run without a start time sorts as oldest.
    if run.started_at is None:
        return datetime.min.replace(tzinfo=UTC)
    return parse_rfc3339(run.started_at)
