"""A value of the wrong type: JSON or a number that arrived as text where a list, object or number is needed."""

from agent.context import FailureContext
from agent.diagnosers import type_coercion
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.code_numbers import numeric_text_candidates, parse_json_text_candidates

KIND = "type_mismatch"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Convert the value that arrived as text where the failed node reads it, by the first rule that applies."""
    rules = (
        parse_json_text_candidates,
        numeric_text_candidates,
        type_coercion.json_text_path,
        type_coercion.function_argument,
        type_coercion.resolved_config_number,
        type_coercion.compared_number_text,
    )
    for rule in rules:
        candidates: list[Candidate] = rule(context)
        if candidates:
            return candidates
    return []

