"""No tool result carries a bearer token, even for a bundle that skipped intake's redaction."""

import json
import re
from typing import Any

import pytest

from tests.bundles import BEARER_TOKEN
from tools.agent_tools import run_tool

# A bearer value that is neither the mask nor a credential template.
BEARER_VALUE = re.compile(r"Bearer (?!\[REDACTED\]|\{\{)\S+", re.IGNORECASE)
CREDENTIAL_TEMPLATE = re.compile(r"^Bearer \{\{\s*credential\.\w+\s*\}\}$")

CALLS = [
    ("get_logs", {}),
    ("get_logs", {"node_id": "fetch_customer", "min_level": "error"}),
    ("get_snapshot", {}),
    ("get_snapshot", {"sequence": 2}),
    ("get_workflow", {}),
    ("get_node_schema", {"node_type": "action_http_request"}),
    ("compare_with_last_success", {"include_unchanged": True}),
    ("dry_run_patch", {"edits": [{"node": "fetch_customer", "set": {"config.timeout": 60}}]}),
    (
        "submit_suggestions",
        {"diagnosis": f"Authorization: Bearer {BEARER_TOKEN} was rejected", "failure_kind": "other", "suggestions": []},
    ),
]


def _authorization_values(value: Any) -> list[Any]:
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            if str(key).lower() == "authorization":
                found.append(child)
            found.extend(_authorization_values(child))
    elif isinstance(value, list):
        for child in value:
            found.extend(_authorization_values(child))
    return found


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[f"{name}-{index}" for index, (name, _) in enumerate(CALLS)])
def test_tool_output_has_no_bearer_token(bearer_session, name, args):
    result = run_tool(name, bearer_session, args)
    text = json.dumps(result)

    assert "error" not in result
    assert BEARER_TOKEN not in text
    assert BEARER_VALUE.search(text) is None


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[f"{name}-{index}" for index, (name, _) in enumerate(CALLS)])
def test_tool_output_authorization_values_are_masked(bearer_session, name, args):
    result = run_tool(name, bearer_session, args)

    for value in _authorization_values(result):
        assert "[REDACTED]" in str(value) or CREDENTIAL_TEMPLATE.match(str(value)), value


def test_tool_error_has_no_bearer_token(bearer_session):
    edits = [{"node": f"Bearer {BEARER_TOKEN}", "unset": ["onError"]}]

    result = run_tool("dry_run_patch", bearer_session, {"edits": edits})

    assert "error" in result
    assert BEARER_TOKEN not in json.dumps(result)


def test_snapshot_shows_masked_authorization_header(bearer_session):
    result = run_tool("get_snapshot", bearer_session, {"sequence": 2})

    values = _authorization_values(result)

    assert values
    assert set(values) == {"Bearer [REDACTED]"}
