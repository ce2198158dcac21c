"""The chat routes on an analysis: JSON and server-sent events, history, auth and refusals."""

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from service.app import create_app
from tests.agent.chat.chat_helpers import CHAT_TEXT_EDIT, answer, propose
from tests.agent.samples import SAMPLES_DIR
from tests.agent.scripted_model import ScriptedChatModel
from tests.service.api.conftest import add_workspace
from tests.service.cli.cli_helpers import autofix

SAMPLE = str(SAMPLES_DIR / "incident_alert_data_mapping.json")
WORKSPACE = "ws_helio"


@pytest.fixture
async def helio(engine: AsyncEngine):
    return await add_workspace(engine, WORKSPACE)


@pytest.fixture
def analysis_id(database_url: str, helio) -> str:
    result = autofix(database_url, "analyze", SAMPLE, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["analysis_id"]


def _script(app: Litestar, *steps) -> ScriptedChatModel:
    model = ScriptedChatModel(steps=list(steps))
    app.state.chat_model = model
    return model


async def test_post_message_answers_json(client, app, helio, analysis_id):
    _script(app, propose("call_1", [CHAT_TEXT_EDIT]), answer("Added a fix that reads severity."))

    response = await client.post(
        helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "could we show severity first?"},
        headers=helio.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reply"] == "Added a fix that reads severity."
    assert [item["source"] for item in body["suggestions_added"]] == ["chat"]
    assert body["suggestions_added"][0]["verification"]["status"] == "passed"


async def test_added_suggestion_stored_on_analysis(client, app, helio, analysis_id):
    _script(app, propose("call_1", [CHAT_TEXT_EDIT]), answer("Added."))
    await client.post(helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "fix?"}, headers=helio.headers)

    listed = await client.get(helio.url(f"/ai/analyses/{analysis_id}/messages"), headers=helio.headers)

    assert listed.status_code == 200
    assert [item["role"] for item in listed.json()["data"]] == ["user", "assistant"]


async def test_post_message_streams_events(client, app, helio, analysis_id):
    _script(app, propose("call_1", [CHAT_TEXT_EDIT]), answer("Added a fix."))

    response = await client.post(
        helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "fix it?"},
        headers={**helio.headers, "Accept": "text/event-stream"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line.removeprefix("event: ") for line in response.text.splitlines() if line.startswith("event: ")]
    assert events[-1] == "end"
    assert "suggestion" in events
    assert events.index("suggestion") < events.index("end")
    assert "text" in events


async def test_post_message_without_model_is_503(client, helio, analysis_id):
    response = await client.post(
        helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "why not retry?"}, headers=helio.headers
    )

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_configured"
    assert "AUTOFIX_MODEL" in response.json()["detail"]


async def test_post_message_too_long_is_422(client, app, helio, analysis_id):
    _script(app, answer("unused"))

    response = await client.post(
        helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "x" * 5000}, headers=helio.headers
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"][0]["path"] == "$.message"


async def test_other_workspace_analysis_is_404(client, app, engine, analysis_id):
    stranger = await add_workspace(engine, "ws_stranger")
    _script(app, answer("unused"))

    posted = await client.post(
        stranger.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "hello"}, headers=stranger.headers
    )
    listed = await client.get(stranger.url(f"/ai/analyses/{analysis_id}/messages"), headers=stranger.headers)

    assert posted.status_code == 404
    assert listed.status_code == 404


async def test_post_message_without_token_is_401(client, helio, analysis_id):
    response = await client.post(helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "hello"})

    assert response.status_code == 401


async def test_history_survives_app_restart(app, api_settings, helio, analysis_id):
    _script(app, answer("It received the incident list."))
    async with AsyncTestClient(app=app) as first_client:
        await first_client.post(
            helio.url(f"/ai/analyses/{analysis_id}/messages"), json={"message": "what did it receive?"},
            headers=helio.headers,
        )

    restarted = create_app(api_settings)
    async with AsyncTestClient(app=restarted) as second_client:
        listed = await second_client.get(helio.url(f"/ai/analyses/{analysis_id}/messages"), headers=helio.headers)

    assert [item["content"] for item in listed.json()["data"]] == ["what did it receive?", "It received the incident list."]
