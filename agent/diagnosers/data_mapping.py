"""A mapping that reads a key that is not there, when a key of close spelling is."""

from agent.context import FailureContext
from agent.diagnosers.candidate import Candidate
from agent.diagnosers.common import child_path, edited_nodes, missing_path, rewrite_reference

KIND = "data_mapping"


def diagnose(context: FailureContext) -> list[Candidate]:
    """Rewrite a misspelt key to the closest key that exists, in every node that reads it."""
    detail = missing_path(context)
    if detail is None or detail.get("reason") != "missing_key" or not detail.get("closest"):
        return []

    old = f"{detail['at_path']}.{detail['missing_key']}"
    if not detail["path"].startswith(old):
        return []
    new = child_path(detail["at_path"], detail["closest"]) + detail["path"][len(old) :]
    edits = rewrite_reference(context, detail["path"], new)
    if not edits:
        return []

    keys = ", ".join(detail.get("available_keys") or [])
    return [
        Candidate(
            description=(
                f"Read `{new}` instead of `{detail['path']}` in {', '.join(edited_nodes(edits))}: "
                f"the key `{detail['missing_key']}` does not exist in {detail['at_path']}, "
                f"and `{detail['closest']}` is the closest key that does."
            ),
            failure_kind=KIND,
            edits=edits,
            evidence=[
                f"node {context.failed_node_id} failed evaluating `{detail['expression']}`",
                f"keys in {detail['at_path']}: {keys}",
                f"closest key to `{detail['missing_key']}`: `{detail['closest']}`",
            ],
            specificity=0.9,
        )
    ]
