"""Every replay test runs with the network cut: opening any socket connection raises."""

import pytest

from tests.tools.replay.network_guard import block_network


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    block_network(monkeypatch)
