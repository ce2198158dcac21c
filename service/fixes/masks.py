"""Keep fixes away from masked secrets: LinkFlow holds the real values behind each `[REDACTED]`."""

from typing import Any

from jsonpointer import JsonPointerException, resolve_pointer

from service.analyses.errors import FixConflict
from tools.patching.values import contains_mask
from tools.redaction import SECRET_MASK

_ABSENT = object()


def check_no_masked_target(definition: dict[str, Any], patch: list[dict[str, Any]]) -> None:
    """Reject a patch that writes the mask or changes, moves or removes a masked value.

    Applied in LinkFlow, such a patch would replace a real secret with the mask text. An `add` at
    a masked path is rejected too, because on an object key it replaces the value.

    Raises:
        FixConflict: naming the operation and its path.
    """
    for index, operation in enumerate(patch):
        if operation.get("op") == "test":
            continue
        if contains_mask(operation.get("value")):
            raise FixConflict(f"operation {index} ({operation.get('op')} {operation.get('path')}) writes {SECRET_MASK}")

        for key in ("path", "from"):
            pointer = operation.get(key)
            if pointer is None:
                continue
            if contains_mask(_resolve(definition, pointer)):
                raise FixConflict(
                    f"operation {index} ({operation.get('op')} {pointer}) changes a masked secret; "
                    "change that value in LinkFlow instead"
                )


def without_masked_tests(patch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop test operations that pin a masked value: LinkFlow's definition holds the real value there."""
    return [operation for operation in patch if not (operation.get("op") == "test" and contains_mask(operation.get("value")))]


def _resolve(definition: dict[str, Any], pointer: str) -> Any:
    try:
        return resolve_pointer(definition, pointer, None)
    except JsonPointerException:
        return None
