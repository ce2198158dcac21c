"""The model path over HTTP: ChatOpenAI against OpenAI Chat Completions responses replayed from cassettes.

Each cassette under cassettes/test_model_http/ is written by hand in the Chat Completions wire format
and replayed in order. The record mode is "none", so a request the cassette does not hold fails and
nothing reaches the network. The base URL is a loopback port that nothing listens on.
"""

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from vcr.cassette import Cassette

from agent.analysis import AnalysisResult, analyze
from agent.config import AgentConfig
from tests.agent.samples import prepared_sample
from tests.bundles import BEARER_TOKEN, bundle_bytes, make_bundle
from tests.evals.sample_expectations import INCIDENT_ALERT_TEXT
from tools.intake import prepare_bundle

SAMPLE = "incident_alert_data_mapping.json"
MODEL = "gpt-test"
API_KEY = "test-key-not-secret"
BASE_URL = "http://127.0.0.1:9/v1"
CASSETTE_DIR = Path(__file__).parent / "cassettes" / "test_model_http"
FIXED_TEXT = INCIDENT_ALERT_TEXT.replace(".serverity }}", ".severity }}")






@pytest.fixture
def sent_bodies(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The JSON body of every request the OpenAI client sends, in order."""
    bodies: list[dict[str, Any]] = []
    original_send = httpx2.Client.send

    def recording_send(client: httpx2.Client, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        bodies.append(json.loads(request.read()))
        return original_send(client, request, **kwargs)

    monkeypatch.setattr(httpx2.Client, "send", recording_send)
    return bodies


def _config(**bounds: Any) -> AgentConfig:
    return AgentConfig(model=MODEL, api_key=API_KEY, base_url=BASE_URL, **bounds)


def _analyze(*, bundle: dict[str, Any] | None = None, **bounds: Any) -> AnalysisResult:
    return analyze(bundle or prepared_sample(SAMPLE), config=_config(**bounds))


def _total_tokens(cassette: Cassette) -> int:
    return sum(json.loads(response["body"]["string"])["usage"]["total_tokens"] for response in cassette.responses)



def _strings_in(value: Any) -> Iterator[tuple[str | None, str]]:
    """Yield (key, text) for every string in a request body, descending into tool results sent as JSON text."""
    stack: list[tuple[str | None, Any]] = [(None, value)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, list):
            stack.extend((key, element) for element in item)
        elif isinstance(item, str):
            yield key, item
            if item[:1] in "{[":
                try:
                    stack.append((key, json.loads(item)))
                except json.JSONDecodeError:
                    pass


def _model_suggestions(result: AnalysisResult) -> list[dict[str, Any]]:
    return [item for item in result.suggestions if item["source"] == "model"]


@pytest.mark.vcr
@pytest.mark.default_cassette("success")
def test_rule_fix_from_model_merged(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    result = _analyze(max_steps=4)

    dry_run_result = json.loads(sent_bodies[2]["messages"][-1]["content"])
    assert vcr.all_played
    assert len(sent_bodies) == 3
    assert result.model_failures == []
    assert result.model_used == MODEL
    assert result.tokens_used == _total_tokens(vcr)
    assert dry_run_result["verification"]["status"] == "passed"
    assert "Model's reading: post_alert's text reads incidents[0].serverity" in result.diagnosis
    # The model proposed the diagnoser's exact patch, so only the better-scored copy is kept.
    assert len(result.suggestions) == 1
    assert result.suggestions[0]["verification"]["status"] == "passed"
    assert {"op": "replace", "path": "/nodes/3/data/config/text", "value": FIXED_TEXT} in result.suggestions[0]["patch"]


@pytest.mark.vcr
@pytest.mark.default_cassette("own_fix")
def test_model_own_fix_passes(vcr: Cassette):
    result = _analyze(max_steps=4)

    model_suggestions = _model_suggestions(result)
    assert vcr.all_played
    assert result.model_failures == []
    assert len(model_suggestions) == 1
    assert model_suggestions[0]["verification"]["status"] == "passed"
    assert model_suggestions[0]["patch"][0]["op"] == "test"
    assert result.tokens_used == _total_tokens(vcr)


@pytest.mark.vcr
@pytest.mark.default_cassette("success")
def test_requests_carry_conversation_and_tools(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    _analyze(max_steps=4)

    first, second = sent_bodies[0], sent_bodies[1]
    tool_names = {tool["function"]["name"] for tool in first["tools"]}
    assert [message["role"] for message in first["messages"]] == ["system", "user"]
    assert {"get_snapshot", "dry_run_patch", "submit_suggestions"} <= tool_names
    assert second["messages"][-2]["tool_calls"][0]["id"] == "call_snapshot"
    assert second["messages"][-1]["role"] == "tool"
    assert second["messages"][-1]["tool_call_id"] == "call_snapshot"
    assert "serverity" in second["messages"][-1]["content"]


@pytest.mark.vcr
@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("rate_limited", marks=pytest.mark.default_cassette("rate_limited"), id="429"),
        pytest.param("server_error", marks=pytest.mark.default_cassette("server_error_500"), id="500"),
        pytest.param("server_error", marks=pytest.mark.default_cassette("server_error_503"), id="503"),
        pytest.param("http_400", marks=pytest.mark.default_cassette("context_too_long"), id="400"),
    ],
)
def test_provider_error_falls_back_to_rules(vcr: Cassette, kind: str):
    result = _analyze()

    assert vcr.all_played
    assert [item["kind"] for item in result.model_failures] == [kind]
    assert result.suggestions[0]["source"] == "rule:data_mapping"
    assert result.suggestions[0]["verification"]["status"] == "passed"
    assert result.tokens_used == 0


@pytest.mark.vcr
@pytest.mark.default_cassette("rate_limited")
def test_rate_limit_detail_keeps_message(vcr: Cassette):
    result = _analyze()

    detail = result.model_failures[0]["detail"]
    assert "RateLimitError" in detail
    assert "429" in detail
    assert "Please try again in 20s" in detail


@pytest.mark.vcr
@pytest.mark.parametrize(
    ("max_steps", "kinds"),
    [
        pytest.param(
            1,
            ["invalid_tool_arguments", "step_limit"],
            marks=pytest.mark.default_cassette("invalid_tool_arguments"),
            id="invalid-json",
        ),
        pytest.param(
            1, ["unknown_tool", "step_limit"], marks=pytest.mark.default_cassette("unknown_tool"), id="unknown-tool"
        ),
        pytest.param(
            1, ["missing_key", "step_limit"], marks=pytest.mark.default_cassette("missing_key"), id="missing-path"
        ),
        pytest.param(
            1,
            ["invalid_submission:invalid_arguments", "step_limit"],
            marks=pytest.mark.default_cassette("confidence_out_of_range"),
            id="confidence-1.7",
        ),
        pytest.param(2, ["step_limit"], marks=pytest.mark.default_cassette("step_limit"), id="no-submit"),
    ],
)
def test_tool_failure_falls_back_to_rules(vcr: Cassette, max_steps: int, kinds: list[str]):
    result = _analyze(max_steps=max_steps)

    assert vcr.all_played
    assert [item["kind"] for item in result.model_failures] == kinds
    assert _model_suggestions(result) == []
    assert result.suggestions[0]["source"] == "rule:data_mapping"
    assert result.suggestions[0]["verification"]["status"] == "passed"
    assert result.tokens_used == _total_tokens(vcr)


@pytest.mark.vcr
@pytest.mark.default_cassette("invalid_tool_arguments")
def test_invalid_arguments_detail_names_tool(vcr: Cassette):
    result = _analyze(max_steps=1)

    detail = result.model_failures[0]["detail"]
    assert "dry_run_patch" in detail
    assert "not valid JSON" in detail


@pytest.mark.vcr
@pytest.mark.default_cassette("tool_error_recovery")
def test_recovery_after_unknown_tool(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    result = _analyze(max_steps=4)

    tool_message = sent_bodies[1]["messages"][-1]
    error = json.loads(tool_message["content"])["error"]
    assert vcr.all_played
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == "call_delete"
    assert error["code"] == "unknown_tool"
    assert error["retryable"] is True
    assert [item["kind"] for item in result.model_failures] == ["unknown_tool"]
    assert len(_model_suggestions(result)) == 1


@pytest.mark.vcr
@pytest.mark.default_cassette("no_tool_call")
def test_text_answer_gets_reminder(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    result = _analyze(max_steps=4)

    reminder = sent_bodies[1]["messages"][-1]
    assert vcr.all_played
    assert [item["kind"] for item in result.model_failures] == ["no_tool_call"]
    assert reminder["role"] == "user"
    assert "submit_suggestions" in reminder["content"]
    assert len(_model_suggestions(result)) == 1


@pytest.mark.vcr
@pytest.mark.default_cassette("token_limit")
def test_token_limit_stops_requests(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    result = _analyze(max_steps=5, max_tokens=1_000)

    assert vcr.all_played
    assert len(sent_bodies) == 1
    assert [item["kind"] for item in result.model_failures] == ["token_limit"]
    assert result.tokens_used == 1_500
    assert result.suggestions[0]["source"] == "rule:data_mapping"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog does) and never responds."""
    with socket.create_server(("127.0.0.1", 0), backlog=4) as server:
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A loopback port that was free a moment ago, so connecting to it is refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def test_silent_server_times_out(silent_server: int):
    config = AgentConfig(
        model=MODEL, api_key=API_KEY, base_url=f"http://127.0.0.1:{silent_server}/v1", request_timeout_seconds=0.3
    )

    result = analyze(prepared_sample(SAMPLE), config=config)

    assert [item["kind"] for item in result.model_failures] == ["timeout"]
    assert result.suggestions[0]["source"] == "rule:data_mapping"
    assert result.suggestions[0]["verification"]["status"] == "passed"


def test_refused_connection_falls_back(closed_port: int):
    config = AgentConfig(model=MODEL, api_key=API_KEY, base_url=f"http://127.0.0.1:{closed_port}/v1")

    result = analyze(prepared_sample(SAMPLE), config=config)

    assert [item["kind"] for item in result.model_failures] == ["connection_error"]
    assert result.suggestions[0]["source"] == "rule:data_mapping"


@pytest.mark.parametrize("cassette", sorted(CASSETTE_DIR.glob("*.yaml")), ids=lambda path: path.stem)
@pytest.mark.parametrize("secret", [API_KEY, "Bearer ", "sk-", BEARER_TOKEN])
def test_cassette_holds_no_secret(cassette: Path, secret: str):
    assert secret not in cassette.read_text(encoding="utf-8")


def test_no_unused_cassette():
    used = {
        "success", "own_fix", "rate_limited", "server_error_500", "server_error_503", "context_too_long",
        "invalid_tool_arguments", "unknown_tool", "missing_key", "confidence_out_of_range", "step_limit",
        "tool_error_recovery", "no_tool_call", "token_limit", "secrets_stay_out",
    }

    assert {path.stem for path in CASSETTE_DIR.glob("*.yaml")} == used


@pytest.mark.vcr
@pytest.mark.default_cassette("secrets_stay_out")
def test_requests_never_carry_credentials(vcr: Cassette, sent_bodies: list[dict[str, Any]]):
    bundle = prepare_bundle(bundle_bytes(make_bundle())).raw

    analyze(bundle, config=_config(max_steps=5))

    texts = [text for body in sent_bodies for _, text in _strings_in(body)]
    authorization_values = [
        text for body in sent_bodies for key, text in _strings_in(body) if key and key.lower() == "authorization"
    ]
    # Log lines carry the header inline, e.g. "GET ... with Authorization: [REDACTED] returned 404".
    inline_authorization = [match for text in texts for match in re.findall(r'Authorization: ([^\s"\\]+)', text)]
    assert vcr.all_played
    assert len(sent_bodies) == 4
    assert not [text for text in texts if BEARER_TOKEN in text]
    assert not [text for text in texts if "Bearer {{" in text]
    assert authorization_values, "the snapshot of fetch_customer should show its masked Authorization header"
    assert set(authorization_values) == {"[REDACTED]"}
    assert set(inline_authorization) == {"[REDACTED]"}
