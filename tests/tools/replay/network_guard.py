"""A guard that makes every socket connection raise, so replay tests prove they stay offline."""

import socket
from typing import Any

import pytest


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to open a network connection."""


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise NetworkBlocked(f"code under test tried to open a network connection: {args!r}")


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make socket.socket.connect, socket.socket.connect_ex and socket.create_connection raise."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
