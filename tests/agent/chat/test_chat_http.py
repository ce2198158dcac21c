"""The chat over HTTP: ChatOpenAI streaming Chat Completions chunks replayed from a cassette.

The cassette is in the provider's streaming wire format (server-sent `chat.completion.chunk`
events). The record mode is "none", so nothing reaches the network; the base URL is a loopback
port that nothing listens on.
"""

from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from vcr.cassette import Cassette

from agent.chat import ChatConfig, chat_turn
from agent.config import AgentConfig
from tests.agent.chat.chat_helpers import sample_analysis

CONFIG = ChatConfig(agent=AgentConfig(model="gpt-test", api_key="test-key-not-secret", base_url="http://127.0.0.1:9/v1"))






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
