"""Validation of a whole workflow definition given as plain data: nodes, edges and graph."""

import json
import re
from typing import Any

from tools.catalog.graph import NodeGraph, find_cycles, format_cycle
from tools.catalog.issues import Issue, IssueCode, join_pointer, make_issue
from tools.catalog.messages import closest_match, describe_value, quote_text
from tools.catalog.node_config import schema_issues, unknown_key_issues, unknown_type_issue, validate_config
from tools.catalog.registry import TRIGGER_TYPES, is_known_type
from tools.formats.workflow import NODE_ID_PATTERN

CONDITION_TYPE = "logic_condition"
BRANCH_HANDLES = ("true", "false")
_NODE_DATA_SCHEMA = "node_data"
_NODE_ID = re.compile(NODE_ID_PATTERN)


def validate_definition(definition: dict[str, Any]) -> list[Issue]:
    """Check a workflow definition and return every issue found, errors and warnings.

    Covers each node's shape, type and config, its data.retry and data.onError, duplicate
    node ids, edges that name missing nodes, the trigger count, condition branches and
    cycles. A node of an unknown type is reported but still takes part in the graph checks.
    """
    malformed = _malformed_top_level(definition)
    if malformed is not None:
        return [malformed]

    nodes = definition["nodes"]
    edges, issues = _edge_list(definition)

    for index, node in enumerate(nodes):
        issues.extend(_node_issues(node, join_pointer("/nodes", index)))
    issues.extend(_duplicate_node_issues(nodes))
    issues.extend(_trigger_issues(nodes))

    issues.extend(_edge_issues(edges, _node_ids(nodes)))
    issues.extend(_branch_issues(nodes, edges))
    issues.extend(_cycle_issues(definition))
    return issues


def _malformed_top_level(definition: Any) -> Issue | None:
    if not isinstance(definition, dict):
        text = f"expected a workflow definition object, got {describe_value(definition)}"
        return make_issue("", text, IssueCode.SCHEMA_VIOLATION)

    nodes = definition.get("nodes")
    if not isinstance(nodes, list):
        return make_issue(
            "/nodes", f"expected a list of nodes, got {describe_value(nodes)}", IssueCode.SCHEMA_VIOLATION
        )
    return None


def _edge_list(definition: dict[str, Any]) -> tuple[list[Any], list[Issue]]:
    """Return the edges, or none with an issue when "edges" is not a list (absent or null means none)."""
    edges = definition.get("edges")
    if edges is None:
        return [], []
    if not isinstance(edges, list):
        text = f"expected a list of edges, got {describe_value(edges)}"
        return [], [make_issue("/edges", text, IssueCode.SCHEMA_VIOLATION)]
    return edges, []


# Nodes


def _node_issues(node: Any, pointer: str) -> list[Issue]:
    if not isinstance(node, dict):
        return [make_issue(pointer, f"expected a node object, got {describe_value(node)}", IssueCode.SCHEMA_VIOLATION)]

    issues = _node_id_issues(node, pointer)
    issues.extend(_node_type_issues(node, pointer))

    data = node.get("data", {})
    data_pointer = join_pointer(pointer, "data")
    if not isinstance(data, dict):
        issues.append(
            make_issue(data_pointer, f"expected an object, got {describe_value(data)}", IssueCode.SCHEMA_VIOLATION)
        )
        return issues

    issues.extend(schema_issues(_NODE_DATA_SCHEMA, data, data_pointer))
    issues.extend(unknown_key_issues(_NODE_DATA_SCHEMA, data, data_pointer, owner="LinkFlow"))

    node_type = node.get("type")
    config = data.get("config", {})
    if is_known_type(node_type) and isinstance(config, dict):
        issues.extend(validate_config(node_type, config, pointer=join_pointer(data_pointer, "config")))
    return issues


def _node_id_issues(node: dict[str, Any], pointer: str) -> list[Issue]:
    id_pointer = join_pointer(pointer, "id")
    if "id" not in node:
        return [make_issue(id_pointer, 'missing required field "id"', IssueCode.SCHEMA_VIOLATION)]

    node_id = node["id"]
    if not isinstance(node_id, str):
        return [make_issue(id_pointer, f"expected text, got {describe_value(node_id)}", IssueCode.SCHEMA_VIOLATION)]
    if not _NODE_ID.fullmatch(node_id):
        text = f"invalid node id {quote_text(node_id)}; use only letters, digits, _ and -"
        return [make_issue(id_pointer, text, IssueCode.INVALID_NODE_ID)]
    return []


def _node_type_issues(node: dict[str, Any], pointer: str) -> list[Issue]:
    type_pointer = join_pointer(pointer, "type")
    if "type" not in node:
        return [make_issue(type_pointer, 'missing required field "type"', IssueCode.SCHEMA_VIOLATION)]

    node_type = node["type"]
    if not isinstance(node_type, str):
        return [make_issue(type_pointer, f"expected text, got {describe_value(node_type)}", IssueCode.SCHEMA_VIOLATION)]
    if not is_known_type(node_type):
        return [unknown_type_issue(node_type, type_pointer)]
    return []


def _duplicate_node_issues(nodes: list[Any]) -> list[Issue]:
    first_index: dict[str, int] = {}
    issues = []
    for index, node_id in _indexed_node_ids(nodes):
        if node_id not in first_index:
            first_index[node_id] = index
            continue
        text = f'duplicate node id "{node_id}", already used by /nodes/{first_index[node_id]}'
        issues.append(make_issue(join_pointer("/nodes", index, "id"), text, IssueCode.DUPLICATE_NODE_ID))
    return issues


def _trigger_issues(nodes: list[Any]) -> list[Issue]:
    triggers = [
        (index, node)
        for index, node in enumerate(nodes)
        if isinstance(node, dict) and node.get("type") in TRIGGER_TYPES
    ]
    if not triggers:
        text = f"workflow has no trigger node; add one of {', '.join(TRIGGER_TYPES)}"
        return [make_issue("/nodes", text, IssueCode.NO_TRIGGER)]

    first_index, first = triggers[0]
    issues = []
    for index, node in triggers[1:]:
        text = (
            f"trigger node {json.dumps(node.get('id'))} is not the only trigger "
            f"(the first is {json.dumps(first.get('id'))} at /nodes/{first_index}); "
            "a workflow normally has exactly one"
        )
        issues.append(make_issue(join_pointer("/nodes", index), text, IssueCode.MULTIPLE_TRIGGERS, severity="warning"))
    return issues


# Edges


def _edge_issues(edges: list[Any], node_ids: set[str]) -> list[Issue]:
    issues = []
    seen_edge_ids: dict[str, int] = {}
    for index, edge in enumerate(edges):
        pointer = join_pointer("/edges", index)
        if not isinstance(edge, dict):
            issues.append(
                make_issue(pointer, f"expected an edge object, got {describe_value(edge)}", IssueCode.SCHEMA_VIOLATION)
            )
            continue

        for end in ("source", "target"):
            issues.extend(_edge_end_issues(edge, end, pointer, node_ids))
        issues.extend(_handle_type_issues(edge, pointer))
        issues.extend(_duplicate_edge_issues(edge, index, seen_edge_ids))
    return issues


def _edge_end_issues(edge: dict[str, Any], end: str, pointer: str, node_ids: set[str]) -> list[Issue]:
    end_pointer = join_pointer(pointer, end)
    if end not in edge:
        return [make_issue(end_pointer, f'missing required field "{end}"', IssueCode.SCHEMA_VIOLATION)]

    node_id = edge[end]
    if not isinstance(node_id, str):
        return [
            make_issue(end_pointer, f"expected a node id, got {describe_value(node_id)}", IssueCode.SCHEMA_VIOLATION)
        ]
    if node_id in node_ids:
        return []

    text = f"edge {end} names node {json.dumps(node_id)}, which the workflow does not have"
    suggestion = closest_match(node_id, node_ids)
    if suggestion is not None:
        text += f"; did you mean {json.dumps(suggestion)}?"
    return [make_issue(end_pointer, text, IssueCode.MISSING_NODE)]


def _handle_type_issues(edge: dict[str, Any], pointer: str) -> list[Issue]:
    handle = edge.get("sourceHandle")
    if handle is None or isinstance(handle, str):
        return []
    text = f"expected text or null, got {describe_value(handle)}"
    return [make_issue(join_pointer(pointer, "sourceHandle"), text, IssueCode.SCHEMA_VIOLATION)]


def _duplicate_edge_issues(edge: dict[str, Any], index: int, seen_edge_ids: dict[str, int]) -> list[Issue]:
    edge_id = edge.get("id")
    if not isinstance(edge_id, str):
        return []
    if edge_id not in seen_edge_ids:
        seen_edge_ids[edge_id] = index
        return []

    text = f'duplicate edge id "{edge_id}", already used by /edges/{seen_edge_ids[edge_id]}'
    return [make_issue(join_pointer("/edges", index, "id"), text, IssueCode.DUPLICATE_EDGE_ID, severity="warning")]


# Graph


def _branch_issues(nodes: list[Any], edges: list[Any]) -> list[Issue]:
    """Check that each condition node branches through edges marked "true" and "false"."""
    issues = []
    checked: set[str] = set()
    for index, node_id in _indexed_node_ids(nodes):
        if nodes[index].get("type") != CONDITION_TYPE or node_id in checked:
            continue
        checked.add(node_id)

        outgoing = [
            (k, edge) for k, edge in enumerate(edges) if isinstance(edge, dict) and edge.get("source") == node_id
        ]
        issues.extend(_condition_edge_issues(node_id, outgoing))
        issues.extend(_missing_branch_issues(node_id, index, outgoing))
    return issues


def _condition_edge_issues(node_id: str, outgoing: list[tuple[int, dict[str, Any]]]) -> list[Issue]:
    issues = []
    for index, edge in outgoing:
        handle = edge.get("sourceHandle")
        if handle in (None, ""):
            text = (
                f'edge from condition node "{node_id}" has no sourceHandle, '
                'so its target runs whether the condition is true or false; set "true" or "false"'
            )
            issues.append(
                make_issue(
                    join_pointer("/edges", index), text, IssueCode.CONDITION_EDGE_WITHOUT_HANDLE, severity="warning"
                )
            )
        elif isinstance(handle, str) and handle not in BRANCH_HANDLES:
            text = (
                f'edge from condition node "{node_id}" has sourceHandle {json.dumps(handle)}, '
                'which never matches: a condition outputs "true" or "false"'
            )
            issues.append(make_issue(join_pointer("/edges", index, "sourceHandle"), text, IssueCode.BAD_BRANCH_HANDLE))
    return issues


def _missing_branch_issues(node_id: str, index: int, outgoing: list[tuple[int, dict[str, Any]]]) -> list[Issue]:
    handles = {edge.get("sourceHandle") for _, edge in outgoing if isinstance(edge.get("sourceHandle"), str)}
    missing = [handle for handle in BRANCH_HANDLES if handle not in handles]
    if not missing:
        return []

    if len(missing) == 1:
        text = (
            f'condition node "{node_id}" has no outgoing edge with sourceHandle "{missing[0]}", '
            f"so no branch runs when the condition is {missing[0]}"
        )
    else:
        text = (
            f'condition node "{node_id}" has no outgoing edge with sourceHandle "true" or "false", '
            "so its result chooses no branch"
        )
    return [make_issue(join_pointer("/nodes", index), text, IssueCode.CONDITION_WITHOUT_BRANCHES, severity="warning")]


def _cycle_issues(definition: dict[str, Any]) -> list[Issue]:
    graph = NodeGraph.from_definition(definition)
    issues = []
    for cycle in find_cycles(graph):
        edge_index = graph.edge_index[(cycle[0], cycle[1])]
        text = (
            f"cycle: {format_cycle(cycle)}; a workflow runs each node once after its predecessors, "
            "so remove or redirect one of these edges"
        )
        issues.append(make_issue(join_pointer("/edges", edge_index), text, IssueCode.CYCLE))
    return issues


def _indexed_node_ids(nodes: list[Any]) -> list[tuple[int, str]]:
    return [
        (index, node["id"])
        for index, node in enumerate(nodes)
        if isinstance(node, dict) and isinstance(node.get("id"), str)
    ]


def _node_ids(nodes: list[Any]) -> set[str]:
    return {node_id for _, node_id in _indexed_node_ids(nodes)}
