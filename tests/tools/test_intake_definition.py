"""prepare_definition and prepare_execution: the bundle's checks and redaction on one part."""

import copy
import json

import pytest

from tests.bundles import BEARER_TOKEN, make_definition, make_execution
from tools.intake import BundleRejected, Limits, parse_document, prepare_definition, prepare_execution

SECRET_KEY = "sk_live_51HxQ2Lm9PzR4vT8wY"


def test_prepare_definition_masks_literal_secret() -> None:
    definition = make_definition()
    definition["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] = SECRET_KEY

    prepared = prepare_definition(definition, path="$.definition")

    assert prepared.raw["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] == "[REDACTED]"
    assert prepared.definition_findings[0]["node"] == "fetch_customer"
    assert prepared.redacted_paths == ["$.definition.nodes[1].data.config.headers['X-Api-Key']"]
    assert definition["nodes"][1]["data"]["config"]["headers"]["X-Api-Key"] == SECRET_KEY


def test_prepare_definition_keeps_credential_reference() -> None:
    prepared = prepare_definition(json.dumps(make_definition()).encode())

    assert prepared.raw == make_definition()
    assert prepared.definition_findings == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["nodes"].append(copy.deepcopy(d["nodes"][0])), "$.definition.nodes[2].id"),
        (lambda d: d["edges"][0].update(source="ghost"), "$.definition.edges[0].source"),
        (lambda d: d["nodes"][0].update(id="x" * 101), "$.definition.nodes[0].id"),
        (lambda d: d["nodes"][0]["data"].update(label="a\x00b"), "$.definition.nodes[0].data.label"),
        (lambda d: d.pop("nodes"), "$.definition.nodes"),
    ],
    ids=["duplicate-node", "dangling-edge", "long-node-id", "nul-in-text", "nodes-missing"],
)
def test_prepare_definition_rejects_with_caller_path(change, path: str) -> None:  # type: ignore[no-untyped-def]
    definition = make_definition()
    change(definition)

    with pytest.raises(BundleRejected) as raised:
        prepare_definition(definition, Limits(), path="$.definition")

    assert raised.value.path == path


def test_prepare_definition_rejects_over_node_limit() -> None:
    with pytest.raises(BundleRejected) as raised:
        prepare_definition(make_definition(), Limits(max_nodes=1))

    assert raised.value.path == "$.nodes"


def test_prepare_execution_redacts_and_keeps_ids() -> None:
    document = parse_document(json.dumps(make_execution()).encode(), Limits())

    prepared = prepare_execution(document)

    assert BEARER_TOKEN not in json.dumps(prepared.raw)
    assert prepared.model.execution_id == "812"
    assert prepared.raw["nodes"][1]["node_id"] == "fetch_customer"
    assert prepared.raw["deterministic_fixtures"][0]["request_fingerprint"] != "0" * 64
    assert "$.trigger_data.headers['X-Callback-Url']" in prepared.redacted_paths


def test_prepare_execution_writes_numeric_ids_as_text() -> None:
    execution = make_execution()
    execution["execution_id"] = 812

    prepared = prepare_execution(execution)

    assert prepared.raw["execution_id"] == "812"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda e: e.pop("status"), "$.status"),
        (lambda e: e.update(duration_ms=2**40), "$.duration_ms"),
        (lambda e: e["logs"][0].update(logged_at="yesterday"), "$.logs[0].logged_at"),
    ],
    ids=["status-missing", "duration-too-large", "bad-timestamp"],
)
def test_prepare_execution_rejects_with_path(change, path: str) -> None:  # type: ignore[no-untyped-def]
    execution = make_execution()
    change(execution)

    with pytest.raises(BundleRejected) as raised:
        prepare_execution(execution)

    assert raised.value.path == path
