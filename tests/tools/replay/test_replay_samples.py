"""Replaying each eval sample's recorded run with its own definition reproduces its failure."""

from pathlib import Path

import pytest

from tools.intake import prepare_bundle
from tools.replay import Recording, prepare_recording, replay

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "evals" / "samples").glob("*.json"))


def _recording(sample: Path) -> tuple[Recording, dict]:
    # Through intake, as the service stores a bundle: redacted, fixtures keyed by redacted requests.
    bundle = prepare_bundle(sample.read_bytes()).raw
    variables = bundle.get("variables") or {}
    recording = prepare_recording(
        bundle["workflow"]["definition"],
        bundle["execution"],
        env=variables.get("env"),
        credentials=bundle.get("credentials"),
    )
    return recording, bundle


def _fixture_nodes(bundle: dict) -> set[str]:
    return {item.get("node_id") for item in bundle["execution"].get("deterministic_fixtures") or []}


@pytest.mark.skipif(not SAMPLES, reason="no eval samples in evals/samples")
@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.stem for sample in SAMPLES])
def test_sample_replay_reproduces_recorded_failure(sample: Path) -> None:
    recording, bundle = _recording(sample)

    result = replay(recording)

    if result.status == "unverifiable":
        # Only a failed node that no fixture can serve may be unverifiable.
        assert recording.failed_node not in _fixture_nodes(bundle)
        assert result.needed[0]["node"] == recording.failed_node
    else:
        assert result.status == "failed"
        assert result.failed_node == recording.failed_node


@pytest.mark.skipif(not SAMPLES, reason="no eval samples in evals/samples")
@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.stem for sample in SAMPLES])
def test_sample_replay_error_code_matches_engine(sample: Path) -> None:
    recording, _ = _recording(sample)

    result = replay(recording)

    if result.status == "failed" and recording.recorded_error and recording.recorded_error.get("code"):
        assert result.error["code"] == recording.recorded_error["code"]


@pytest.mark.skipif(not SAMPLES, reason="no eval samples in evals/samples")
@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.stem for sample in SAMPLES])
def test_sample_replay_reuses_nodes_before_failure(sample: Path) -> None:
    recording, _ = _recording(sample)

    result = replay(recording)

    completed = [node_id for node_id, record in recording.records.items() if record.get("status") == "completed"]
    assert all(result.nodes[node_id].reused for node_id in completed)
