"""logic_delay advances the virtual clock and passes its input on; now() follows the clock."""

import pytest

from tests.tools.replay.builders import chain, node, set_values, trigger, workflow
from tools.replay import run_workflow

STARTED_AT = "2025-03-12T10:00:00Z"


def _run_delay(config: dict):
    definition = workflow(
        [trigger(), node("wait", "logic_delay", config), set_values("stamp", {"at": "{{ now() }}"})],
        chain("start", "wait", "stamp"),
    )
    return run_workflow(definition, trigger_data={"order": 1}, fixtures=[], started_at=STARTED_AT)


@pytest.mark.parametrize(
    ("config", "expected_ms"),
    [
        ({"duration": 5}, 5000),
        ({"duration": 2, "unit": "minutes"}, 120_000),
        ({"duration": "1h30m"}, 5_400_000),
        ({"duration": "1.5s"}, 1500),
        ({"duration": "250ms"}, 250),
        ({"seconds": 30, "milliseconds": 500}, 30_500),
        ({"hours": 1, "minutes": 1}, 3_660_000),
        ({"until": "2025-03-12T10:00:42Z"}, 42_000),
        ({"until": "2025-03-12T09:00:00Z"}, 0),
        ({"days": 5}, 72 * 3_600_000),
        ({"duration": "{{ trigger.order * 3 }}"}, 3000),
    ],
)
def test_delay_advances_clock(config: dict, expected_ms: int) -> None:
    result = _run_delay(config)

    assert result.clock_ms == expected_ms


def test_delay_passes_input_on() -> None:
    result = _run_delay({"seconds": 1})

    assert result.nodes["wait"].output == {"order": 1}


def test_now_follows_virtual_clock() -> None:
    result = _run_delay({"minutes": 5})

    assert result.nodes["stamp"].output["at"] == "2025-03-12T10:05:00.000Z"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"duration": "soon"}, 'duration: expected a duration such as 90s, 5m or 1h30m, got text "soon"'),
        ({"duration": 5, "unit": "weeks"}, 'unit: expected seconds, minutes, hours or days, got text "weeks"'),
        ({"seconds": -1}, "seconds: expected a number of 0 or more, got the number -1"),
        ({"until": "tomorrow"}, "until: invalid timestamp 'tomorrow'"),
    ],
)
def test_invalid_delay_fails_node(config: dict, message: str) -> None:
    result = _run_delay(config)

    assert result.error["code"] == "INVALID_CONFIG"
    assert result.error["message"].startswith(message)
