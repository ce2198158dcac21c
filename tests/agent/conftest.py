"""VCR settings, matcher and proxy guard for the HTTP tests of the model path and the chat."""

import json
from typing import Any

import pytest
from vcr import VCR
from vcr.request import Request

CHAT_REQUEST_MATCHER = "chat_request_fields"


def match_chat_request_fields(sent: Request, recorded: Request) -> None:
    """Require every top-level field of the recorded body, with its value, in the body sent.

    The OpenAI request body carries the whole conversation, so it differs on every turn. A cassette
    therefore records only the fields it checks, such as the model name and the temperature.
    """
    if not recorded.body:
        return

    expected = json.loads(recorded.body)
    actual = json.loads(sent.body or b"{}")
    differing = {key: actual.get(key) for key, value in expected.items() if actual.get(key) != value}
    if differing:
        raise AssertionError(f"request body fields {differing} differ from the cassette's {expected}")


@pytest.hookimpl
def pytest_recording_configure(config: pytest.Config, vcr: VCR) -> None:
    vcr.register_matcher(CHAT_REQUEST_MATCHER, match_chat_request_fields)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep proxy settings of the environment from routing a loopback request elsewhere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Replay only: a request the cassette does not hold fails, and no key is written to a cassette."""
    return {
        "record_mode": "none",
        "filter_headers": ["authorization", "api-key", "openai-organization"],
        "match_on": ["method", "path", CHAT_REQUEST_MATCHER],
        "allow_playback_repeats": False,
    }
