"""Pins the argument schemas the model reads, so a change to them is deliberate.

After changing an Args model on purpose, rewrite the snapshot with
`.venv/bin/python -m tests.tools.agent_tools.test_tool_schemas` and review the diff.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from tools.agent_tools import TOOL_SPECS

SNAPSHOT = Path(__file__).with_name("tool_schemas.json")


def current_schemas() -> dict[str, Any]:
    return {
        name: {"description": description, "args": args.model_json_schema()}
        for name, (args, description) in TOOL_SPECS.items()
    }


@pytest.mark.parametrize("name", list(TOOL_SPECS))
def test_tool_schema_matches_snapshot(name):
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    assert current_schemas()[name] == pinned[name]


def test_snapshot_has_no_removed_tools():
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    assert sorted(pinned) == sorted(TOOL_SPECS)


def _described_fields(schema: dict[str, Any]) -> list[tuple[str, bool]]:
    definitions = [schema, *schema.get("$defs", {}).values()]
    return [
        (name, "description" in field)
        for definition in definitions
        for name, field in definition.get("properties", {}).items()
    ]


@pytest.mark.parametrize("name", list(TOOL_SPECS))
def test_every_argument_is_described(name):
    args_model = TOOL_SPECS[name][0]

    undescribed = [field for field, described in _described_fields(args_model.model_json_schema()) if not described]

    assert undescribed == []


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(current_schemas(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
