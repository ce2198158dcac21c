"""The one validation and redaction that every entry point runs before anything is stored.

Intake rejects only what makes data unusable: malformed JSON, a wrong format tag, the size limits,
duplicate node ids, and edges or execution nodes that name a node the workflow does not have.
What a run can fail on (a config that breaks its schema, an unknown node type) passes, because
the analysis diagnoses it.
"""

import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pydantic import ValidationError

from tools.fingerprint import fingerprint_request
from tools.formats import Execution, FailureBundle, WorkflowDefinition
from tools.formats.bundle import BUNDLE_FORMAT
from tools.formats.timestamps import parse_rfc3339
from tools.redaction import redact_bundle

ROOT = "$"

# Version numbers, durations, sequence and attempt numbers are stored as 32-bit integers.
MAX_STORED_INTEGER = 2**31 - 1

# No integer with more digits than this fits a 64-bit float. Checking the length first keeps
# Python's own limit on integer text (4,300 digits) from hiding the value's path.
_MAX_FLOAT_DIGITS = len(str(int(sys.float_info.max)))

_EXECUTION_ID_FIELDS = ("execution_id", "workflow_id", "workspace_id")


@dataclass(frozen=True)
class Limits:
    """Intake limits; each is a deployment setting."""

    max_body_bytes: int = 20 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 2000
    max_edges: int = 10_000
    max_node_id_length: int = 100


class BundleRejected(ValueError):
    """Input that cannot be used, with the JSON path of the offending value and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class PreparedBundle:
    """A validated and redacted failure bundle, ready to store."""

    raw: dict[str, Any]
    model: FailureBundle
    definition_findings: list[dict[str, Any]] = field(default_factory=list)
    redacted_paths: list[str] = field(default_factory=list)


def prepare_bundle(data: bytes, limits: Limits = Limits()) -> PreparedBundle:
    """Validate a failure bundle's bytes, redact its secrets and re-fingerprint its fixtures."""
    return prepare_bundle_document(parse_document(data, limits), limits)


def prepare_bundle_document(document: Any, limits: Limits = Limits()) -> PreparedBundle:
    """Validate an already parsed failure bundle, as `prepare_bundle` does after parsing.

    `document` must come from `parse_document`, which checks text, numbers and nesting; it is
    not changed.
    """
    if not isinstance(document, dict):
        raise BundleRejected(ROOT, f"expected a JSON object, got {_json_type(document)}")
    _check_format_tag(document)

    _check_counts(document, limits)
    bundle = _parse_bundle(document)
    check_stored_values(bundle)
    check_bundle_references(bundle)

    redaction = redact_bundle(document)
    redacted = redaction.value
    refingerprint_fixtures(redacted)
    write_ids_as_text(redacted)

    return PreparedBundle(
        raw=redacted,
        model=FailureBundle.model_validate(redacted),
        definition_findings=list(redaction.definition_findings),
        redacted_paths=list(redaction.paths),
    )


def parse_document(data: bytes, limits: Limits) -> Any:
    """Parse JSON bytes under the size, depth, text and number limits."""
    if len(data) > limits.max_body_bytes:
        # No size is given because a caller may pass only the first limit + 1 bytes of a larger input.
        raise BundleRejected(ROOT, f"body is more than the limit of {limits.max_body_bytes:,} bytes")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BundleRejected(ROOT, f"invalid UTF-8 at byte {error.start}") from error

    try:
        document = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise BundleRejected(ROOT, f"malformed JSON: {describe_json_error(error)}") from error
    except RecursionError as error:
        raise BundleRejected(ROOT, f"JSON is nested deeper than the limit of {limits.max_depth} levels") from error
    except ValueError as error:
        # int() refuses numbers longer than Python's digit limit; no such number fits a float.
        raise BundleRejected(ROOT, f"invalid number: {error}") from error

    _check_values(document, limits.max_depth)
    return document


def describe_json_error(error: json.JSONDecodeError) -> str:
    """Write the decoder's message as a sentence that ends with its line and column.

    Some messages, such as "Unterminated string starting at", end in "at" and expect the position
    after them; the others get " at" added.
    """
    reason = error.msg[:1].lower() + error.msg[1:]
    joiner = " " if reason.endswith(" at") else " at "
    return f"{reason}{joiner}line {error.lineno} column {error.colno}"


class _BadNumber:
    """Stands in for a number that no 64-bit float holds, so the walk can report its path."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 40 else text[:37] + "..."


def _reject_constant(name: str) -> _BadNumber:
    return _BadNumber(name)


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if math.isfinite(value) else _BadNumber(text)


def _parse_int(text: str) -> int | _BadNumber:
    if len(text.lstrip("-")) > _MAX_FLOAT_DIGITS:
        return _BadNumber(text)
    value = int(text)
    return value if abs(value) <= sys.float_info.max else _BadNumber(text)


class _ValueProblem(Exception):
    """Raised inside the walk; the path is collected while the stack unwinds."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.keys: list[str | int] = []


def _check_values(document: Any, max_depth: int, prefix: str = ROOT) -> None:
    try:
        _walk(document, 0, max_depth)
    except _ValueProblem as problem:
        raise BundleRejected(json_path(reversed(problem.keys), prefix), problem.reason) from None


def _walk(value: Any, depth: int, max_depth: int) -> None:
    if isinstance(value, str):
        _check_text(value)
        return
    if isinstance(value, _BadNumber):
        raise _ValueProblem(f"number {value.text} does not fit a 64-bit float")
    if not isinstance(value, dict | list):
        return

    if depth >= max_depth:
        raise _ValueProblem(f"JSON is nested deeper than the limit of {max_depth} levels")
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        try:
            if isinstance(key, str):
                _check_text(key)
            _walk(child, depth + 1, max_depth)
        except _ValueProblem as problem:
            problem.keys.append(key)
            raise


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise _ValueProblem("text contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _ValueProblem(f"text is not valid Unicode (lone surrogate at character {error.start})") from None


def _check_format_tag(document: dict[str, Any]) -> None:
    tag = document.get("format")
    if tag != BUNDLE_FORMAT:
        raise BundleRejected(f"{ROOT}.format", f'expected "{BUNDLE_FORMAT}", got {json.dumps(tag)[:80]}')


def _check_counts(document: dict[str, Any], limits: Limits) -> None:
    for path, definition in _definitions(document):
        check_definition_limits(definition, path, limits)


def check_definition_limits(definition: Any, path: str, limits: Limits) -> None:
    """Reject a workflow definition over the node, edge or node id limits."""
    if not isinstance(definition, dict):
        return
    nodes = definition.get("nodes")
    edges = definition.get("edges")

    if isinstance(nodes, list) and len(nodes) > limits.max_nodes:
        raise BundleRejected(f"{path}.nodes", f"{len(nodes)} nodes, more than the limit of {limits.max_nodes}")
    if isinstance(edges, list) and len(edges) > limits.max_edges:
        raise BundleRejected(f"{path}.edges", f"{len(edges)} edges, more than the limit of {limits.max_edges}")

    for index, node in enumerate(nodes if isinstance(nodes, list) else []):
        node_id = node.get("id") if isinstance(node, dict) else None
        if isinstance(node_id, str) and len(node_id) > limits.max_node_id_length:
            raise BundleRejected(
                f"{path}.nodes[{index}].id",
                f"node id is {len(node_id)} characters, more than the limit of {limits.max_node_id_length}",
            )


def _definitions(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    workflow = document.get("workflow")
    if isinstance(workflow, dict):
        yield f"{ROOT}.workflow.definition", workflow.get("definition")

    for path, execution in _executions(document):
        embedded = execution.get("workflow")
        if isinstance(embedded, dict):
            yield f"{path}.workflow.definition", embedded.get("definition")


def _executions(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    execution = document.get("execution")
    if isinstance(execution, dict):
        yield f"{ROOT}.execution", execution
    history = document.get("history")
    for index, earlier in enumerate(history if isinstance(history, list) else []):
        if isinstance(earlier, dict):
            yield f"{ROOT}.history[{index}]", earlier


def _parse_bundle(document: dict[str, Any]) -> FailureBundle:
    try:
        return FailureBundle.model_validate(document)
    except ValidationError as error:
        raise rejection_from_validation(error) from None


def rejection_from_validation(error: ValidationError, prefix: str = ROOT) -> BundleRejected:
    """Turn pydantic's first error into a rejection that names its JSON path."""
    errors = error.errors(include_url=False)
    first = errors[0]
    reason = first["msg"][0].lower() + first["msg"][1:]
    if first["type"] not in {"missing"} and "input" in first:
        reason = f"{reason} (got {_describe(first['input'])})"
    if len(errors) > 1:
        reason = f"{reason}; {len(errors) - 1} more problem(s) after this one"
    return BundleRejected(json_path(first["loc"], prefix), reason)


def check_stored_values(bundle: FailureBundle) -> None:
    """Reject integers and timestamps that the database cannot hold."""
    _check_stored_integer(bundle.workflow.version, f"{ROOT}.workflow.version")
    executions = [(f"{ROOT}.execution", bundle.execution)]
    executions += [(f"{ROOT}.history[{index}]", run) for index, run in enumerate(bundle.history)]

    for path, execution in executions:
        check_execution_stored_values(execution, path)


def check_execution_stored_values(execution: Execution, path: str) -> None:
    """Reject an execution's integers and timestamps that the database cannot hold."""
    _check_stored_integer(execution.workflow_version, f"{path}.workflow_version")
    if execution.workflow is not None:
        _check_stored_integer(execution.workflow.version, f"{path}.workflow.version")
    _check_stored_integer(execution.duration_ms, f"{path}.duration_ms")
    _check_stored_timestamp(execution.started_at, f"{path}.started_at")

    for index, record in enumerate(execution.nodes):
        _check_stored_integer(record.sequence, f"{path}.nodes[{index}].sequence")
        _check_stored_integer(record.attempt, f"{path}.nodes[{index}].attempt")
        _check_stored_timestamp(record.started_at, f"{path}.nodes[{index}].started_at")
        _check_stored_timestamp(record.completed_at, f"{path}.nodes[{index}].completed_at")
    for index, entry in enumerate(execution.logs):
        _check_stored_timestamp(entry.logged_at, f"{path}.logs[{index}].logged_at")


def _check_stored_integer(value: int | None, path: str) -> None:
    if value is not None and not -MAX_STORED_INTEGER - 1 <= value <= MAX_STORED_INTEGER:
        raise BundleRejected(path, f"{value} does not fit a 32-bit integer (at most {MAX_STORED_INTEGER})")


def _check_stored_timestamp(value: str | None, path: str) -> None:
    # Timestamps are stored in UTC; an offset can push one just past year 1 or year 9999.
    if value is None:
        return
    try:
        parse_rfc3339(value).astimezone(UTC)
    except OverflowError:
        raise BundleRejected(path, f"timestamp {value} is out of range in UTC (years 1 to 9999)") from None


def check_bundle_references(bundle: FailureBundle) -> None:
    """Reject ids that contradict each other and references to nodes the workflow lacks."""
    check_definition_references(bundle.workflow.definition, f"{ROOT}.workflow.definition")
    executions = [(f"{ROOT}.execution", bundle.execution)]
    executions += [(f"{ROOT}.history[{index}]", run) for index, run in enumerate(bundle.history)]

    seen_ids: dict[str, str] = {}
    for path, execution in executions:
        _check_execution_ids(bundle, execution, path)
        if execution.execution_id in seen_ids:
            raise BundleRejected(
                f"{path}.execution_id",
                f"execution {execution.execution_id} appears twice (also at {seen_ids[execution.execution_id]})",
            )
        seen_ids[execution.execution_id] = path

        definition, definition_path = _definition_of(bundle, execution, path)
        if definition is None:
            continue
        if definition is not bundle.workflow.definition:
            check_definition_references(definition, definition_path)
        check_execution_nodes(execution, definition, path)


def _check_execution_ids(bundle: FailureBundle, execution: Any, path: str) -> None:
    if execution.workspace_id != bundle.workspace.id:
        raise BundleRejected(
            f"{path}.workspace_id",
            f'execution belongs to workspace "{execution.workspace_id}", the bundle to "{bundle.workspace.id}"',
        )
    if execution.workflow_id != bundle.workflow.id:
        raise BundleRejected(
            f"{path}.workflow_id",
            f'execution ran workflow "{execution.workflow_id}", the bundle carries "{bundle.workflow.id}"',
        )


def _definition_of(bundle: FailureBundle, execution: Any, path: str) -> tuple[Any, str]:
    """Find the definition an execution ran: its own copy, the bundle's version, or none known."""
    if execution.workflow is not None:
        return execution.workflow.definition, f"{path}.workflow.definition"

    version = execution.workflow_version
    if version is None or version == bundle.workflow.version:
        return bundle.workflow.definition, f"{ROOT}.workflow.definition"
    if path == f"{ROOT}.execution":
        raise BundleRejected(
            f"{path}.workflow_version",
            f"execution ran version {version}, but the bundle carries version {bundle.workflow.version} "
            "and the execution has no workflow definition of its own",
        )
    return None, ""


def check_definition_references(definition: Any, path: str) -> None:
    """Reject duplicate node ids and edges that name a node the definition does not have."""
    node_ids: dict[str, int] = {}
    for index, node in enumerate(definition.nodes):
        if node.id in node_ids:
            raise BundleRejected(
                f"{path}.nodes[{index}].id", f'duplicate node id "{node.id}" (first at nodes[{node_ids[node.id]}])'
            )
        node_ids[node.id] = index

    for index, edge in enumerate(definition.edges):
        for end in ("source", "target"):
            name = getattr(edge, end)
            if name not in node_ids:
                raise BundleRejected(f"{path}.edges[{index}].{end}", f'edge names node "{name}", which the workflow does not have')


def check_execution_nodes(execution: Any, definition: Any, path: str) -> None:
    """Reject execution records that name nodes the workflow does not have."""
    node_ids = {node.id for node in definition.nodes}
    for index, record in enumerate(execution.nodes):
        if record.node_id not in node_ids:
            raise BundleRejected(
                f"{path}.nodes[{index}].node_id", f'execution records node "{record.node_id}", which the workflow does not have'
            )

    failed_node = execution.error.failed_node if execution.error else None
    if failed_node is not None and failed_node not in node_ids:
        raise BundleRejected(f"{path}.error.failed_node", f'failed node "{failed_node}" is not in the workflow')


def refingerprint_fixtures(document: dict[str, Any]) -> None:
    """Fingerprint each fixture that carries its request again, from the redacted request.

    Replay fingerprints its own requests after redaction, so both sides must agree on it.
    A fixture without a request keeps its fingerprint and then matches only requests that
    carried no secret.
    """
    for _, execution in _executions(document):
        for fixture in execution.get("deterministic_fixtures") or []:
            if isinstance(fixture, dict) and isinstance(fixture.get("request"), dict):
                fixture["request_fingerprint"] = fingerprint_request(fixture["request"])


def write_ids_as_text(document: dict[str, Any]) -> None:
    """Write numeric execution, workflow and workspace ids as text, as the parsed bundle holds them.

    LinkFlow sends numeric ids and other engines text, so 812 and "812" name one execution;
    writing both the same way keeps a re-import of either from counting as different content.
    """
    for _, execution in _executions(document):
        for name in _EXECUTION_ID_FIELDS:
            value = execution.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                execution[name] = str(value)


@dataclass(frozen=True)
class PreparedDefinition:
    """A validated workflow definition, with literal secrets masked as in a bundle's definition."""

    raw: dict[str, Any]
    model: WorkflowDefinition
    definition_findings: list[dict[str, Any]] = field(default_factory=list)
    redacted_paths: list[str] = field(default_factory=list)


def prepare_definition(data: bytes | dict[str, Any], limits: Limits = Limits(), path: str = ROOT) -> PreparedDefinition:
    """Validate a workflow definition on its own and mask the literal secrets in it.

    `data` is JSON bytes, or a value already parsed; `path` is where the definition sits in the
    caller's input, so rejections name the caller's own path (`$.definition.nodes[2].id`).
    The checks and the redaction are those a bundle's definition gets.
    """
    document = parse_document(data, limits) if isinstance(data, bytes) else data
    if not isinstance(data, bytes):
        _check_values(document, limits.max_depth, path)
    if not isinstance(document, dict):
        raise BundleRejected(path, f"expected a JSON object, got {_json_type(document)}")

    check_definition_limits(document, path, limits)
    model = _parse_model(WorkflowDefinition, document, path)
    check_definition_references(model, path)

    # Redacting inside a bundle-shaped wrapper gives the definition the bundle's rules: node ids
    # and credential names stay, and each masked value is reported as a finding.
    redaction = redact_bundle({"workflow": {"definition": document}})
    redacted = redaction.value["workflow"]["definition"]
    return PreparedDefinition(
        raw=redacted,
        model=WorkflowDefinition.model_validate(redacted),
        definition_findings=list(redaction.definition_findings),
        redacted_paths=[_rebase(found, f"{ROOT}.workflow.definition", path) for found in redaction.paths],
    )


@dataclass(frozen=True)
class PreparedExecution:
    """A validated and redacted recorded execution whose workflow definition is not known."""

    raw: dict[str, Any]
    model: Execution
    redacted_paths: list[str] = field(default_factory=list)


def prepare_execution(document: Any, limits: Limits = Limits()) -> PreparedExecution:
    """Validate a recorded execution without its workflow definition, and redact it.

    For a run whose definition is not known yet: the checks of a bundle's execution, except
    that node references cannot be checked against the workflow. `document` must come from
    `parse_document`; it is not changed.
    """
    if not isinstance(document, dict):
        raise BundleRejected(ROOT, f"expected a JSON object, got {_json_type(document)}")
    embedded = document.get("workflow")
    if isinstance(embedded, dict):
        check_definition_limits(embedded.get("definition"), f"{ROOT}.workflow.definition", limits)

    model = _parse_model(Execution, document, ROOT)
    check_execution_stored_values(model, ROOT)
    if model.workflow is not None:
        check_definition_references(model.workflow.definition, f"{ROOT}.workflow.definition")
        check_execution_nodes(model, model.workflow.definition, ROOT)

    # The wrapper gives the execution the bundle's rules: its ids, statuses and timestamps stay.
    redaction = redact_bundle({"execution": document})
    wrapper = redaction.value
    refingerprint_fixtures(wrapper)
    write_ids_as_text(wrapper)
    redacted = wrapper["execution"]
    return PreparedExecution(
        raw=redacted,
        model=Execution.model_validate(redacted),
        redacted_paths=[_rebase(found, f"{ROOT}.execution", ROOT) for found in redaction.paths],
    )


def _parse_model(model: Any, document: dict[str, Any], path: str) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise rejection_from_validation(error, path) from None


def _rebase(found: str, old_prefix: str, new_prefix: str) -> str:
    return new_prefix + found[len(old_prefix) :] if found.startswith(old_prefix) else found


def json_path(keys: Any, prefix: str = ROOT) -> str:
    """Write a key sequence as a JSON path: `$.execution.nodes[3]['odd-key']`."""
    path = prefix
    for key in keys:
        if isinstance(key, int):
            path += f"[{key}]"
        elif str(key).isidentifier():
            path += f".{key}"
        else:
            path += f"[{json.dumps(str(key))}]"
    return path


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:8])
        return f"an object with keys {keys}" if keys else "an empty object"
    if isinstance(value, str):
        preview = value if len(value) <= 40 else value[:37] + "..."
        return f"text {json.dumps(preview)}"
    return _json_type(value) if not isinstance(value, int | float) or isinstance(value, bool) else f"the number {value}"
