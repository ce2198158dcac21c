"""Intake: the one validation and redaction every entry point runs."""

import json

import pytest

from tests.bundles import BEARER_TOKEN, bundle_bytes, make_bundle
from tools.fingerprint import fingerprint_request
from tools.intake import BundleRejected, Limits, prepare_bundle


def _rejection(bundle, limits=Limits()) -> BundleRejected:
    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(bundle_bytes(bundle), limits)
    return caught.value


def test_prepare_bundle_accepts_realistic_bundle():
    prepared = prepare_bundle(bundle_bytes(make_bundle()))

    assert prepared.model.workflow.id == "wf_orders"
    assert prepared.model.execution.failed_node_id() == "fetch_customer"


def test_prepare_bundle_keeps_key_order():
    bundle = make_bundle()
    bundle["execution"]["trigger_data"] = {"zeta": 1, "alpha": 2, "mid": 3}

    prepared = prepare_bundle(bundle_bytes(bundle))

    assert list(prepared.raw["execution"]["trigger_data"]) == ["zeta", "alpha", "mid"]


def test_prepare_bundle_redacts_bearer_token_everywhere():
    prepared = prepare_bundle(bundle_bytes(make_bundle()))

    assert BEARER_TOKEN not in json.dumps(prepared.raw)
    assert prepared.redacted_paths


def test_prepare_bundle_refingerprints_redacted_requests():
    prepared = prepare_bundle(bundle_bytes(make_bundle()))

    fixture = prepared.raw["execution"]["deterministic_fixtures"][0]
    assert fixture["request"]["headers"]["Authorization"] == "Bearer [REDACTED]"
    assert fixture["request_fingerprint"] == fingerprint_request(fixture["request"])


def test_prepare_bundle_stores_schema_violations_for_analysis():
    bundle = make_bundle()
    bundle["workflow"]["definition"]["nodes"][1]["data"]["config"]["timeout"] = "thirty"
    bundle["workflow"]["definition"]["nodes"][1]["type"] = "action_mystery"
    bundle["execution"]["nodes"][1]["node_type"] = "action_mystery"

    prepared = prepare_bundle(bundle_bytes(bundle))

    assert prepared.raw["workflow"]["definition"]["nodes"][1]["data"]["config"]["timeout"] == "thirty"


def _set(bundle, path, value):
    target = bundle
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return bundle


@pytest.mark.parametrize(
    ("path", "value", "expected_path", "reason_part"),
    [
        (["format"], "autofix.failure-bundle/2", "$.format", 'expected "autofix.failure-bundle/1"'),
        (["workflow", "definition", "nodes", 1, "id"], "order_hook", "$.workflow.definition.nodes[1].id", "duplicate node id"),
        (["workflow", "definition", "edges", 0, "target"], "ghost", "$.workflow.definition.edges[0].target", 'node "ghost"'),
        (["execution", "nodes", 1, "node_id"], "ghost", "$.execution.nodes[1].node_id", 'node "ghost"'),
        (["execution", "error", "failed_node"], "ghost", "$.execution.error.failed_node", '"ghost"'),
        (["execution", "workspace_id"], "ws_other", "$.execution.workspace_id", "ws_other"),
        (["execution", "workflow_version"], 6, "$.execution.workflow_version", "version 6"),
        (["execution", "started_at"], "yesterday", "$.execution.started_at", "RFC 3339"),
        (["execution", "nodes", 0, "status"], "exploded", "$.execution.nodes[0].status", "input should be"),
        (["workflow", "definition", "nodes", 0, "id"], "order hook!", "$.workflow.definition.nodes[0].id", "pattern"),
        (["workflow"], None, "$.workflow", "valid dictionary"),
        (["execution", "nodes", 0, "output"], {"text": "a\u0000b"}, "$.execution.nodes[0].output.text", "NUL"),
        (["execution", "duration_ms"], 2**40, "$.execution.duration_ms", "32-bit integer"),
        (["execution", "nodes", 1, "sequence"], 2**31, "$.execution.nodes[1].sequence", "32-bit integer"),
        (["execution", "nodes", 1, "attempt"], 2**63, "$.execution.nodes[1].attempt", "32-bit integer"),
        (["execution", "started_at"], "9999-12-31T23:59:59-01:00", "$.execution.started_at", "out of range"),
        (["execution", "logs", 0, "logged_at"], "0001-01-01T00:00:00+01:00", "$.execution.logs[0].logged_at", "out of range"),
        (["execution", "nodes", 0, "completed_at"], "9999-12-31T23:00:00-02:00", "$.execution.nodes[0].completed_at", "out of range"),
    ],
)
def test_prepare_bundle_rejects_unusable_value(path, value, expected_path, reason_part):
    bundle = _set(make_bundle(), path, value)

    rejection = _rejection(bundle)

    assert rejection.path == expected_path
    assert reason_part in rejection.reason


def test_prepare_bundle_rejects_missing_field_with_path():
    bundle = make_bundle()
    del bundle["execution"]["nodes"][0]["node_type"]

    rejection = _rejection(bundle)

    assert rejection.path == "$.execution.nodes[0].node_type"
    assert rejection.reason.startswith("field required")


@pytest.mark.parametrize(
    ("data", "reason_part"),
    [
        (b'{"format": ', "malformed JSON: expecting value at line 1 column 12"),
        (b"\xff\xfe{}", "invalid UTF-8"),
        (b"[1, 2]", "expected a JSON object, got a list"),
        (b'{"format": "autofix.failure-bundle/1", "x": NaN}', "NaN"),
    ],
)
def test_prepare_bundle_rejects_malformed_document(data, reason_part):
    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(data)

    assert reason_part in str(caught.value)


def test_prepare_bundle_rejects_number_beyond_float_with_path():
    text = bundle_bytes(make_bundle()).decode().replace('"duration_ms": 1840', '"duration_ms": 1e999', 1)
    assert "1e999" in text

    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(text.encode())

    assert caught.value.path == "$.execution.duration_ms"
    assert "64-bit float" in caught.value.reason


def test_prepare_bundle_rejects_overlong_integer():
    text = bundle_bytes(make_bundle()).decode().replace('"duration_ms": 1840', '"duration_ms": 1' + "0" * 5000, 1)

    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(text.encode())

    assert caught.value.path == "$.execution.duration_ms"
    assert "64-bit float" in caught.value.reason


def test_prepare_bundle_rejects_oversized_version():
    bundle = make_bundle()
    bundle["workflow"]["version"] = 2**33
    bundle["execution"]["workflow_version"] = 2**33

    rejection = _rejection(bundle)

    assert rejection.path == "$.workflow.version"
    assert "32-bit integer" in rejection.reason


def test_prepare_bundle_writes_numeric_ids_as_text():
    bundle = make_bundle()
    bundle["execution"]["execution_id"] = 812
    bundle["history"] = [dict(bundle["execution"], execution_id=700, status="completed")]

    prepared = prepare_bundle(bundle_bytes(bundle))

    assert prepared.raw["execution"]["execution_id"] == "812"
    assert prepared.raw["history"][0]["execution_id"] == "700"


def test_prepare_bundle_rejects_lone_surrogate():
    text = bundle_bytes(make_bundle()).decode().replace('"failed"', '"fa\\ud800iled"', 1)

    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(text.encode())

    assert "lone surrogate" in caught.value.reason


def test_prepare_bundle_rejects_oversized_body():
    data = bundle_bytes(make_bundle())

    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(data, Limits(max_body_bytes=len(data) - 1))

    assert caught.value.path == "$"
    assert caught.value.reason == f"body is more than the limit of {len(data) - 1:,} bytes"


@pytest.mark.parametrize(
    ("data", "expected_reason"),
    [
        (b'{"format": "autofix', "malformed JSON: unterminated string starting at line 1 column 12"),
        (b'{"format": 1 2}', "malformed JSON: expecting ',' delimiter at line 1 column 14"),
        (b'{}\n{}', "malformed JSON: extra data at line 2 column 1"),
        (b'{"a": "\x01"}', "malformed JSON: invalid control character at line 1 column 8"),
    ],
    ids=["unterminated-string", "missing-comma", "extra-data", "control-character"],
)
def test_prepare_bundle_malformed_json_reason_ends_with_position(data, expected_reason):
    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(data)

    assert caught.value.reason == expected_reason


def test_prepare_bundle_rejects_deep_nesting_with_path():
    bundle = make_bundle()
    deep: dict = {}
    cursor = deep
    for _ in range(70):
        cursor["next"] = {}
        cursor = cursor["next"]
    bundle["execution"]["trigger_data"] = deep

    rejection = _rejection(bundle)

    assert rejection.path.startswith("$.execution.trigger_data.next.next")
    assert "nested deeper than the limit of 64" in rejection.reason


def test_prepare_bundle_rejects_pathological_nesting():
    data = b'{"format": "autofix.failure-bundle/1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    with pytest.raises(BundleRejected) as caught:
        prepare_bundle(data)

    assert "nested deeper" in caught.value.reason


@pytest.mark.parametrize(
    ("limits", "expected_path", "reason_part"),
    [
        (Limits(max_nodes=1), "$.workflow.definition.nodes", "2 nodes, more than the limit of 1"),
        (Limits(max_edges=0), "$.workflow.definition.edges", "1 edges, more than the limit of 0"),
        (Limits(max_node_id_length=10), "$.workflow.definition.nodes[1].id", "14 characters"),
    ],
)
def test_prepare_bundle_enforces_size_limits(limits, expected_path, reason_part):
    rejection = _rejection(make_bundle(), limits)

    assert rejection.path == expected_path
    assert reason_part in rejection.reason


def test_prepare_bundle_rejects_duplicate_execution_in_history():
    bundle = make_bundle()
    bundle["history"] = [json.loads(json.dumps(bundle["execution"]))]

    rejection = _rejection(bundle)

    assert rejection.path == "$.history[0].execution_id"
    assert "appears twice" in rejection.reason


def test_prepare_bundle_accepts_non_failed_execution():
    bundle = make_bundle()
    bundle["execution"]["status"] = "completed"
    bundle["execution"].pop("error", None)

    prepared = prepare_bundle(bundle_bytes(bundle))

    assert not prepared.model.execution.failed
