"""Routes of workflow sync: store a definition, read the current version, list versions."""

import json
from typing import Any

from litestar import Controller, Request, Response, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from service.api.dependencies import Page, list_envelope, provide_page, read_json_body
from service.db.models import Workspace
from service.errors import ErrorCode, ProblemError, validation_failed
from service.importer import ImportConflict
from service.settings import Settings
from service.workflows.schemas import VersionPage, WorkflowView
from service.workflows.sync import SyncRequest, WorkflowNotFound, list_versions, read_workflow, sync_workflow
from tools.intake import MAX_STORED_INTEGER, BundleRejected, Limits, prepare_definition


class WorkflowController(Controller):
    path = "/workflows/{workflow_id:str}"
    tags = ["workflows"]

    @put(
        description=(
            'Body: {"name": "...", "definition": {...}, "version": 7}. "version" is optional: without it a '
            "definition that differs from the current one becomes the next version number. Answers 201 when a "
            "version was created, 200 when the definition equals the current one."
        )
    )
    async def put_workflow(
        self,
        request: Request[Any, Any, Any],
        workflow_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        settings: NamedDependency[Settings],
    ) -> Response[WorkflowView]:
        """Sync a workflow: store its definition as a new immutable version when it changed."""
        document = await read_json_body(request, settings)
        sync_request = parse_sync_body(document, settings.intake_limits())

        try:
            view, created = await sync_workflow(db_session, current_workspace, workflow_id, sync_request)
        except ImportConflict as error:
            raise ProblemError(ErrorCode.CONFLICT, str(error), extensions={"path": error.path}) from None
        await db_session.commit()
        return Response(view, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get()
    async def get_workflow(
        self,
        workflow_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
    ) -> WorkflowView:
        """Return the workflow's current version and its definition."""
        try:
            return await read_workflow(db_session, current_workspace, workflow_id)
        except WorkflowNotFound as error:
            raise ProblemError(ErrorCode.NOT_FOUND, str(error)) from None

    @get("/versions", dependencies={"page": Provide(provide_page, sync_to_thread=False)})
    async def get_versions(
        self,
        workflow_id: FromPath[str],
        db_session: NamedDependency[AsyncSession],
        current_workspace: NamedDependency[Workspace],
        page: NamedDependency[Page],
    ) -> VersionPage:
        """List the workflow's versions, newest first."""
        try:
            versions, total = await list_versions(
                db_session, current_workspace, workflow_id, limit=page.limit, offset=page.offset
            )
        except WorkflowNotFound as error:
            raise ProblemError(ErrorCode.NOT_FOUND, str(error)) from None
        return VersionPage.model_validate(list_envelope(versions, total, page))


def parse_sync_body(document: Any, limits: Limits) -> SyncRequest:
    """Check the sync body's fields and prepare its definition as import prepares one."""
    if not isinstance(document, dict):
        raise validation_failed("$", "expected a JSON object with name and definition")
    if "definition" not in document:
        raise validation_failed("$.definition", "missing: send the workflow definition")

    name = document.get("name")
    if name is not None and not isinstance(name, str):
        raise validation_failed("$.name", "expected text or null")

    version = document.get("version")
    valid_number = isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= MAX_STORED_INTEGER
    if version is not None and not valid_number:
        raise validation_failed("$.version", f"expected a whole number from 1 to {MAX_STORED_INTEGER}, got {json.dumps(version)[:80]}")

    try:
        definition = prepare_definition(document["definition"], limits, path="$.definition")
    except BundleRejected as error:
        raise validation_failed(error.path, error.reason) from None
    return SyncRequest(definition=definition, name=name, version=version)
