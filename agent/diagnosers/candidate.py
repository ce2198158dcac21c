"""A diagnoser's proposal: a fix in the model's edit language or an action, with its evidence."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    """One proposed fix before verification.

    Exactly one of `edits` (the model's edit language, turned into a patch by
    tools.patching.build_patch) and `action` (such as {"type": "reconnect_credential",
    "credential": name}) is set. `specificity` runs from 0 to 1: how precisely the evidence
    points at this fix (a closest key or a moved key scores high, a generic retry lower).
    """

    description: str
    failure_kind: str
    evidence: list[str]
    specificity: float
    edits: list[dict[str, Any]] | None = None
    action: dict[str, Any] | None = None
    source: str = field(default="")

    def __post_init__(self) -> None:
        if (self.edits is None) == (self.action is None):
            raise ValueError(f"a {self.failure_kind} candidate needs exactly one of edits and action")
        if not 0 <= self.specificity <= 1:
            raise ValueError(f"specificity must be between 0 and 1, got {self.specificity}")
        if not self.source:
            object.__setattr__(self, "source", f"rule:{self.failure_kind}")
