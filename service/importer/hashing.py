"""Content hashes that tell a re-import of the same data from different data under the same ids."""

import hashlib
import json
from typing import Any


def content_hash(value: Any) -> str:
    """Return the SHA-256 hex of `value` as compact JSON.

    Keys keep their order rather than being sorted: request fingerprints depend on key order,
    so the same fields in another order are different content.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
