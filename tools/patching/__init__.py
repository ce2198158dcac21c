"""Auto-Fix patches: the model's edits turned into RFC 6902 patches, applying them, and the guard."""

from tools.patching.apply import PatchConflict, PatchError, apply_patch, describe_patch
from tools.patching.edits import (
    Edit,
    InsertNodeEdit,
    NewNode,
    SetEdit,
    UnsetEdit,
    build_patch,
    parse_edit,
)
from tools.patching.errors import EditError, PathSyntaxError
from tools.patching.guard import GuardVerdict, check_patch
from tools.patching.paths import format_data_path, parse_data_path

__all__ = [
    "Edit",
    "EditError",
    "GuardVerdict",
    "InsertNodeEdit",
    "NewNode",
    "PatchConflict",
    "PatchError",
    "PathSyntaxError",
    "SetEdit",
    "UnsetEdit",
    "apply_patch",
    "build_patch",
    "check_patch",
    "describe_patch",
    "format_data_path",
    "parse_data_path",
    "parse_edit",
]
