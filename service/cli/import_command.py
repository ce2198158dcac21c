"""`autofix import`: store failure bundles from files."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from service.cli.errors import INVALID_INPUT, fail
from service.cli.runner import run_in_transaction
from service.cli.listings import print_imported
from service.importer import ImportConflict, ImportResult, import_bundle
from service.settings import Settings
from tools.intake import BundleRejected, Limits, PreparedBundle, prepare_bundle

HELP = (
    "Import failure bundles (JSON files) and list the executions they hold.\n\n"
    "All files are validated first and then stored in one transaction: if any file is unreadable, "
    "malformed, over a limit or conflicts with stored data, nothing from any file is stored and the "
    "command exits with status 2. Importing a bundle again changes nothing."
)


@dataclass(frozen=True)
class BundleFile:
    path: Path
    prepared: PreparedBundle


def import_files(
    context: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="Failure bundle JSON files.")],
) -> None:
    settings: Settings = context.obj
    bundles = [BundleFile(path, read_bundle_file(path, settings.intake_limits())) for path in files]

    results = run_in_transaction(settings, lambda session: _store(session, bundles))

    print_imported([stored for result in results for stored in result.executions])
    typer.echo(_summary(results, len(files)))


def read_bundle_file(path: Path, limits: Limits) -> PreparedBundle:
    """Read and prepare one bundle file; an unreadable or rejected file ends the command with status 2."""
    try:
        # One byte over the limit is enough for prepare_bundle to reject the body, so a huge
        # file is never read whole.
        with path.open("rb") as handle:
            data = handle.read(limits.max_body_bytes + 1)
    except OSError as error:
        fail(f"{path}: cannot read the file: {error.strerror}", status=INVALID_INPUT)

    try:
        return prepare_bundle(data, limits)
    except BundleRejected as error:
        fail(f"{path}: {error}", status=INVALID_INPUT)


async def _store(session: AsyncSession, bundles: list[BundleFile]) -> list[ImportResult]:
    results = []
    for bundle in bundles:
        try:
            results.append(await import_bundle(session, bundle.prepared))
        except ImportConflict as error:
            fail(f"{bundle.path}: {error}; nothing was stored", status=INVALID_INPUT)
    return results


def _summary(results: list[ImportResult], file_count: int) -> str:
    outcomes = [stored.outcome for result in results for stored in result.executions]
    counts = ", ".join(f"{outcomes.count(name)} {name}" for name in ("created", "updated", "unchanged"))
    return f"{_count(len(outcomes), 'execution')} from {_count(file_count, 'file')}: {counts}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
