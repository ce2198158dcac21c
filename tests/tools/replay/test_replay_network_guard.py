"""The folder's guard: any socket connection attempted during a replay test raises."""

import socket
import urllib.request

import pytest

from tests.tools.replay.builders import (
    chain,
    fixture,
    http,
    request,
    response,
    trigger,
    workflow,
)
from tests.tools.replay.network_guard import NetworkBlocked
from tools.replay import run_workflow


def test_guard_blocks_create_connection() -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))


@pytest.mark.parametrize("method", ["connect", "connect_ex"])
def test_guard_blocks_socket_connect(method: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkBlocked):
        getattr(sock, method)(("127.0.0.1", 9))


def test_guard_blocks_http_client() -> None:
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)


def test_run_with_http_node_completes_under_guard() -> None:
    definition = workflow([trigger(), http("fetch", "https://api.example.com/ping")], chain("start", "fetch"))
    world = [fixture(request("https://api.example.com/ping"), response(200, {"ok": True}))]

    result = run_workflow(definition, trigger_data={}, fixtures=world)

    assert result.run_status == "completed"
    assert result.nodes["fetch"].output["body"] == {"ok": True}
