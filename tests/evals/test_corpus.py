"""The eval corpus: it loads, it is large and varied enough, and every case is consistent.

Each fixable case's reference fix passes the oracle, and its broken workflow does not. An
unfixable case's reference never passes. Every failed recording replays to its failure.
"""

from collections import Counter
from pathlib import Path

import pytest

from evals.cases import LoadedCase, load_cases
from evals.corpus_builder.build import build_corpus
from evals.oracle import check_fix
from tools.formats import FAILURE_KINDS
from tools.patching import apply_patch, build_patch
from tools.replay import prepare_recording, replay

CORPUS_DIR = Path(__file__).resolve().parents[2] / "evals" / "corpus"
CASES = load_cases(CORPUS_DIR)
WITH_EDITS = [loaded for loaded in CASES if loaded.case.reference_fix and loaded.case.reference_fix.edits]
by_case = pytest.mark.parametrize("loaded", CASES, ids=lambda loaded: loaded.case_id)
by_case_with_edits = pytest.mark.parametrize("loaded", WITH_EDITS, ids=lambda loaded: loaded.case_id)


def fixed_definition(loaded: LoadedCase) -> dict:
    edits = loaded.case.reference_fix.edits
    return apply_patch(loaded.definition, build_patch(loaded.definition, edits))


def test_corpus_has_at_least_120_cases():
    assert len(CASES) >= 120


def test_corpus_covers_every_failure_kind():
    assert {loaded.case.kind for loaded in CASES} == set(FAILURE_KINDS)


def test_corpus_has_ten_base_workflows_with_several_variants():
    counts = Counter(loaded.case.base_workflow for loaded in CASES)
    assert len([name for name, count in counts.items() if count >= 5]) >= 10


def test_corpus_has_20_report_cases_in_report_folder():
    reports = [loaded for loaded in CASES if loaded.case_id.startswith("report/")]
    assert len(reports) >= 20
    assert all(loaded.case.origin == "report" for loaded in reports)


def test_corpus_has_15_unfixable_cases():
    assert sum(not loaded.case.fixable for loaded in CASES) >= 15


def test_corpus_unfixable_cases_include_reconnect_action():
    actions = {loaded.case.expect_action for loaded in CASES if not loaded.case.fixable}
    assert {"reconnect_credential", "fix_source_data"} <= actions


def test_corpus_fixable_cases_all_have_reference_edits():
    missing = [loaded.case_id for loaded in CASES if loaded.case.fixable and not (loaded.case.reference_fix and loaded.case.reference_fix.edits)]
    assert missing == []


@by_case
def test_broken_workflow_fails_oracle(loaded: LoadedCase):
    verdict = check_fix(loaded, loaded.definition)

    assert not verdict.success
    assert verdict.failed_assertions


@by_case_with_edits
def test_reference_fix_passes_oracle_only_when_fixable(loaded: LoadedCase):
    verdict = check_fix(loaded, fixed_definition(loaded))

    assert verdict.success == loaded.case.fixable, verdict.reason


@by_case
def test_recording_replays_to_recorded_failure(loaded: LoadedCase):
    bundle = loaded.bundle
    env = bundle.variables.env if bundle.variables else None
    recording = prepare_recording(loaded.definition, loaded.execution, env=env, credentials=bundle.credentials)

    result = replay(recording)

    assert result.status in ("failed", "unverifiable")
    if result.status == "failed":
        assert result.failed_node == loaded.bundle.execution.failed_node_id()


def test_corpus_builder_rebuilds_committed_corpus(tmp_path):
    counts = build_corpus(tmp_path)

    assert sum(counts.values()) == len(CASES)
    for loaded in CASES:
        rebuilt = tmp_path / f"{loaded.case_id}.json"
        assert rebuilt.read_bytes() == loaded.file.read_bytes(), loaded.case_id
