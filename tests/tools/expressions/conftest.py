"""A run context shaped like replay's, shared by the expression tests."""

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import pytest


class RedactedCredentials(Mapping[str, str]):
    """Credentials as replay passes them: every name reads as "[REDACTED]", none is listed."""

    def __getitem__(self, name: str) -> str:
        return "[REDACTED]"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


TRIGGER_OUTPUT = {
    "body": {
        "customer_id": 42,
        "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
        "index": 1,
        "note": "",
        "tags": "red,green",
        "amount": "19.90",
        "ratio": 3.0,
        "query": "a b&c",
        "flags": {"vip": True, "true": "a key named true"},
        "odd keys": {"c-d": "dashed", "with space": "spaced", "it's": "quoted"},
        "codes": {"200": "ok"},
        "tag_list": ["a", "b"],
        "field": "email",
    },
    "headers": {"X-Request-Id": "req-1"},
}

NODE_OUTPUTS = {
    "order_hook": TRIGGER_OUTPUT,
    "fetch_customer": {
        "status_code": 200,
        "headers": {},
        "body": {
            "id": 42,
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "address": {"city": "Zürich", "zip": None},
            "customer": None,
            "tags": ["a", "b"],
            "score": 7.5,
        },
    },
    "fetch-orders": {"status_code": 200, "body": {"orders": [{"id": 1}, {"id": 2}], "total": 2}},
    "trigger": {"body": "a node whose id is trigger"},
    "loop_items": {"items": [{"sku": "A-1"}, {"sku": "B-7"}], "count": 2, "item": {"sku": "B-7"}, "index": 1},
}


@pytest.fixture
def context() -> dict[str, Any]:
    """A fresh run context: trigger, env, credentials, workflow, execution, nodes and one extra root."""
    return {
        "trigger": copy.deepcopy(TRIGGER_OUTPUT),
        "env": {"API_URL": "https://api.example.com"},
        "credential": RedactedCredentials(),
        "workflow": {"id": "wf_orders", "version": 7},
        "execution": {"id": 812, "started_at": "2026-03-01T09:30:00Z"},
        "nodes": copy.deepcopy(NODE_OUTPUTS),
        "item_count": 5,
    }
