"""`autofix import`: store failure bundles from files."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from service.cli.errors import INVALID_INPUT, fail, fail_all
from service.cli.listings import print_imported
from service.cli.runner import run_in_transaction
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
    bundles = _read_bundle_files(files, settings.intake_limits())

    results = run_in_transaction(settings, lambda session: _store(session, bundles))

    print_imported([(str(bundle.path), result.executions) for bundle, result in zip(bundles, results, strict=True)])
    typer.echo(_summary(results, len(files)))


class FileRejected(Exception):
    """A bundle file that cannot be read or that intake rejects; the message names the file."""


def read_bundle_file(path: Path, limits: Limits) -> PreparedBundle:
    """Read and prepare one bundle file; an unreadable or rejected file ends the command with status 2."""
    try:
        return prepare_bundle_file(path, limits)
    except FileRejected as error:
        fail(str(error), status=INVALID_INPUT)


def prepare_bundle_file(path: Path, limits: Limits) -> PreparedBundle:
    """Read and prepare one bundle file.

    Raises:
        FileRejected: the file cannot be read, is over AUTOFIX_MAX_BODY_BYTES or is rejected by intake.
    """
    try:
        data = _read_within_limit(path, limits.max_body_bytes)
    except OSError as error:
        raise FileRejected(f"{path}: cannot read the file: {error.strerror}") from error

    try:
        return prepare_bundle(data, limits)
    except BundleRejected as error:
        raise FileRejected(f"{path}: {error}") from error


def _read_within_limit(path: Path, max_bytes: int) -> bytes:
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise FileRejected(
                f"{path} is {size:,} bytes, more than the limit of {max_bytes:,} bytes (AUTOFIX_MAX_BODY_BYTES)"
            )
        # A pipe or a file still being written reports no final size, so at most one byte over
        # the limit is read: enough for intake to reject the body without reading it whole.
        return handle.read(max_bytes + 1)


def _read_bundle_files(paths: list[Path], limits: Limits) -> list[BundleFile]:
    """Prepare every file, or report each rejected one and end the command with status 2."""
    bundles = []
    rejections = []
    for path in paths:
        try:
            bundles.append(BundleFile(path, prepare_bundle_file(path, limits)))
        except FileRejected as error:
            rejections.append(str(error))

    if rejections:
        fail_all(rejections, status=INVALID_INPUT)
    return bundles


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
