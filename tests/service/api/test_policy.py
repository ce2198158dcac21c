"""The policy route: defaults, replacement, and rejected values that change nothing."""

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.service.api.conftest import WorkspaceAccess


async def test_policy_of_new_workspace_has_defaults(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    response = await client.get(acme.url("/policy"), headers=acme.headers)

    body = response.json()
    assert response.status_code == 200
    assert body["workspace_id"] == "ws_acme"
    assert body["ai_auto_fix_enabled"] is False
    assert body["ai_auto_fix_confidence_threshold"] == 0.95
    assert body["daily_analysis_limit"] == 50
    assert body["redaction_fields"] == []


async def test_put_policy_stores_every_field(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    update = {
        "ai_auto_fix_enabled": True,
        "ai_auto_fix_confidence_threshold": 0.8,
        "daily_analysis_limit": 10,
        "redaction_fields": ["customer.ssn"],
    }

    put = await client.put(acme.url("/policy"), json=update, headers=acme.headers)
    stored = (await client.get(acme.url("/policy"), headers=acme.headers)).json()

    assert put.status_code == 200
    for name, value in update.items():
        assert stored[name] == value


async def test_put_policy_keeps_optional_fields_left_out(client: AsyncTestClient[Litestar], acme: WorkspaceAccess) -> None:
    first = {"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9, "daily_analysis_limit": 7}
    await client.put(acme.url("/policy"), json=first, headers=acme.headers)

    second = {"ai_auto_fix_enabled": False, "ai_auto_fix_confidence_threshold": 0.99}
    body = (await client.put(acme.url("/policy"), json=second, headers=acme.headers)).json()

    assert body["daily_analysis_limit"] == 7
    assert body["ai_auto_fix_enabled"] is False


@pytest.mark.parametrize(
    ("update", "path"),
    [
        ({"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 1.5}, "$.ai_auto_fix_confidence_threshold"),
        ({"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.955}, "$.ai_auto_fix_confidence_threshold"),
        ({"ai_auto_fix_confidence_threshold": 0.9}, "$.ai_auto_fix_enabled"),
        ({"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9, "daily_analysis_limit": -1}, "$.daily_analysis_limit"),
        ({"ai_auto_fix_enabled": True, "ai_auto_fix_confidence_threshold": 0.9, "auto_fix": True}, "$.auto_fix"),
    ],
    ids=["threshold-above-one", "three-decimals", "enabled-missing", "negative-limit", "unknown-field"],
)
async def test_put_invalid_policy_returns_422_naming_field(
    client: AsyncTestClient[Litestar], acme: WorkspaceAccess, update: dict[str, object], path: str
) -> None:
    response = await client.put(acme.url("/policy"), json=update, headers=acme.headers)
    stored = (await client.get(acme.url("/policy"), headers=acme.headers)).json()

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"][0]["path"] == path
    assert stored["ai_auto_fix_enabled"] is False
