"""Each diagnoser on changed sample bundles: what it proposes, and [] when nothing fits."""

import json
from pathlib import Path
from typing import Any

import pytest

from agent.context import gather_context
from agent.diagnosers import DIAGNOSERS, auth_expired, rate_limit, timeout, transient_upstream
from tests.evals.sample_expectations import SAMPLE_EXPECTATIONS
from tools.intake import prepare_bundle

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "evals" / "samples"
SAMPLE_KINDS = {item.failure_kind: item.file for item in SAMPLE_EXPECTATIONS}


def load(file: str) -> dict[str, Any]:
    return json.loads(json.dumps(prepare_bundle((SAMPLES_DIR / file).read_bytes()).raw))


def node_data(bundle: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(node for node in bundle["workflow"]["definition"]["nodes"] if node["id"] == node_id)["data"]


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        (kind, file)
        for kind in DIAGNOSERS
        for sample_kind, file in SAMPLE_KINDS.items()
        if sample_kind != kind and not (kind == "branching" and sample_kind == "data_mapping")
    ],
)
def test_diagnoser_on_other_kind_returns_nothing(kind, file):
    assert DIAGNOSERS[kind](gather_context(load(file))) == []


def test_rate_limit_without_retry_after_backs_off_exponentially():
    bundle = load(SAMPLE_KINDS["rate_limit"])
    for fixture in bundle["execution"]["deterministic_fixtures"]:
        fixture["response"]["headers"].pop("Retry-After", None)

    [candidate] = rate_limit.diagnose(gather_context(bundle))

    assert candidate.edits[0]["set"]["retry"]["backoff"] == "exponential"
    assert candidate.specificity < 0.9


def test_transient_upstream_when_node_already_retries_returns_nothing():
    bundle = load(SAMPLE_KINDS["transient_upstream"])
    node_data(bundle, "push_stock_level")["retry"] = {"max_attempts": 4, "backoff": "exponential", "delay_ms": 2000}

    assert transient_upstream.diagnose(gather_context(bundle)) == []


def test_timeout_at_client_limit_returns_nothing():
    bundle = load(SAMPLE_KINDS["timeout"])
    node_data(bundle, "fetch_revenue")["config"]["timeout"] = 30

    assert timeout.diagnose(gather_context(bundle)) == []


def test_timeout_cites_last_successful_duration():
    [candidate] = timeout.diagnose(gather_context(load(SAMPLE_KINDS["timeout"])))

    assert any("9.4 s" in line for line in candidate.evidence)


def test_auth_expired_with_valid_credential_is_less_specific():
    bundle = load(SAMPLE_KINDS["auth_expired"])
    for credential in bundle["credentials"]:
        credential["status"] = "valid"

    [candidate] = auth_expired.diagnose(gather_context(bundle))

    assert candidate.action == {"type": "reconnect_credential", "credential": "stripe_key"}
    assert candidate.specificity < 0.9


def test_auth_expired_reads_credential_from_header_template():
    bundle = load(SAMPLE_KINDS["auth_expired"])
    del node_data(bundle, "fetch_customer")["credential"]

    [candidate] = auth_expired.diagnose(gather_context(bundle))

    assert candidate.action["credential"] == "stripe_key"
