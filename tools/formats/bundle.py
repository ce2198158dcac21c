"""Failure bundles: one file with everything needed to analyse a failure offline."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.formats.execution import Execution
from tools.formats.workflow import WorkflowDefinition

BUNDLE_FORMAT = "autofix.failure-bundle/1"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class BundlePolicy(_Open):
    ai_auto_fix_enabled: bool = False
    ai_auto_fix_confidence_threshold: float = Field(default=0.95, ge=0, le=1)


class BundleWorkspace(_Open):
    id: str
    policy: BundlePolicy | None = None


class BundleWorkflow(_Open):
    id: str
    name: str | None = None
    version: int = Field(ge=1)
    definition: WorkflowDefinition


class Variables(_Open):
    env: dict[str, Any] = Field(default_factory=dict)


class CredentialRef(_Open):
    """A credential by name: LinkFlow's references are names, never secret values."""

    name: str
    type: str | None = None
    status: Literal["valid", "expired", "revoked"] = "valid"


class FailureBundle(_Open):
    format: Literal["autofix.failure-bundle/1"]
    workspace: BundleWorkspace
    workflow: BundleWorkflow
    execution: Execution
    history: list[Execution] = Field(default_factory=list)
    variables: Variables | None = None
    credentials: list[CredentialRef] = Field(default_factory=list)
