"""An error thrown by a transform_code node that is not a type mismatch."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate

KIND = "code_exception"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Return no candidate: a thrown error's fix lies in the code's intent, which no rule can read.

    NOTE: the analysis still names the failure kind from the reproduced CODE_EXECUTION_FAILED error;
    only the patch is left to the model.
    """
    return []
