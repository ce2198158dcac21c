"""Eval cases: a failure bundle with the world a re-run sees and what a good fix must achieve.

A case file is JSON:

    {"bundle": {...failure bundle...},
     "class": "data_mapping",
     "origin": "injected" | "report",
     "world": {"fixtures": [...]},
     "accept": {"status": "completed",
                "outputs": {"build_invoice": {"$.total": 1499.99}},
                "calls": [{"node": "send_invoice", "contains": {"to": ["dana@example.com"]}}]},
     "expect_action": "reconnect_credential",
     "fixable": true,
     "reference_fix": {"edits": [...]} | {"action": {...}},
     "base_workflow": "order_sync",
     "description": "..."}

`world.fixtures` has the shape of a recorded execution's `deterministic_fixtures`. A fixture may
answer with `"response": null` and `"error": {"code": "HTTP_TIMEOUT", "message": ...}`, and may
carry `node_id` and `latency_ms`: the oracle turns an answer slower than the node's timeout into a
timeout, so raising a timeout is a fix the oracle can tell apart from retrying. `reference_fix`
is the fix the case was built around. It proves the corpus can be solved and is never shown to
the agent.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as parse_jsonpath
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tools.formats.bundle import FailureBundle
from tools.formats.execution import Fixture
from tools.formats.suggestion import Action, FailureKind
from tools.intake import (
    BundleRejected,
    PreparedBundle,
    json_path,
    prepare_bundle,
    rejection_from_validation,
)
from tools.patching import EditError, parse_edit

RunStatus = Literal["completed", "failed", "incomplete"]
ActionType = Literal["reconnect_credential", "contact_provider", "fix_source_data"]


class _Closed(BaseModel):
    # A misspelt key in a hand-written case would silently drop an assertion, so none is allowed.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class WorldFixture(Fixture):
    """One response of the world: a recorded exchange, or an error with `response` null."""

    node_id: str | None = None
    latency_ms: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _response_or_error(self) -> "WorldFixture":
        if self.response is None and self.error is None:
            raise ValueError("a world fixture needs a response, or an error when response is null")
        return self


class World(_Closed):
    fixtures: list[WorldFixture] = Field(default_factory=list)


class CallAssertion(_Closed):
    """A side-effecting node's intended call, which must contain `contains` as a recursive subset."""

    node: str = Field(min_length=1)
    contains: dict[str, Any]


class Accept(_Closed):
    """The outcome of a re-run with a good fix: its status, node outputs and intended calls."""

    status: RunStatus = "completed"
    outputs: dict[str, dict[str, Any]] = Field(default_factory=dict)
    calls: list[CallAssertion] = Field(default_factory=list)

    @field_validator("outputs")
    @classmethod
    def _paths_parse(cls, outputs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for node_id, assertions in outputs.items():
            for path in assertions:
                try:
                    parse_jsonpath(path)
                except JSONPathError as error:
                    raise ValueError(f'JSONPath "{path}" for node {node_id} does not parse: {error}') from None
        return outputs


class ReferenceFix(_Closed):
    """The fix a case was built around: edits in the model's edit language, or an action."""

    edits: list[dict[str, Any]] | None = None
    action: Action | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "ReferenceFix":
        if (self.edits is None) == (self.action is None):
            raise ValueError("a reference fix has either edits or an action, not both and not neither")
        for index, edit in enumerate(self.edits or []):
            try:
                parse_edit(edit)
            except EditError as error:
                raise ValueError(f"edits[{index}]: {error}") from None
        return self


class Case(_Closed):
    bundle: dict[str, Any]
    kind: FailureKind = Field(alias="class")
    origin: Literal["injected", "report"] = "injected"
    world: World
    accept: Accept
    expect_action: ActionType | None = None
    fixable: bool
    reference_fix: ReferenceFix | None = None
    base_workflow: str = Field(min_length=1)
    description: str = Field(min_length=1)


class CaseError(ValueError):
    """A case file that cannot be used, naming the file, the JSON path inside it and the reason."""

    def __init__(self, file: Path, path: str, reason: str) -> None:
        super().__init__(f"{file}: {path}: {reason}")
        self.file = file
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class LoadedCase:
    """A validated case; `prepared` is its bundle after intake's validation and redaction."""

    case_id: str
    file: Path
    case: Case
    prepared: PreparedBundle

    @property
    def bundle(self) -> FailureBundle:
        return self.prepared.model

    @property
    def definition(self) -> dict[str, Any]:
        return self.prepared.raw["workflow"]["definition"]

    @property
    def execution(self) -> dict[str, Any]:
        return self.prepared.raw["execution"]


def load_cases(folder: Path | str) -> list[LoadedCase]:
    """Read every `*.json` case under a folder, recursively, in path order.

    Raises:
        CaseError: a case is malformed; the error names its file, the JSON path and the reason.
    """
    root = Path(folder)
    if not root.is_dir():
        raise CaseError(root, "$", "case folder not found")
    return [load_case(file, case_id=file.relative_to(root).with_suffix("").as_posix()) for file in sorted(root.rglob("*.json"))]


def load_case(file: Path, *, case_id: str | None = None) -> LoadedCase:
    """Read and validate one case file.

    Raises:
        CaseError: the file is not a usable case.
    """
    return validate_case(_read_json(file), file=file, case_id=case_id or file.stem)


def validate_case(document: Any, *, file: Path, case_id: str) -> LoadedCase:
    """Validate a parsed case document; `file` is named in errors.

    Raises:
        CaseError: the document is not a usable case.
    """
    case = _parse_case(file, document)
    prepared = _prepare_bundle(file, case.bundle)
    check_case_references(file, case, prepared)
    return LoadedCase(case_id=case_id, file=file, case=case, prepared=prepared)


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise CaseError(file, "$", f"invalid UTF-8 at byte {error.start}") from error
    except json.JSONDecodeError as error:
        raise CaseError(file, "$", f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}") from error


def _parse_case(file: Path, document: Any) -> Case:
    if not isinstance(document, dict):
        raise CaseError(file, "$", f"expected a JSON object, got {type(document).__name__}")
    try:
        return Case.model_validate(document)
    except ValidationError as error:
        rejection = rejection_from_validation(error)
        raise CaseError(file, rejection.path, rejection.reason) from None


def _prepare_bundle(file: Path, bundle: dict[str, Any]) -> PreparedBundle:
    try:
        return prepare_bundle(json.dumps(bundle).encode("utf-8"))
    except BundleRejected as rejection:
        raise CaseError(file, "$.bundle" + rejection.path.removeprefix("$"), rejection.reason) from None


def check_case_references(file: Path, case: Case, prepared: PreparedBundle) -> None:
    """Reject node ids in `accept` and `world` that the bundle's workflow does not have.

    Raises:
        CaseError: naming the first such reference.
    """
    node_ids = {node.id for node in prepared.model.workflow.definition.nodes}

    for node_id in case.accept.outputs:
        if node_id not in node_ids:
            raise CaseError(file, json_path(["accept", "outputs", node_id]), _unknown_node(node_id, node_ids))
    for index, call in enumerate(case.accept.calls):
        if call.node not in node_ids:
            raise CaseError(file, json_path(["accept", "calls", index, "node"]), _unknown_node(call.node, node_ids))
    for index, fixture in enumerate(case.world.fixtures):
        if fixture.node_id is not None and fixture.node_id not in node_ids:
            path = json_path(["world", "fixtures", index, "node_id"])
            raise CaseError(file, path, _unknown_node(fixture.node_id, node_ids))

    if case.expect_action is not None and case.fixable:
        raise CaseError(file, "$.expect_action", "expect_action is for unfixable cases; set fixable to false")


def _unknown_node(node_id: str, node_ids: set[str]) -> str:
    return f'node "{node_id}" is not in the bundle\'s workflow (nodes: {", ".join(sorted(node_ids))})'
