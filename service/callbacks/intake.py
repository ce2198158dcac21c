"""Validation of a callback body: the import's checks and redaction, on a bundle built around the run.

The definition the run used comes from the callback's own `workflow`, else from the synced version
the run names. When neither exists, the execution is validated alone and stored without a
definition: `workflow_version_id` stays null until that version is synced, and the execution
detail reports `definition_available: false`.
"""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Workflow, WorkflowVersion, Workspace
from service.errors import validation_failed
from tools.formats import BUNDLE_FORMAT
from tools.formats import Execution as RecordedExecution
from tools.intake import (
    ROOT,
    BundleRejected,
    Limits,
    PreparedBundle,
    PreparedExecution,
    prepare_bundle_document,
    prepare_execution,
    rejection_from_validation,
)
_EXECUTION_PATH = f"{ROOT}.execution"


@dataclass(frozen=True)
class PreparedCallback:
    """A validated callback: a bundle when the definition is known, else the execution alone."""

    model: RecordedExecution
    bundle: PreparedBundle | None
    execution: PreparedExecution | None


async def prepare_callback(session: AsyncSession, document: Any, limits: Limits) -> PreparedCallback:
    """Validate and redact a parsed callback body.

    Raises:
        ProblemError: validation_failed with the path in the callback body.
    """
    try:
        model = _parse_execution(document)
        definition = await _known_definition(session, model, document)
        if definition is None:
            return PreparedCallback(model, None, prepare_execution(document, limits))

        bundle = _bundle_around(model, document, definition)
        return PreparedCallback(model, prepare_bundle_document(bundle, limits), None)
    except BundleRejected as error:
        path = callback_path(error.path)
        raise validation_failed(path, error.reason) from None


def _parse_execution(document: Any) -> RecordedExecution:
    if not isinstance(document, dict):
        raise BundleRejected(_EXECUTION_PATH, "expected a JSON object")
    try:
        return RecordedExecution.model_validate(document)
    except ValidationError as error:
        raise rejection_from_validation(error, _EXECUTION_PATH) from None


@dataclass(frozen=True)
class _Definition:
    version: int
    name: str | None
    definition: Any


async def _known_definition(session: AsyncSession, model: RecordedExecution, document: dict[str, Any]) -> _Definition | None:
    if model.workflow is not None:
        embedded = document["workflow"]
        return _Definition(model.workflow.version, model.workflow.name, embedded["definition"])
    if model.workflow_version is None:
        return None

    found = (
        await session.execute(
            select(WorkflowVersion.definition, Workflow.name)
            .join(Workflow, Workflow.id == WorkflowVersion.workflow_id)
            .join(Workspace, Workspace.id == Workflow.workspace_id)
            .where(
                Workspace.external_id == model.workspace_id,
                Workflow.external_id == model.workflow_id,
                WorkflowVersion.version == model.workflow_version,
            )
        )
    ).first()
    if found is None:
        return None
    return _Definition(model.workflow_version, found.name, found.definition)


def _bundle_around(model: RecordedExecution, document: dict[str, Any], known: _Definition) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "workspace": {"id": model.workspace_id},
        "workflow": {"id": model.workflow_id, "name": known.name, "version": known.version, "definition": known.definition},
        "execution": document,
    }


def callback_path(bundle_path: str) -> str:
    """Write a path into the built bundle as the path into the callback body."""
    rest = bundle_path[len(_EXECUTION_PATH) :]
    if bundle_path.startswith(_EXECUTION_PATH) and rest[:1] in ("", ".", "["):
        return ROOT + rest
    return bundle_path
