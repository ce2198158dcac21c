"""Fixes never change a masked secret, and the returned patch pins none."""

import pytest

from service.analyses.errors import FixConflict
from service.fixes.masks import check_no_masked_target, without_masked_tests

DEFINITION = {
    "nodes": [
        {"id": "call", "data": {"config": {"url": "https://api.example.com", "headers": {"Authorization": "[REDACTED]"}}}}
    ]
}
HEADER = "/nodes/0/data/config/headers/Authorization"
URL = "/nodes/0/data/config/url"


@pytest.mark.parametrize(
    "operation",
    [
        {"op": "replace", "path": HEADER, "value": "Bearer x"},
        {"op": "remove", "path": HEADER},
        {"op": "move", "from": HEADER, "path": "/nodes/0/data/config/token"},
        {"op": "replace", "path": URL, "value": "https://[REDACTED]@api.example.com"},
        {"op": "replace", "path": "/nodes/0/data/config/headers", "value": {}},
    ],
    ids=["replace", "remove", "move", "writes-mask", "replaces-parent"],
)
def test_check_no_masked_target_rejects(operation: dict[str, object]) -> None:
    with pytest.raises(FixConflict, match="operation 0"):
        check_no_masked_target(DEFINITION, [operation])


def test_check_no_masked_target_allows_plain_change() -> None:
    patch = [{"op": "test", "path": HEADER, "value": "[REDACTED]"}, {"op": "replace", "path": URL, "value": "https://b.example.com"}]

    check_no_masked_target(DEFINITION, patch)


def test_without_masked_tests_drops_only_masked_pins() -> None:
    pin_mask = {"op": "test", "path": HEADER, "value": "[REDACTED]"}
    pin_url = {"op": "test", "path": URL, "value": "https://api.example.com"}
    change = {"op": "replace", "path": URL, "value": "https://b.example.com"}

    assert without_masked_tests([pin_mask, pin_url, change]) == [pin_url, change]
