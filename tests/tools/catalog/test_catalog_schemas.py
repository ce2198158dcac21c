"""The schema files themselves and the catalog's registry API."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tools.catalog import NODE_TYPES, SIDE_EFFECT_TYPES, is_known_type, node_schema
from tools.catalog.registry import NODE_DATA_FILE, SCHEMA_DIR, SHARED_DEFS_FILE
from tools.formats.workflow import NODE_TYPES as FORMAT_NODE_TYPES

SCHEMA_FILES = sorted(path.name for path in SCHEMA_DIR.glob("*.json"))
# Subschemas under these keywords restate fields declared elsewhere, with no description.
CONSTRAINT_KEYWORDS = ("if", "then", "else")


def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def declared_properties(schema: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (location, subschema) for every property declared anywhere in the schema."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from declared_properties(item, f"{path}/{index}")
        return
    if not isinstance(schema, dict):
        return

    for key, value in schema.items():
        if key in CONSTRAINT_KEYWORDS:
            continue
        if key == "properties" and isinstance(value, dict):
            for name, subschema in value.items():
                yield f"{path}/properties/{name}", subschema
        yield from declared_properties(value, f"{path}/{key}")


def local_refs(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("$ref"), str):
            yield schema["$ref"]
        for value in schema.values():
            yield from local_refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from local_refs(item)


def test_schema_files_one_per_node_type_plus_shared():
    expected = sorted([f"{node_type}.json" for node_type in NODE_TYPES] + [SHARED_DEFS_FILE, NODE_DATA_FILE])

    assert SCHEMA_FILES == expected


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_file_is_valid_draft_2020_12(name):
    schema = load(name)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_file_describes_every_property(name):
    schema = load(name)

    undescribed = [location for location, subschema in declared_properties(schema) if not subschema.get("description")]

    assert undescribed == []
    assert schema.get("description")


@pytest.mark.parametrize("node_type", NODE_TYPES)
def test_node_schema_is_self_contained(node_type):
    schema = node_schema(node_type)

    Draft202012Validator.check_schema(schema)
    refs = set(local_refs(schema))
    assert all(ref.startswith("#/$defs/") for ref in refs)
    assert all(ref.removeprefix("#/$defs/") in schema["$defs"] for ref in refs)


def test_node_schema_returns_independent_copy():
    first = node_schema("action_http_request")
    first["properties"]["url"]["description"] = "changed"
    first["$defs"].clear()

    second = node_schema("action_http_request")

    assert second["properties"]["url"]["description"] != "changed"
    assert "expression" in second["$defs"]


def test_node_schema_unknown_type_returns_none():
    assert node_schema("action_fax") is None


@pytest.mark.parametrize("node_type", NODE_TYPES)
def test_is_known_type_true_for_catalog_types(node_type):
    assert is_known_type(node_type)


@pytest.mark.parametrize("node_type", ["action_fax", "condition", "", None, 3])
def test_is_known_type_false_for_others(node_type):
    assert not is_known_type(node_type)


def test_node_types_match_workflow_format():
    assert tuple(NODE_TYPES) == tuple(FORMAT_NODE_TYPES)


def test_side_effect_types_are_messaging_and_integrations():
    expected = {
        "action_send_email",
        "action_slack_message",
        "action_approval",
        "integration_google_sheets",
        "integration_stripe",
        "integration_github",
    }

    assert SIDE_EFFECT_TYPES == expected
    assert isinstance(SIDE_EFFECT_TYPES, frozenset)
    assert "action_http_request" not in SIDE_EFFECT_TYPES
