"""Routes of recorded executions: import a failure bundle, read one execution."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from service.api.dependencies import read_body
from service.db.models import Workflow, Workspace
from service.errors import ErrorCode, ProblemError, validation_failed
from service.executions.detail import ExecutionNotFound, execution_view, find_execution_row, read_execution
from service.executions.schemas import ExecutionView, StoredExecutionView
from service.importer import ImportConflict, import_bundle
from service.settings import Settings
from tools.intake import BundleRejected, PreparedBundle, prepare_bundle


class ExecutionController(Controller):
    path = "/executions"
    tags = ["executions"]

    @post(
        description=(
            "Body: a failure bundle (format autofix.failure-bundle/1) of this workspace. Answers 201 when the "
            "failure was stored, 200 when it was already stored with the same content, 409 when its ids are "
            "stored with different content. A rejected bundle stores nothing."
        )
    )
    async def import_execution(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        settings: NamedDependency[Settings],
    ) -> Response[StoredExecutionView]:
        """Import a failure bundle: its workflow version, its failed execution and its history."""
        prepared = _prepare(await read_body(request, settings), settings, current_workspace)

        try:
            result = await import_bundle(db_session, prepared)
        except ImportConflict as error:
            raise ProblemError(ErrorCode.CONFLICT, str(error), extensions={"path": error.path}) from None
        await db_session.commit()

        failure = result.executions[0]
        execution = await find_execution_row(db_session, current_workspace, failure.execution_id)
        workflow = await db_session.get_one(Workflow, execution.workflow_id)
        view = StoredExecutionView(outcome=failure.outcome, execution=execution_view(execution, workflow))
        return Response(view, status_code=HTTP_201_CREATED if failure.outcome == "created" else HTTP_200_OK)

    @get("/{execution_id:str}")
    async def get_execution(
        self,
        execution_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> ExecutionView:
        """Return an execution: status, failed node, error and each node's status and error, without payloads."""
        try:
            return await read_execution(db_session, current_workspace, execution_id)
        except ExecutionNotFound as error:
            raise ProblemError(ErrorCode.NOT_FOUND, str(error)) from None


def _prepare(body: bytes, settings: Settings, workspace: Workspace) -> PreparedBundle:
    try:
        prepared = prepare_bundle(body, settings.intake_limits())
    except BundleRejected as error:
        raise validation_failed(error.path, error.reason) from None

    bundle_workspace = prepared.model.workspace.id
    if bundle_workspace != workspace.external_id:
        raise validation_failed(
            "$.workspace.id",
            f'the bundle belongs to workspace "{bundle_workspace}", but the path names "{workspace.external_id}"',
        )
    return prepared
