"""Failures no rule recognises: the analysis then says that nothing fits."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate

KIND = "other"


def diagnose(context: FailureContext) -> list[Candidate]:
    return []
