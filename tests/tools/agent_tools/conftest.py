"""Fixtures: sessions over the sample bundles and over the test bundle that carries a bearer token."""

from typing import Any

import pytest

from tests.bundles import make_bundle, make_execution
from tools.agent_tools import ToolSession, open_session

from .sessions import API_SCHEMA_CHANGE, DATA_MAPPING, sample_session


@pytest.fixture
def data_mapping_session() -> ToolSession:
    return sample_session(DATA_MAPPING)


@pytest.fixture
def schema_change_session() -> ToolSession:
    return sample_session(API_SCHEMA_CHANGE)


@pytest.fixture
def bearer_bundle() -> dict[str, Any]:
    """The test bundle as sent, before intake: its token is in headers, a URL, a fixture and a log line."""
    history = [make_execution(execution_id="811", failed=False, started_at="2026-02-28T09:30:00Z")]
    return make_bundle(history=history)


@pytest.fixture
def bearer_session(bearer_bundle: dict[str, Any]) -> ToolSession:
    # Skipping intake on purpose: the tools' own last redaction must still hide the token.
    return open_session(bearer_bundle)
