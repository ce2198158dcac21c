"""Suggestions: a ranked fix with its patch or action, its verification and its confidence."""

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

FailureKind = Literal[
    "data_mapping",
    "type_mismatch",
    "api_schema_change",
    "invalid_config",
    "rate_limit",
    "timeout",
    "transient_upstream",
    "auth_expired",
    "branching",
    "loop_shape",
    "code_exception",
    "other",
]

# The one list of failure kinds: diagnosers, eval classes, runbook tags and figures use these names.
FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)

VerificationStatus = Literal["passed", "suppressed", "failed", "unverifiable", "not_run"]


class PatchOperation(BaseModel):
    op: Literal["add", "remove", "replace", "move", "copy", "test"]
    path: str
    value: Any = None
    from_: str | None = Field(default=None, alias="from")


class Action(BaseModel):
    type: Literal["reconnect_credential", "contact_provider", "fix_source_data"]
    credential: str | None = None
    detail: str | None = None


class Verification(BaseModel):
    status: VerificationStatus = "not_run"
    reached_node: str | None = None
    not_checked: list[str] = Field(default_factory=list)
    detail: str | None = None


class Suggestion(BaseModel):
    description: str
    confidence: float = Field(ge=0, le=0.99)
    raw_score: float = Field(ge=0, le=1)
    kind: Literal["patch", "action"]
    patch: list[dict[str, Any]] = Field(default_factory=list)
    action: Action | None = None
    failure_kind: FailureKind
    source: str = Field(pattern=r"^(rule:[a-z_]+|model|chat)$")
    verification: Verification = Field(default_factory=Verification)
    safe_unattended: bool = False
    evidence: list[str] = Field(default_factory=list)
