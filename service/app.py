"""The Litestar application: routes, auth, problem details, the database engine and OpenAPI."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from litestar import Litestar, Request, Router
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from service.analyses.routes import AnalysisController
from service.analyses.runner import run_analysis
from service.api.dependencies import provide_db_session, provide_settings
from service.auth.bearer import provide_workspace
from service.callbacks.routes import receive_callback
from service.chat.checkpoints import setup_chat_storage
from service.chat.routes import ChatController
from service.db import create_engine, session_factory
from service.db.models import Workspace
from service.errors import EXCEPTION_HANDLERS, describe_problem_type
from service.executions.routes import ExecutionController
from service.fixes.delivery_loop import event_delivery_lifespan
from service.health import health, ready
from service.jobs.lifespan import analysis_jobs_lifespan
from service.metrics import AnalysisMetrics, metrics_endpoint, metrics_lifespan
from service.settings import Settings
from service.workflows.routes import WorkflowController
from service.workspaces.routes import PolicyController

log = structlog.stdlib.get_logger(__name__)

API_VERSION = "0.1.0"
WORKSPACE_PATH = "/api/v1/workspaces/{workspace_id:str}"
BEARER_SCHEME = "bearer"


def create_app(settings: Settings) -> Litestar:
    """Build the app for `settings`; the database engine opens at start-up and closes at shutdown.

    The database is not migrated here: `autofix serve` prepares it first, and /ready reports a
    database that is not at the newest revision.
    """
    app = Litestar(
        route_handlers=[workspace_router(), receive_callback, health, ready, metrics_endpoint, describe_problem_type],
        dependencies={
            "db_session": Provide(provide_db_session),
            "settings": Provide(provide_settings, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        # In this order: the analysis runner reads the session factory that the database lifespan opens.
        lifespan=[_database_lifespan, metrics_lifespan, analysis_jobs_lifespan(run_analysis), event_delivery_lifespan],
        openapi_config=_openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        # service.logging configures logging once; Litestar's own set-up would add a second handler.
        logging_config=None,
        debug=False,
    )
    app.state.settings = settings
    app.state.metrics = AnalysisMetrics()
    return app


def workspace_router() -> Router:
    """Routes under /api/v1/workspaces/{workspace_id}; each needs a bearer token of that workspace.

    """
    return Router(
        path=WORKSPACE_PATH,
        route_handlers=[PolicyController, WorkflowController, ExecutionController, AnalysisController, ChatController],
        dependencies={"current_workspace": Provide(_provide_current_workspace)},
        security=[{BEARER_SCHEME: []}],
    )


async def _provide_current_workspace(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], workspace_id: FromPath[str]
) -> Workspace:
    """Return the path's workspace after `provide_workspace` checks the bearer token.

    This signature marks the path parameter and the session explicitly. Litestar 2.25 warns that it
    infers them from the bare annotations of `provide_workspace` and that 3.0 will stop inferring.
    """
    return await provide_workspace(request, db_session, workspace_id)


@asynccontextmanager
async def _database_lifespan(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = create_engine(settings)
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    # The chat checkpointer creates its tables (on PostgreSQL with CREATE INDEX CONCURRENTLY, which
    # waits for every open transaction), so it runs before any request opens one.
    await setup_chat_storage(settings.database_url)
    log.info("service started", database=settings.database_backend)
    try:
        yield
    finally:
        await engine.dispose()
        log.info("service stopped")


def _openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Auto-Fix",
        version=API_VERSION,
        description="Diagnoses failed LinkFlow workflow runs. Errors are RFC 9457 problem details with a stable `code`.",
        path="/schema",
        render_plugins=[ScalarRenderPlugin()],
        components=Components(
            security_schemes={
                BEARER_SCHEME: SecurityScheme(
                    type="http", scheme="bearer", description="A workspace API token from `autofix token create`"
                )
            }
        ),
    )
