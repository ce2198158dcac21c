"""A recorded execution prepared once, so many candidate patches can be replayed against it cheaply."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tools.expressions import (
    ExpressionError,
    find_expressions,
    has_expression,
    referenced_nodes,
)
from tools.formats.timestamps import parse_rfc3339
from tools.json_values import iter_strings
from tools.replay.fixtures import FixtureIndex, index_fixtures
from tools.replay.graph import RunGraph, build_graph
from tools.replay.state import EPOCH

CODE_TYPE = "transform_code"
_WORD = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Recording:
    """A recorded run, indexed for replay; every field is plain data and is never mutated.

    `records` contains each node's last record (a loop body node's last iteration).
    `completed_outputs` contains the output of every node that completed; the trigger's output is
    the trigger data when its record has none. `references` lists, per node, the nodes its
    configuration reads through expressions (and, for code, the node ids its text mentions);
    None when an expression does not parse, so the node is always run again.
    """

    definition: dict[str, Any]
    graph: RunGraph
    trigger_data: Any
    fired_trigger: str | None
    records: dict[str, dict[str, Any]]
    completed_outputs: dict[str, Any]
    failed_node: str | None
    recorded_error: dict[str, Any] | None
    started_at: datetime
    env: dict[str, Any]
    credential_names: tuple[str, ...]
    workflow: dict[str, Any]
    execution: dict[str, Any]
    fixtures: FixtureIndex
    references: dict[str, frozenset[str] | None]


def prepare_recording(
    definition: Any,
    execution: Any,
    *,
    env: Mapping[str, Any] | None = None,
    credentials: Iterable[Any] | None = None,
) -> Recording:
    """Index a recorded execution and the definition it ran.

    `definition` is a plain dict (or a WorkflowDefinition), `execution` a tools.formats
    Execution or its dict, `env` the workspace variables and `credentials` the credential
    references ({name, type, status}). The data should already have passed intake, so it is
    redacted and its fixtures are keyed by their redacted requests.

    Raises:
        ValueError: the definition has no list of nodes, or its edges form a cycle.
    """
    plain_definition = plain_data(definition)
    record = plain_data(execution)
    graph = build_graph(plain_definition)
    trigger_data = record.get("trigger_data")

    records = _last_records(record.get("nodes") or [])
    fired_trigger = _fired_trigger(graph, records)
    return Recording(
        definition=plain_definition,
        graph=graph,
        trigger_data=trigger_data,
        fired_trigger=fired_trigger,
        records=records,
        completed_outputs=_completed_outputs(records, fired_trigger, trigger_data),
        failed_node=_failed_node(record, records),
        recorded_error=record.get("error") if isinstance(record.get("error"), dict) else None,
        started_at=_started_at(record, records),
        env=dict(env or {}),
        credential_names=credential_names(credentials or []),
        workflow=_workflow_root(record),
        execution=_execution_root(record),
        fixtures=index_fixtures(record.get("deterministic_fixtures") or []),
        references={node_id: node_references(node, graph.nodes) for node_id, node in graph.nodes.items()},
    )


def plain_data(value: Any) -> Any:
    """Return a pydantic model as the plain dict it was read from; plain data passes through."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_unset=True)
    return value


def node_references(node: dict[str, Any], node_ids: Mapping[str, Any]) -> frozenset[str] | None:
    """List the nodes a node's data reads, or None when one of its expressions does not parse.

    NOTE: a key computed at run time (`nodes[trigger.body.source]`, or `$[name]` in code) is not
    seen, so a node that reads another node only that way is reused even when that node changed.
    """
    found: set[str] = set()
    is_code = node.get("type") == CODE_TYPE
    try:
        for text in iter_strings(node.get("data")):
            if has_expression(text):
                for expression in find_expressions(text):
                    found.update(referenced_nodes(expression))
            if is_code:
                # `$` reaches any node by id, so code depends on every node its text names.
                found.update(_WORD.findall(text))
    except ExpressionError:
        return None
    return frozenset(name for name in found if name in node_ids)



def _last_records(nodes: list[Any]) -> dict[str, dict[str, Any]]:
    ordered = [node for node in nodes if isinstance(node, dict) and isinstance(node.get("node_id"), str)]
    # LinkFlow may write one record per iteration or attempt, and the last by sequence is kept.
    ordered.sort(key=lambda node: node["sequence"] if isinstance(node.get("sequence"), int) else 0)
    return {node["node_id"]: node for node in ordered}


def _fired_trigger(graph: RunGraph, records: dict[str, dict[str, Any]]) -> str | None:
    triggers = graph.triggers()
    for node_id in triggers:
        if records.get(node_id, {}).get("status") == "completed":
            return node_id
    return triggers[0] if triggers else None


def _completed_outputs(
    records: dict[str, dict[str, Any]], fired_trigger: str | None, trigger_data: Any
) -> dict[str, Any]:
    outputs = {
        node_id: record.get("output") for node_id, record in records.items() if record.get("status") == "completed"
    }
    if fired_trigger in outputs and records[fired_trigger].get("output") is None:
        outputs[fired_trigger] = trigger_data
    return outputs


def _failed_node(record: dict[str, Any], records: dict[str, dict[str, Any]]) -> str | None:
    error = record.get("error")
    if isinstance(error, dict) and isinstance(error.get("failed_node"), str):
        return error["failed_node"]
    failed = [node for node in records.values() if node.get("status") == "failed"]
    return failed[0]["node_id"] if failed else None


def _started_at(record: dict[str, Any], records: dict[str, dict[str, Any]]) -> datetime:
    candidates = [record.get("started_at")] + sorted(
        node["started_at"] for node in records.values() if isinstance(node.get("started_at"), str)
    )
    for text in candidates:
        if isinstance(text, str):
            try:
                moment = parse_rfc3339(text)
            except ValueError:
                continue
            if moment.utcoffset() is not None:
                return moment
    return EPOCH


def credential_names(credentials: Iterable[Any]) -> tuple[str, ...]:
    """Read the names of credential references given as dicts or CredentialRef models."""
    names = []
    for credential in credentials:
        reference = plain_data(credential)
        if isinstance(reference, dict) and isinstance(reference.get("name"), str):
            names.append(reference["name"])
    return tuple(names)


def _workflow_root(record: dict[str, Any]) -> dict[str, Any]:
    embedded = record.get("workflow") if isinstance(record.get("workflow"), dict) else {}
    return {
        "id": record.get("workflow_id"),
        "name": embedded.get("name"),
        "version": record.get("workflow_version", embedded.get("version")),
    }


def _execution_root(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record.get("execution_id"),
        "workflow_id": record.get("workflow_id"),
        "workspace_id": record.get("workspace_id"),
        "started_at": record.get("started_at"),
    }
