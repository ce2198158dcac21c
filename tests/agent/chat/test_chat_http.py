"""The chat over HTTP: ChatOpenAI streaming Chat Completions chunks replayed from a cassette.

The cassette is in the provider's streaming wire format (server-sent `chat.completion.chunk`
events). The record mode is "none", so nothing reaches the network; the base URL is a loopback
port that nothing listens on.
"""

from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from vcr.cassette import Cassette

from agent.chat import ChatConfig, chat_turn
from agent.config import AgentConfig
from tests.agent.chat.chat_helpers import sample_analysis
from tests.agent.conftest import CHAT_REQUEST_MATCHER

CONFIG = ChatConfig(agent=AgentConfig(model="gpt-test", api_key="test-key-not-secret", base_url="http://127.0.0.1:9/v1"))


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    return {
        "record_mode": "none",
        "filter_headers": ["authorization", "api-key", "openai-organization"],
        "match_on": ["method", "path", CHAT_REQUEST_MATCHER],
        "allow_playback_repeats": False,
    }


@pytest.mark.vcr
@pytest.mark.default_cassette("chat_adds_suggestion")
async def test_chat_over_http_adds_verified_suggestion(vcr: Cassette):
    turn = await chat_turn(
        sample_analysis(), "could we show the severity first?", config=CONFIG, checkpointer=InMemorySaver()
    )

    assert vcr.all_played
    assert turn.reply == "Added a fix that puts the severity first."
    assert [item["source"] for item in turn.suggestions_added] == ["chat"]
    assert turn.suggestions_added[0]["verification"]["status"] == "passed"


def test_chat_cassette_holds_no_key():
    text = (Path(__file__).parent / "cassettes" / "test_chat_http" / "chat_adds_suggestion.yaml").read_text()

    assert "test-key-not-secret" not in text
    assert "Bearer " not in text
