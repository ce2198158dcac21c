"""Credentials render as the mask, and requests are fingerprinted after redaction, as fixtures are."""

import json
from pathlib import Path

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    node,
    request,
    response,
    set_values,
    trigger,
    workflow,
)
from tools.fingerprint import fingerprint_request
from tools.replay import run_workflow

# The shared reference data sits beside the repository: ../shared/testdata.
VECTORS_FILE = Path(__file__).resolve().parents[4] / "shared" / "testdata" / "linkflow_fingerprints.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]
URL = "https://api.example.com/customers/42"


def _node_for(sent: dict) -> dict:
    """Build an HTTP node whose rendered request is `sent`, reading secrets from a credential."""
    config: dict = {"method": sent["method"], "url": sent["url"]}
    if sent["headers"] is not None:
        config["headers"] = {
            name: "Bearer {{ credential.hook_token }}" if value == "Bearer [REDACTED]" else value
            for name, value in sent["headers"].items()
        }
    if sent["body"] is not None:
        config["body"] = sent["body"]
        config["body_type"] = "text" if isinstance(sent["body"], str) else "json"
    return node("call", "action_http_request", config)


def _run(call_node: dict, fixtures: list[dict], trigger_data: object = None):
    definition = workflow([trigger(), call_node], chain("start", "call"))
    return run_workflow(
        definition,
        trigger_data=trigger_data or {},
        fixtures=fixtures,
        credentials=[{"name": "hook_token", "type": "bearer", "status": "valid"}],
    )


@pytest.mark.parametrize("vector", VECTORS, ids=[f"vector{index}" for index in range(len(VECTORS))])
def test_request_matches_linkflow_fingerprint(vector: dict) -> None:
    # Fixtures without a request keep LinkFlow's fingerprint as computed by Go.
    recorded = {"request_fingerprint": vector["request_fingerprint"], "response": response(200, {"ok": True})}

    result = _run(_node_for(vector["request"]), [recorded])

    assert result.nodes["call"].status == "completed"


def test_credential_renders_as_mask() -> None:
    call_node = http(
        "call",
        URL,
        headers={"Authorization": "Bearer {{ credential.crm_token }}", "X-Name": "{{ credential.crm_token }}"},
    )

    result = _run(call_node, [])

    sent = result.nodes["call"].needed["request"]
    assert sent["headers"] == {"Authorization": "Bearer [REDACTED]", "X-Name": "[REDACTED]"}


def test_fixture_recorded_with_secret_matches_after_redaction() -> None:
    raw_request = request(URL, headers={"Authorization": "Bearer sk_live_51HqLyjWDarjtT1zdp7dc"})
    # LinkFlow fingerprinted the request with the real token in it.
    recorded = {
        "request_fingerprint": fingerprint_request(raw_request),
        "request": raw_request,
        "response": response(200, {"id": 42}),
    }
    call_node = http("call", URL, headers={"Authorization": "Bearer {{ credential.stripe_key }}"})

    result = _run(call_node, [recorded])

    assert result.nodes["call"].output["body"] == {"id": 42}


def test_literal_secret_in_config_is_redacted_before_fingerprint() -> None:
    redacted = request(URL, headers={"X-Api-Key": "[REDACTED]"})
    recorded = {"request_fingerprint": fingerprint_request(redacted), "response": response(200, {"id": 42})}
    call_node = http("call", URL, headers={"X-Api-Key": "abc123-literal-secret"})

    result = _run(call_node, [recorded])

    assert result.nodes["call"].status == "completed"


def test_credential_in_body_and_intended_call_is_masked() -> None:
    body = {"client": "acme", "api_token": "{{ credential.hook_token }}"}
    sent = request(URL, method="POST", body={"client": "acme", "api_token": "[REDACTED]"})
    definition = workflow(
        [
            trigger(),
            http("call", URL, method="POST", body=body),
            node("notify", "action_slack_message", {"channel": "#ops", "text": "key {{ credential.hook_token }}"}),
        ],
        chain("start", "call", "notify"),
    )

    result = run_workflow(definition, trigger_data={}, fixtures=[fixture(sent, response(200))])

    assert result.nodes["call"].status == "completed"
    assert result.intended_calls[0]["call"]["text"] == "key [REDACTED]"


def test_undeclared_credential_still_masks() -> None:
    definition = workflow(
        [trigger(), set_values("copy", {"secret": "{{ credential.not_declared }}"})], chain("start", "copy")
    )

    result = run_workflow(definition, trigger_data={}, fixtures=[], credentials=[])

    assert result.nodes["copy"].output["secret"] == "[REDACTED]"
