"""Node types and their config schemas, loaded from schemas/ once and compiled once.

Each node schema refers to the shared value types in schemas/defs.json. The catalog hands
out, and validates with, a bundled copy in which those references point into the schema's
own $defs, so a reader (or the model) needs no other file.
"""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from tools.catalog.unknown_keys import KeyShape
from tools.formats.workflow import NODE_TYPES, TRIGGER_TYPES

SCHEMA_DIR = Path(__file__).parent / "schemas"
SHARED_DEFS_FILE = "defs.json"
NODE_DATA_FILE = "node_data.json"
_SHARED_REF_PREFIX = f"{SHARED_DEFS_FILE}#/$defs/"
_LOCAL_REF_PREFIX = "#/$defs/"

# Calls of these types reach people or third parties, so replay records them as intended
# calls and never performs them. HTTP requests are not here, because replay serves them from fixtures.
SIDE_EFFECT_TYPES = frozenset(
    {
        "action_send_email",
        "action_slack_message",
        "action_approval",
        "integration_google_sheets",
        "integration_stripe",
        "integration_github",
    }
)

__all__ = [
    "NODE_TYPES",
    "SIDE_EFFECT_TYPES",
    "TRIGGER_TYPES",
    "is_known_type",
    "node_schema",
]


def is_known_type(node_type: object) -> bool:
    """Tell whether the catalog has a schema for this node type."""
    return isinstance(node_type, str) and node_type in NODE_TYPES


def node_schema(node_type: str) -> dict[str, Any] | None:
    """Return a deep copy of the bundled config schema of a node type, or None if unknown."""
    if not is_known_type(node_type):
        return None

    return copy.deepcopy(bundled_schema(node_type))


def read_schema_file(name: str) -> dict[str, Any]:
    """Read one file of schemas/ as it is stored, without bundling."""
    with (SCHEMA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


@cache
def bundled_schema(schema_name: str) -> dict[str, Any]:
    """Load schemas/<schema_name>.json with the shared definitions copied into its $defs.

    The cached dict is shared: callers must not change it (node_schema hands out copies).
    """
    stored = read_schema_file(f"{schema_name}.json")
    bundled = _localize_refs(stored, schema_name)
    shared = read_schema_file(SHARED_DEFS_FILE)["$defs"]
    bundled["$defs"] = {**copy.deepcopy(shared), **bundled.get("$defs", {})}
    return bundled


@cache
def compiled_validator(schema_name: str) -> Draft202012Validator:
    """Compile the bundled schema once; the validator is reused for every node of the type."""
    return Draft202012Validator(bundled_schema(schema_name))


@cache
def key_shape(schema_name: str) -> KeyShape:
    """Build once the declared-key tree used to find unknown keys in values of this schema."""
    return KeyShape.from_schema(bundled_schema(schema_name))


def _localize_refs(value: Any, schema_name: str) -> Any:
    if isinstance(value, list):
        return [_localize_refs(item, schema_name) for item in value]
    if not isinstance(value, dict):
        return value

    localized = {key: _localize_refs(item, schema_name) for key, item in value.items()}
    reference = localized.get("$ref")
    if isinstance(reference, str):
        localized["$ref"] = _localize_ref(reference, schema_name)
    return localized


def _localize_ref(reference: str, schema_name: str) -> str:
    if reference.startswith(_SHARED_REF_PREFIX):
        return _LOCAL_REF_PREFIX + reference.removeprefix(_SHARED_REF_PREFIX)
    if reference.startswith("#"):
        return reference

    raise ValueError(
        f"schema {schema_name}.json refers to {reference!r}; node schemas may refer only to "
        f"their own definitions or to {_SHARED_REF_PREFIX}<name>"
    )
