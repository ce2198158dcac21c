"""The service's part in background analyses: on SQLite it runs them in-process while it serves.

On PostgreSQL the service only defers jobs, and `autofix worker` runs them.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from service.jobs.analysis_jobs import AnalysisFunction
from service.jobs.local_runner import LocalAnalysisRunner
from service.settings import Settings


def analysis_jobs_lifespan(analyze: AnalysisFunction) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Build a lifespan that runs queued analyses with `analyze` while a SQLite-backed app serves.

    It reads `app.state.session_factory`, so it must follow the lifespan that opens the database.
    """

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        if settings.database_backend != "sqlite":
            yield
            return

        runner = LocalAnalysisRunner(app.state.session_factory, settings, analyze)
        await runner.start()
        app.state.analysis_runner = runner
        try:
            yield
        finally:
            await runner.stop()

    return lifespan
