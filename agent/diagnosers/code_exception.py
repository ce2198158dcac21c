"""An error thrown by a transform_code node that is not a type mismatch."""

import re

from rapidfuzz import fuzz

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import error_code

KIND = "code_exception"
CODE_NODE = "transform_code"
# A misspelt name is this alike (rapidfuzz ratio, 0 to 100) the name the code declared.
SIMILAR_NAME = 80
_NOT_DEFINED = re.compile(r"'([A-Za-z_$][\w$]*)' is not defined")
_DECLARATION = re.compile(r"\b(?:const|let|var|function)\s+([A-Za-z_$][\w$]*)")


def diagnose(context: FailureContext) -> list[Candidate]:
    """Rename a variable the code uses but never declared to the declared name closest in spelling.

    NOTE: other thrown errors get no candidate: their fix lies in the code's intent, which is left
    to the model.
    """
    node = context.failed_node
    match = _NOT_DEFINED.search(str(context.detail.get("message") or ""))
    code = ((node or {}).get("data") or {}).get("config", {}).get("code")
    if node is None or node.get("type") != CODE_NODE or error_code(context) != "CODE_EXECUTION_FAILED":
        return []
    if context.detail.get("name") != "ReferenceError" or match is None or not isinstance(code, str):
        return []

    missing = match.group(1)
    declared = {name for name in _DECLARATION.findall(code) if name != missing}
    alike = [name for name in declared if fuzz.ratio(name, missing) >= SIMILAR_NAME]
    if len(alike) != 1:
        return []

    name = alike[0]
    new_code = re.sub(r"(?<![\w$.])" + re.escape(missing) + r"(?![\w$])", name, code)
    return [
        Candidate(
            description=f"Use `{name}` instead of `{missing}` in config.code of {node['id']}: `{missing}` is never declared, and `{name}` is.",
            failure_kind=KIND,
            edits=[{"node": node["id"], "set": {"config.code": new_code}}],
            evidence=[f"node {node['id']} threw ReferenceError: '{missing}' is not defined", f"the code declares `{name}`"],
            specificity=0.8,
        )
    ]
