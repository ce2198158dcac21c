"""A condition that reads a misspelt field, which sends the run down the wrong branch or stops it."""

from agent.context import FailureContext
from agent.diagnosers import data_mapping
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import missing_path

KIND = "branching"
CONDITION_NODE = "logic_condition"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Fix a condition node's reference to a missing field with the closest key that exists.

    A reference to a node on the branch not taken gets no candidate: which value should stand in
    for it is the workflow author's decision.
    """
    node = context.failed_node
    if node is None or node.get("type") != CONDITION_NODE or missing_path(context) is None:
        return []

    return [
        Candidate(
            description=f"Fix the condition of {node['id']}: " + candidate.description,
            failure_kind=KIND,
            edits=candidate.edits,
            evidence=candidate.evidence,
            specificity=candidate.specificity,
        )
        for candidate in data_mapping.diagnose(context)
    ]
