"""Assemble a variant into a case document, and check that it behaves as its injector declared.

The failed recording comes from running the broken definition against the variant's world. The
optional history is a successful run of the base definition a day earlier. A case is kept only
when the oracle fails the broken definition, and passes the reference fix exactly when the case
is fixable.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

from evals.cases import LoadedCase, validate_case
from evals.corpus_builder.base import BaseRun, BuildError, Variant, consumed_fixtures
from evals.corpus_builder.injectors import edited
from evals.corpus_builder.recording import record_execution
from evals.oracle import check_fix
from evals.world import effective_fixtures
from tools.formats.timestamps import parse_rfc3339

POLICY = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.95}


def assemble_case(run: BaseRun, variant: Variant, *, execution_id: int, origin: str = "injected") -> dict[str, Any]:
    """Build the case document of a variant.

    Raises:
        BuildError: the broken run does not fail, or the world lacks an answer it needs.
    """
    base = run.base
    failed = _recording(run, variant.definition, variant.world, variant.trigger_data, execution_id, base.started_at)
    if failed["status"] != "failed":
        raise BuildError(f"{base.name}/{variant.slug}: the broken workflow does not fail")

    bundle: dict[str, Any] = {
        "format": "autofix.failure-bundle/1",
        "workspace": {"id": base.workspace_id, "policy": POLICY},
        "workflow": {"id": base.workflow_id, "name": base.title, "version": base.version, "definition": variant.definition},
        "execution": failed,
    }
    if variant.history:
        bundle["history"] = [_history(run, variant, execution_id - 1)]
    if base.env:
        bundle["variables"] = {"env": base.env}
    bundle["credentials"] = variant.credentials or base.credentials

    document: dict[str, Any] = {
        "bundle": bundle,
        "class": variant.kind,
        "origin": origin,
        "world": {"fixtures": variant.world},
        "accept": variant.accept,
        "fixable": variant.fixable,
        "base_workflow": base.name,
        "description": variant.description,
    }
    if variant.expect_action is not None:
        document["expect_action"] = variant.expect_action
    if variant.reference_fix is not None:
        document["reference_fix"] = variant.reference_fix
    return document


def _recording(
    run: BaseRun, definition: dict[str, Any], world: list[dict[str, Any]], trigger_data: Any, execution_id: int, started_at: str
) -> dict[str, Any]:
    base = run.base
    used, result = consumed_fixtures(base, definition, world, trigger_data=trigger_data)
    return record_execution(
        execution_id=execution_id,
        workflow_id=base.workflow_id,
        workspace_id=base.workspace_id,
        version=base.version,
        definition=definition,
        trigger_data=trigger_data,
        started_at=started_at,
        result=result,
        used_fixtures=effective_fixtures(definition, used),
    )


def _history(run: BaseRun, variant: Variant, execution_id: int) -> dict[str, Any]:
    base = run.base
    day_before = parse_rfc3339(base.started_at) - timedelta(days=1)
    started_at = day_before.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    world = variant.history_world if variant.history_world is not None else run.world
    success = _recording(run, base.definition, world, base.trigger_data, execution_id, started_at)
    if success["status"] != "completed":
        raise BuildError(f"{base.name}/{variant.slug}: the last successful run does not complete")
    if variant.definition != base.definition:
        # The failed run ran an edited version; the success ran the version before it.
        success["workflow_version"] = base.version - 1
        success["workflow"] = {"version": base.version - 1, "name": base.title, "definition": base.definition}
    return success


def check_case(document: dict[str, Any], name: str) -> LoadedCase:
    """Validate a case and check its oracle verdicts.

    Raises:
        BuildError: the broken definition passes, or the reference fix does not behave as `fixable` states.
    """
    loaded = validate_case(document, file=Path(name), case_id=name)
    broken = check_fix(loaded, loaded.definition)
    if broken.success:
        raise BuildError(f"{name}: the oracle passes the broken workflow")

    reference = loaded.case.reference_fix
    if reference is None or reference.edits is None:
        return loaded
    verdict = check_fix(loaded, edited(loaded.definition, reference.edits))
    if verdict.success != loaded.case.fixable:
        raise BuildError(f"{name}: the reference fix {'passes' if verdict.success else 'fails'}: {verdict.reason}")
    return loaded
