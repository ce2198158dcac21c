"""`logic_delay`: advance the virtual clock by the wait and pass the input on; nothing sleeps."""

import re
from typing import Any

from tools.expressions import describe_value
from tools.formats.timestamps import parse_rfc3339
from tools.replay.executors.base import NodeCall
from tools.replay.failures import invalid_config

# LinkFlow caps every wait at 72 hours.
MAX_WAIT_MS = 72 * 3600 * 1000

_UNIT_MS = {"seconds": 1000, "minutes": 60_000, "hours": 3_600_000, "days": 86_400_000}
_PART_MS = {"milliseconds": 1, "seconds": 1000, "minutes": 60_000, "hours": 3_600_000, "days": 86_400_000}
_GO_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
_GO_DURATION = re.compile(r"^(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")
_GO_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def execute_delay(call: NodeCall) -> Any:
    """Wait on the virtual clock: `until` if set, else `duration`, else the sum of the parts."""
    call.state.clock.advance(min(wait_ms(call), MAX_WAIT_MS))
    return call.input


def wait_ms(call: NodeCall) -> float:
    """Return the wait the config sets, in milliseconds.

    Raises:
        NodeFailure: a field contains a value that is not a wait, naming the field.
    """
    until = call.config_value("until")
    if until is not None:
        return _until_ms(call, until)

    duration = call.config_value("duration")
    if duration is not None:
        return _duration_ms(call, duration)

    total = 0.0
    for part, unit_ms in _PART_MS.items():
        value = call.config_value(part, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise invalid_config(f"{part}: expected a number of 0 or more, got {describe_value(value)}")
        total += value * unit_ms
    return total


def _until_ms(call: NodeCall, until: Any) -> float:
    if not isinstance(until, str):
        raise invalid_config(f"until: expected an RFC 3339 time, got {describe_value(until)}")
    try:
        moment = parse_rfc3339(until)
    except ValueError as error:
        raise invalid_config(f"until: {error}") from None
    if moment.utcoffset() is None:
        raise invalid_config(f"until: {until!r} has no time zone; write it as RFC 3339, such as 2025-03-01T09:00:00Z")
    return max(0.0, (moment - call.state.now()).total_seconds() * 1000)


def _duration_ms(call: NodeCall, duration: Any) -> float:
    if isinstance(duration, str):
        text = duration.strip()
        if not _GO_DURATION.match(text):
            raise invalid_config(
                f"duration: expected a duration such as 90s, 5m or 1h30m, got {describe_value(duration)}"
            )
        return sum(float(amount) * _GO_UNIT_MS[unit] for amount, unit in _GO_PART.findall(text))

    if isinstance(duration, bool) or not isinstance(duration, int | float) or duration < 0:
        raise invalid_config(f"duration: expected a number of 0 or more, got {describe_value(duration)}")
    unit = call.config_value("unit", "seconds")
    if unit not in _UNIT_MS:
        raise invalid_config(f"unit: expected seconds, minutes, hours or days, got {describe_value(unit)}")
    return duration * _UNIT_MS[unit]
