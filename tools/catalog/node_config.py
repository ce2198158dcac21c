"""Validation of one node's config against its type's schema and extra checks."""

import json
from typing import Any

from tools.catalog.checks import CONFIG_CHECKS
from tools.catalog.issues import Issue, IssueCode, join_pointer, make_issue
from tools.catalog.messages import closest_match, explain_error
from tools.catalog.registry import NODE_TYPES, bundled_schema, compiled_validator, is_known_type, key_shape
from tools.catalog.unknown_keys import find_unknown_keys

_MAX_LISTED_FIELDS = 20

# Names LinkFlow's engine and its example templates use for the catalog's types.
_LEGACY_TYPE_NAMES = {
    "condition": "logic_condition",
    "delay": "logic_delay",
    "loop": "logic_loop",
    "code": "transform_code",
    "action_script": "transform_code",
    "email": "action_send_email",
    "action_email": "action_send_email",
    "slack": "action_slack_message",
    "action_slack": "action_slack_message",
}


def validate_config(node_type: str, config: dict[str, Any], *, pointer: str = "") -> list[Issue]:
    """Check a node's config: types and required fields, extra checks, then unknown keys.

    pointer locates the config in a larger document (such as /nodes/2/data/config) and
    prefixes every issue's pointer. Unknown keys are warnings. Everything else is an error,
    except a JSON body that may be invalid only once its expressions are rendered.
    """
    if not is_known_type(node_type):
        return [unknown_type_issue(node_type, pointer)]

    issues = schema_issues(node_type, config, pointer)
    if not isinstance(config, dict):
        return issues

    check = CONFIG_CHECKS.get(node_type)
    if check is not None:
        issues.extend(check(config, pointer))
    issues.extend(unknown_key_issues(node_type, config, pointer))
    return issues


def schema_issues(schema_name: str, value: Any, pointer: str) -> list[Issue]:
    """Validate a value against a catalog schema and word each failure, ordered by location."""
    validator = compiled_validator(schema_name)
    root_schema = bundled_schema(schema_name)

    issues: dict[tuple[str, str], Issue] = {}
    for error in validator.iter_errors(value):
        for explanation in explain_error(error, root_schema):
            location = join_pointer(pointer, *explanation.path)
            # A field missing from two required lists is reported once.
            issues.setdefault((location, explanation.text), make_issue(location, explanation.text, explanation.code))
    return sorted(issues.values(), key=lambda issue: issue.pointer)


def unknown_key_issues(schema_name: str, value: Any, pointer: str, *, owner: str | None = None) -> list[Issue]:
    """Warn about each key the schema does not declare, suggesting the closest declared one."""
    owner = owner or schema_name
    issues = []
    for unknown in find_unknown_keys(key_shape(schema_name), value):
        location = join_pointer(pointer, *unknown.path)
        text = f"unknown field {json.dumps(unknown.key)}, which {owner} ignores"
        suggestion = closest_match(unknown.key, unknown.known)
        if suggestion is not None:
            text += f"; did you mean {json.dumps(suggestion)}?"
        else:
            text += f"; known fields: {_list_fields(unknown.known)}"
        issues.append(make_issue(location, text, IssueCode.UNKNOWN_KEY, severity="warning"))
    return issues


def unknown_type_issue(node_type: Any, pointer: str) -> Issue:
    """Report a node type the catalog has no schema for, suggesting the closest known one."""
    text = (
        f"unknown node type {json.dumps(node_type)}; the catalog cannot check this node, "
        "and replay can only reuse its recorded output"
    )
    if isinstance(node_type, str):
        suggestion = _LEGACY_TYPE_NAMES.get(node_type) or closest_match(node_type, NODE_TYPES)
        if suggestion is not None:
            text += f"; did you mean {json.dumps(suggestion)}?"
    return make_issue(pointer, text, IssueCode.UNKNOWN_NODE_TYPE)


def _list_fields(fields: tuple[str, ...]) -> str:
    listed = ", ".join(fields[:_MAX_LISTED_FIELDS])
    return listed + (", …" if len(fields) > _MAX_LISTED_FIELDS else "")
