"""The deterministic diagnosers: one pure function per failure kind, from the gathered context to candidates."""

from collections.abc import Callable

from agent.context import FailureContext
from agent.diagnosers import (
    api_schema_change,
    auth_expired,
    branching,
    code_exception,
    data_mapping,
    invalid_config,
    loop_shape,
    other,
    rate_limit,
    timeout,
    transient_upstream,
    type_mismatch,
)
from agent.diagnosers.candidate import Candidate

Diagnoser = Callable[[FailureContext], list[Candidate]]

# The order of the failure kinds list; run_diagnosers keeps it, so equal scores rank stably.
DIAGNOSERS: dict[str, Diagnoser] = {
    "data_mapping": data_mapping.diagnose,
    "type_mismatch": type_mismatch.diagnose,
    "api_schema_change": api_schema_change.diagnose,
    "invalid_config": invalid_config.diagnose,
    "rate_limit": rate_limit.diagnose,
    "timeout": timeout.diagnose,
    "transient_upstream": transient_upstream.diagnose,
    "auth_expired": auth_expired.diagnose,
    "branching": branching.diagnose,
    "loop_shape": loop_shape.diagnose,
    "code_exception": code_exception.diagnose,
    "other": other.diagnose,
}


def run_diagnosers(context: FailureContext) -> list[Candidate]:
    """Run every diagnoser in the fixed order and collect their candidates."""
    return [candidate for diagnose in DIAGNOSERS.values() for candidate in diagnose(context)]


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Order candidates by specificity, highest first; ties keep the diagnosers' order."""
    return sorted(candidates, key=lambda candidate: -candidate.specificity)


__all__ = ["DIAGNOSERS", "Candidate", "Diagnoser", "rank", "run_diagnosers"]
