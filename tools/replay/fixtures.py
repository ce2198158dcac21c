"""Recorded HTTP exchanges, served to replayed requests by fingerprint in attempt order."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tools.fingerprint import fingerprint_request
from tools.redaction import redact


@dataclass(frozen=True, slots=True)
class FixtureIndex:
    """Fixtures grouped by fingerprint, each group in recorded order.

    `by_node` lists, for fixtures that name the node that made them, the (fingerprint, position)
    pairs of that node, so a node whose recorded output is reused also uses up its fixtures.
    """

    fixtures: dict[str, tuple[dict[str, Any], ...]]
    by_node: dict[str, tuple[tuple[str, int], ...]]

    def cursor(self) -> "FixtureCursor":
        return FixtureCursor(self)


def index_fixtures(fixtures: Iterable[Any]) -> FixtureIndex:
    """Group fixtures by fingerprint.

    A fixture that carries its request is keyed by the fingerprint of that request after
    redaction, as import keys it, because replay fingerprints its own requests after redaction.
    A fixture without a request keeps its recorded fingerprint.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    by_node: dict[str, list[tuple[str, int]]] = {}
    for fixture in fixtures:
        record = _as_dict(fixture)
        fingerprint = fixture_fingerprint(record)
        group = groups.setdefault(fingerprint, [])
        node_id = record.get("node_id")
        if isinstance(node_id, str):
            by_node.setdefault(node_id, []).append((fingerprint, len(group)))
        group.append(record)

    return FixtureIndex(
        fixtures={fingerprint: tuple(group) for fingerprint, group in groups.items()},
        by_node={node_id: tuple(positions) for node_id, positions in by_node.items()},
    )


def fixture_fingerprint(fixture: dict[str, Any]) -> str:
    request = fixture.get("request")
    if isinstance(request, dict):
        return fingerprint_request(redact(request).value)
    return str(fixture.get("request_fingerprint", ""))


class FixtureCursor:
    """One run's use of a fixture index: each fixture serves at most one attempt."""

    __slots__ = ("_index", "_remaining")

    def __init__(self, index: FixtureIndex) -> None:
        self._index = index
        # Positions still unused, per fingerprint; filled on first use so a run touching few
        # fingerprints costs little.
        self._remaining: dict[str, list[int]] = {}

    def take(self, fingerprint: str) -> dict[str, Any] | None:
        """Return the next unused fixture with this fingerprint, or None when none is left."""
        remaining = self._positions(fingerprint)
        if not remaining:
            return None
        return self._index.fixtures[fingerprint][remaining.pop(0)]

    def use_node_fixtures(self, node_id: str) -> None:
        """Mark the fixtures a node made in the recording as used, when its output is reused."""
        for fingerprint, position in self._index.by_node.get(node_id, ()):
            remaining = self._positions(fingerprint)
            if position in remaining:
                remaining.remove(position)

    def _positions(self, fingerprint: str) -> list[int]:
        remaining = self._remaining.get(fingerprint)
        if remaining is None:
            remaining = list(range(len(self._index.fixtures.get(fingerprint, ()))))
            self._remaining[fingerprint] = remaining
        return remaining


def _as_dict(fixture: Any) -> dict[str, Any]:
    if isinstance(fixture, dict):
        return fixture
    # A tools.formats Fixture: keep only what was set, so absent fields stay absent.
    return fixture.model_dump(mode="json", exclude_none=True)
