"""Destinations a workflow sends data to: URL hosts, email recipients and message channels.

A host comes from each URL (`scheme://...`) in a string under a key whose words include url,
uri, endpoint, host or webhook, and from such a value without a scheme (`api.example.com/v1`).
URLs under other keys, such as a link in a message, are content, not destinations.

A URL's host is read with `{{ ... }}` templates blanked out, so `https://api.example.com/{{ id }}`
has the host api.example.com. A template anywhere in the host name (`https://{{ env.host }}/x`,
`https://api.example.com.{{ env.suffix }}/x`) makes a host that cannot be checked, while a
template in the port or the user part leaves the host readable.

Recipients are the addresses under `to`, `cc`, `bcc`, `recipient` and `recipients`. Channels are
the values under a key with the word channel.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tools.patching.values import flatten, nearest_name
from tools.redaction import split_name_words

HOST = "host"
RECIPIENT = "recipient"
CHANNEL = "channel"

_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
# Replaces each template, so URL parsing finds where templates are without reading their text.
_PLACEHOLDER = "\x00"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>]*")
# The host of `host:port` or of a bracketed IPv6 literal `[::1]:8080`; a template in the port is harmless.
_HOST_PART = re.compile(r"\[[^\]]*\]|[^:]*")
_EMAIL = re.compile(r"[^\s<>,;\"']+@[^\s<>,;\"']+")

_URL_WORDS = frozenset({"url", "urls", "uri", "endpoint", "host", "webhook"})
_RECIPIENT_KEYS = frozenset({"to", "cc", "bcc", "recipient", "recipients"})
_CHANNEL_WORDS = frozenset({"channel", "channels"})


@dataclass(frozen=True)
class Destination:
    """One place a string sends data to; `value` is None when a template makes it."""

    kind: str
    value: str | None


@dataclass
class KnownDestinations:
    """Destinations a workflow already used, in its definition or its recorded runs.

    `templated_fields` contains (node id, kind, data keys without list indexes) for each field that
    already took its recipient or channel from a template, such as (send_invoice, recipient,
    (config, to)).
    """

    hosts: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    templated_fields: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def knows(self, destination: Destination) -> bool:
        """Tell whether a literal destination was used before; a templated one never is here."""
        values = {HOST: self.hosts, RECIPIENT: self.recipients, CHANNEL: self.channels}[destination.kind]
        return destination.value is not None and destination.value in values


def leaf_destinations(keys: tuple[str | int, ...], value: Any) -> list[Destination]:
    """List the destinations in one leaf of a node's data (or a recorded input), by its key."""
    if not isinstance(value, str):
        return []

    name = nearest_name(keys)
    words = set(split_name_words(name))
    text = _TEMPLATE.sub(_PLACEHOLDER, value)

    found = _hosts(text, words)
    if name.lower() in _RECIPIENT_KEYS:
        found += _recipients(text)
    if words & _CHANNEL_WORDS:
        found += _channels(text)
    return found


def field_keys(keys: tuple[str | int, ...]) -> tuple[str, ...]:
    """Drop list indexes from a path, so `config.to[0]` and `config.to[1]` are one field."""
    return tuple(key for key in keys if isinstance(key, str))


def known_destinations(definition: Mapping[str, Any], recorded_runs: Iterable[Any]) -> KnownDestinations:
    """Collect the destinations of a definition and of recorded executions.

    From an execution: each fixture's request URL, the destinations in each node's recorded input,
    and its embedded workflow definition when it carries one.
    """
    known = KnownDestinations()
    _add_definition(known, definition)

    for run in recorded_runs:
        run = run.model_dump(by_alias=True) if hasattr(run, "model_dump") else run
        if isinstance(run, Mapping):
            _add_run(known, run)
    return known


def _add_definition(known: KnownDestinations, definition: Any) -> None:
    nodes = definition.get("nodes") if isinstance(definition, Mapping) else None
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, Mapping):
            continue
        for keys, value in flatten(node.get("data")).items():
            for destination in leaf_destinations(keys, value):
                _add(known, destination, node_id=str(node.get("id")), keys=keys)


def _add_run(known: KnownDestinations, run: Mapping[str, Any]) -> None:
    for fixture in _as_list(run.get("deterministic_fixtures")):
        request = fixture.get("request") if isinstance(fixture, Mapping) else None
        url = request.get("url") if isinstance(request, Mapping) else None
        for destination in leaf_destinations(("url",), url):
            _add(known, destination)

    for node in _as_list(run.get("nodes")):
        if isinstance(node, Mapping):
            for keys, value in flatten(node.get("input")).items():
                for destination in leaf_destinations(keys, value):
                    _add(known, destination)

    workflow = run.get("workflow")
    if isinstance(workflow, Mapping):
        _add_definition(known, workflow.get("definition"))


def _add(
    known: KnownDestinations,
    destination: Destination,
    *,
    node_id: str | None = None,
    keys: tuple[str | int, ...] = (),
) -> None:
    if destination.value is None:
        if node_id is not None and destination.kind != HOST:
            known.templated_fields.add((node_id, destination.kind, field_keys(keys)))
        return
    {HOST: known.hosts, RECIPIENT: known.recipients, CHANNEL: known.channels}[destination.kind].add(destination.value)


def _hosts(text: str, words: set[str]) -> list[Destination]:
    # A URL in message text or a request body is content, not where the data goes.
    if not words & _URL_WORDS:
        return []
    hosts = [_host_of(match.group()) for match in _URL.finditer(text)]
    if hosts:
        return [host for host in hosts if host is not None]

    stripped = text.strip()
    if stripped.startswith(_PLACEHOLDER):
        return [Destination(HOST, None)]
    if not stripped or stripped.startswith("/"):
        return []
    host = _host_of("//" + stripped)
    return [host] if host is not None else []


def _host_of(url: str) -> Destination | None:
    """Read a URL's host; None when it has none, a None value when a template makes it."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        # A host part urlsplit rejects, such as a broken IPv6 literal, cannot be checked either.
        return Destination(HOST, None)

    host = _HOST_PART.match(netloc.rpartition("@")[2]).group()
    if _PLACEHOLDER in host:
        return Destination(HOST, None)
    host = host.strip("[]").rstrip(".").lower()
    return Destination(HOST, host) if host else None


def _recipients(text: str) -> list[Destination]:
    found = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        if _PLACEHOLDER in part:
            found.append(Destination(RECIPIENT, None))
            continue
        address = _EMAIL.search(part)
        found.append(Destination(RECIPIENT, (address.group() if address else part).lower()))
    return found


def _channels(text: str) -> list[Destination]:
    channel = text.strip()
    if not channel:
        return []
    if _PLACEHOLDER in channel:
        return [Destination(CHANNEL, None)]
    return [Destination(CHANNEL, channel.lstrip("#").lower())]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
