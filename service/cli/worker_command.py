"""`autofix worker`: run queued analyses from PostgreSQL with Procrastinate."""

import asyncio
from typing import Annotated

import prometheus_client
import typer

from service.analyses.runner import run_analysis
from service.cli.errors import INVALID_INPUT, database_errors, fail
from service.db import create_engine, session_factory
from service.db.migrate import prepare_database
from service.jobs.procrastinate_app import create_job_app, defer_queued_analyses, ensure_job_schema, run_worker
from service.metrics import AnalysisMetrics, registered
from service.settings import Settings

HELP = (
    "Run the analyses that engine callbacks queue, on PostgreSQL. The database must be at the newest "
    "revision (`autofix db upgrade`); Procrastinate's own tables are created on the first start. A job "
    "that fails is retried (AUTOFIX_JOB_MAX_ATTEMPTS runs, AUTOFIX_JOB_RETRY_WAIT_SECONDS apart), and jobs "
    "left running by a stopped worker are retried when a worker starts. On the embedded SQLite database, "
    "`autofix serve` runs the analyses itself and no worker is needed."
)


def worker(
    context: typer.Context,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Analyses run at the same time.")] = 1,
    once: Annotated[bool, typer.Option("--once", help="Run the queued jobs, then exit instead of waiting.")] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Serve Prometheus metrics on 127.0.0.1 at this TCP port; off unless set."),
    ] = None,
) -> None:
    settings: Settings = context.obj
    if settings.database_backend != "postgresql":
        fail(
            f"`autofix worker` needs PostgreSQL, but AUTOFIX_DATABASE_URL is {settings.database_backend}: "
            "on SQLite, `autofix serve` runs queued analyses itself",
            status=INVALID_INPUT,
        )

    metrics = AnalysisMetrics()
    if metrics_port is not None:
        prometheus_client.start_http_server(metrics_port, addr="127.0.0.1", registry=metrics.registry)

    with database_errors(settings), registered(metrics):
        asyncio.run(_run(settings, concurrency=concurrency, wait=not once))


async def _run(settings: Settings, *, concurrency: int, wait: bool) -> None:
    await prepare_database(settings)
    engine = create_engine(settings)
    sessions = session_factory(engine)
    job_app = create_job_app(settings, sessions, run_analysis)
    try:
        async with job_app.open_async():
            if await ensure_job_schema(job_app):
                typer.echo("Procrastinate's tables were missing and have been created", err=True)
            await defer_queued_analyses(job_app, sessions)
            await run_worker(job_app, concurrency=concurrency, wait=wait)
    finally:
        await engine.dispose()
