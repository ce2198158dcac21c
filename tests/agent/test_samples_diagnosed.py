"""The diagnosers on the sample bundles: the top candidate is each sample's expected fix, and it replays."""

import json
from pathlib import Path
from typing import Any

import pytest

from agent.context import FailureContext, gather_context
from agent.diagnosers import rank, run_diagnosers
from tests.evals.sample_expectations import SAMPLE_EXPECTATIONS, SampleExpectation
from tools.intake import prepare_bundle
from tools.patching import apply_patch, build_patch, parse_data_path
from tools.replay import prepare_recording, replay

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "evals" / "samples"
HTTP_NODE = "action_http_request"

by_sample = pytest.mark.parametrize("expectation", SAMPLE_EXPECTATIONS, ids=lambda item: item.file.removesuffix(".json"))
by_patch_sample = pytest.mark.parametrize(
    "expectation",
    [item for item in SAMPLE_EXPECTATIONS if item.fix["kind"] == "patch"],
    ids=lambda item: item.file.removesuffix(".json"),
)


def sample_context(file: str) -> FailureContext:
    return gather_context(prepare_bundle((SAMPLES_DIR / file).read_bytes()).raw)


def top_candidate(expectation: SampleExpectation):
    candidates = rank(run_diagnosers(sample_context(expectation.file)))
    assert candidates, f"no candidate for {expectation.file}"
    return candidates[0]


def set_value(candidate, node_id: str, path: str) -> Any:
    wanted = parse_data_path(path)
    for edit in candidate.edits:
        if edit.get("node") != node_id:
            continue
        for edit_path, value in edit["set"].items():
            if parse_data_path(edit_path) == wanted:
                return value
    raise AssertionError(f"no edit sets {path} on {node_id}: {candidate.edits}")


@by_sample
def test_gather_context_finds_failed_node(expectation):
    context = sample_context(expectation.file)

    assert context.failed_node_id == expectation.failed_node
    assert context.failed_node is not None


@by_sample
def test_top_candidate_has_expected_kind(expectation):
    candidate = top_candidate(expectation)

    assert candidate.failure_kind == expectation.failure_kind
    assert candidate.source == f"rule:{expectation.failure_kind}"
    assert candidate.evidence


@by_patch_sample
def test_top_candidate_sets_expected_value(expectation):
    candidate = top_candidate(expectation)
    fix = expectation.fix

    assert set_value(candidate, fix["node"], fix["path"]) == fix["to"]


def test_top_candidate_of_auth_sample_reconnects_credential():
    expectation = next(item for item in SAMPLE_EXPECTATIONS if item.fix["kind"] == "action")
    candidate = top_candidate(expectation)

    assert candidate.edits is None
    assert candidate.action == {"type": expectation.fix["type"], "credential": expectation.fix["credential"]}


@by_patch_sample
def test_top_candidate_patch_starts_with_tests_and_applies(expectation):
    context = sample_context(expectation.file)
    candidate = rank(run_diagnosers(context))[0]

    patch = build_patch(context.definition, candidate.edits)
    patched = apply_patch(context.definition, patch)

    assert patch[0]["op"] == "test"
    assert patched != context.definition


def fixes_non_http_node(expectation: SampleExpectation) -> bool:
    definition = json.loads((SAMPLES_DIR / expectation.file).read_text(encoding="utf-8"))["workflow"]["definition"]
    node = next(node for node in definition["nodes"] if node["id"] == expectation.fix["node"])
    return node["type"] != HTTP_NODE


@pytest.mark.parametrize(
    "expectation",
    [item for item in SAMPLE_EXPECTATIONS if item.fix["kind"] == "patch" and fixes_non_http_node(item)],
    ids=lambda item: item.file.removesuffix(".json"),
)
def test_top_candidate_on_non_http_node_replays_passed(expectation):
    context = sample_context(expectation.file)
    candidate = rank(run_diagnosers(context))[0]
    patched = apply_patch(context.definition, build_patch(context.definition, candidate.edits))

    bundle = context.bundle
    recording = prepare_recording(
        context.definition,
        context.execution,
        env=bundle.variables.env if bundle.variables else {},
        credentials=[item.model_dump() for item in bundle.credentials],
    )
    result = replay(recording, patched)

    assert result.status == "passed", result.error
