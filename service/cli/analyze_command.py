"""`autofix analyze`: diagnose failures from bundle files or stored executions, and store the analyses."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from agent.analysis import AnalysisResult, NotAFailure, analyze
from agent.config import AgentConfig
from service.analyses.store import find_execution, store_analysis, workspace_policy
from service.cli.analysis_view import print_analysis
from service.cli.errors import INVALID_INPUT, fail
from service.cli.import_command import read_bundle_file
from service.cli.runner import run_in_transaction
from service.executions.bundle_loader import DefinitionMissing, ExecutionNotFound, load_bundle
from service.importer import ImportConflict, import_bundle
from service.settings import Settings
from tools.intake import BundleRejected, Limits, PreparedBundle, prepare_bundle

HELP = (
    "Diagnose failed executions and propose verified fixes.\n\n"
    "Each TARGET is a failure bundle file, which is imported first (importing again changes "
    "nothing), or WORKSPACE/EXECUTION naming a stored execution. Each analysis is stored with its "
    "runbook. Without AUTOFIX_MODEL the deterministic diagnosers work alone; no API key is needed."
)

_STORED_TARGET = re.compile(r"^(?P<workspace>[^/\s]+)/(?P<execution>[^/\s]+)$")


@dataclass(frozen=True)
class Target:
    text: str
    prepared: PreparedBundle | None = None
    workspace_id: str | None = None
    execution_id: str | None = None


def analyze_targets(
    context: typer.Context,
    targets: Annotated[
        list[str], typer.Argument(metavar="TARGET", help="A bundle file, or WORKSPACE/EXECUTION of a stored execution.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the analyses as JSON instead of tables.")] = False,
) -> None:
    settings: Settings = context.obj
    parsed = [_parse_target(text, settings.intake_limits()) for text in targets]
    config = settings.agent_config()

    results = run_in_transaction(settings, lambda session: _analyze_all(session, parsed, config, settings.intake_limits()))

    if as_json:
        documents = [result.to_dict() for result in results]
        typer.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False))
        return
    for result in results:
        print_analysis(result)


def _parse_target(text: str, limits: Limits) -> Target:
    path = Path(text)
    if path.is_file():
        return Target(text=text, prepared=read_bundle_file(path, limits))

    match = _STORED_TARGET.match(text)
    if match is None:
        fail(f"{text}: not a file, and not WORKSPACE/EXECUTION of a stored execution", status=INVALID_INPUT)
    return Target(text=text, workspace_id=match["workspace"], execution_id=match["execution"])


async def _analyze_all(
    session: AsyncSession, targets: list[Target], config: AgentConfig, limits: Limits
) -> list[AnalysisResult]:
    results = []
    for target in targets:
        prepared = await _prepared_bundle(session, target, limits)
        results.append(await _analyze_one(session, target, prepared, config))
    return results


async def _prepared_bundle(session: AsyncSession, target: Target, limits: Limits) -> PreparedBundle:
    if target.prepared is not None:
        try:
            await import_bundle(session, target.prepared)
        except ImportConflict as error:
            fail(f"{target.text}: {error}; nothing was stored", status=INVALID_INPUT)
        return target.prepared

    try:
        bundle = await load_bundle(session, target.workspace_id, target.execution_id)
    except (ExecutionNotFound, DefinitionMissing) as error:
        fail(f"{target.text}: {error}", status=INVALID_INPUT)
    try:
        # Stored data passed intake once; passing it again keeps one path into the analysis.
        return prepare_bundle(json.dumps(bundle).encode("utf-8"), limits)
    except BundleRejected as error:
        fail(f"{target.text}: the stored execution no longer passes validation: {error}", status=INVALID_INPUT)


async def _analyze_one(
    session: AsyncSession, target: Target, prepared: PreparedBundle, config: AgentConfig
) -> AnalysisResult:
    model = prepared.model
    execution = await find_execution(session, model.workspace.id, model.execution.execution_id)
    policy = await workspace_policy(session, execution.workspace_id)

    try:
        result = analyze(prepared.raw, config=config, policy=policy, findings=_findings(prepared, execution))
    except NotAFailure as error:
        fail(f"{target.text}: {error}; only failed executions can be analysed", status=INVALID_INPUT)

    await store_analysis(session, result, execution)
    return result


def _findings(prepared: PreparedBundle, execution: Any) -> list[dict[str, Any]]:
    return list(prepared.definition_findings or execution.definition_findings or [])
