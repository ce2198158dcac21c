"""Size-bounded copies of JSON values, so a tool result a model reads stays small.

`compact` shares the byte budget out top-down: values smaller than their fair share stay whole,
and the larger ones split what is left and are cut in turn. Every cut leaves a marker that records
how much there was. Each container keeps its type, key order is kept, and the same input always
gives the same output.
"""

import json
from itertools import accumulate
from typing import Any

# Smallest budget `compact` accepts: its last-resort marker fits in it for values under 10^15 bytes.
MIN_MAX_BYTES = 80

# Key under which an object cut to its first keys records how many keys it had.
OVERFLOW_KEY = "..."

# Smallest share a value that must be cut receives. Every marker fits in it for counts under 10^8.
_FLOOR = 48

# One encoder for every measurement: json.dumps with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_size(value: Any) -> int:
    """Count the bytes of a value's compact JSON in UTF-8, the measure `compact` keeps under its budget."""
    return len(_ENCODER.encode(value).encode("utf-8"))


def compact(value: Any, max_bytes: int) -> tuple[Any, bool]:
    """Cut a JSON value until its compact JSON fits in `max_bytes`; return it and whether it was cut.

    A value that already fits is returned as it is. Otherwise:
    - a list keeps its first items and ends with `{"truncated": true, "items_total": N}`;
    - a text keeps its start and ends with "... [truncated, N characters in total]";
    - an object keeps all its keys when each can get a share. Otherwise a nested object whose key
      names fit becomes `{"truncated": true, "keys": [...]}`, and any other object keeps its first
      keys and records its key count under the key "..." (the top-level object always does this).
    A value that cannot be cut to fit becomes `{"truncated": true, "type": ..., "bytes_total": N}`.

    Raises:
        ValueError: `max_bytes` is below MIN_MAX_BYTES, which the last-resort marker needs.
        TypeError: the value contains something JSON cannot encode.
    """
    if max_bytes < MIN_MAX_BYTES:
        raise ValueError(f"max_bytes is {max_bytes}, less than the minimum of {MIN_MAX_BYTES} bytes")

    sizer = _Sizer()
    total = sizer.size(value)
    if total <= max_bytes:
        return value, False

    result = _fit(value, max_bytes, sizer, is_root=True)
    if json_size(result) > max_bytes:
        return {"truncated": True, "type": _type_name(value), "bytes_total": total}, True
    return result, True


class _Sizer:
    """JSON sizes of the input's containers, each measured once."""

    def __init__(self) -> None:
        # Keyed by id(): the input stays alive for the whole call, so ids are not reused.
        self._known: dict[int, int] = {}

    def size(self, value: Any) -> int:
        if not isinstance(value, dict | list | tuple):
            return json_size(value)
        # The C encoder measures a subtree faster than summing its parts in Python, even though
        # each level of the cut measures its subtrees again.
        if id(value) not in self._known:
            self._known[id(value)] = json_size(value)
        return self._known[id(value)]


def _key_size(key: Any) -> int:
    # `{"key":0}` is the key's JSON plus four bytes; this also covers the number keys JSON converts.
    return json_size({key: 0}) - 4


def _fit(value: Any, budget: int, sizer: _Sizer, *, is_root: bool = False) -> Any:
    if sizer.size(value) <= budget:
        return value
    if isinstance(value, str):
        return _fit_text(value, budget)
    if isinstance(value, dict):
        return _fit_object(value, budget, sizer, is_root=is_root)
    if isinstance(value, list | tuple):
        return _fit_list(list(value), budget, sizer)
    return value


def _fit_text(text: str, budget: int) -> str:
    marker = f"... [truncated, {len(text)} characters in total]"
    if json_size(marker) > budget:
        return "..." if budget >= json_size("...") else ""

    # Find the longest start that fits; escapes and UTF-8 make bytes per character vary.
    shortest, longest = 0, min(len(text), budget)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if json_size(text[:middle] + marker) <= budget:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest] + marker


def _fit_list(items: list[Any], budget: int, sizer: _Sizer) -> list[Any]:
    marker = {"truncated": True, "items_total": len(items)}
    room = budget - 2 - (json_size(marker) + 1 if len(items) > 1 else 0)

    result: list[Any] = []
    for item in items:
        cost = sizer.size(item) + (1 if result else 0)
        if cost > room:
            break
        result.append(item)
        room -= cost

    # The next item goes in cut when there is room, because one example of an item beats none.
    room -= 1 if result else 0
    if len(result) < len(items) and room >= _FLOOR:
        result.append(_fit(items[len(result)], room, sizer))
    if len(result) < len(items):
        result.append(marker)
    return result


def _fit_object(value: dict[Any, Any], budget: int, sizer: _Sizer, *, is_root: bool) -> dict[Any, Any]:
    keys = list(value)
    sizes = [sizer.size(value[key]) for key in keys]
    layout = _ObjectLayout(keys, sizes)

    count = layout.max_count(budget)
    if count == len(keys):
        return _share_out(value, keys, sizes, budget - layout.overhead(count), sizer)

    # Too little room for every value: the key names describe a nested object best, if they all
    # fit. The top level keeps values instead, since its keys are the sections a tool returns.
    summary = _summarise_keys(keys, budget)
    if count == 0 or ("keys_total" not in summary and not is_root):
        return summary

    result = _share_out(value, keys[:count], sizes[:count], budget - layout.overhead(count), sizer)
    result[OVERFLOW_KEY] = {"truncated": True, "keys_total": len(keys)}
    return result


class _ObjectLayout:
    """Bytes an object needs to keep its first `count` keys, each value getting at least the floor share."""

    def __init__(self, keys: list[Any], sizes: list[int]) -> None:
        self._total = len(keys)
        self._key_bytes = list(accumulate((_key_size(key) + 1 for key in keys), initial=0))
        self._floor_bytes = list(accumulate((min(size, _FLOOR) for size in sizes), initial=0))
        overflow_marker = {"truncated": True, "keys_total": len(keys)}
        self._overflow_entry = 1 + _key_size(OVERFLOW_KEY) + 1 + json_size(overflow_marker)

    def overhead(self, count: int) -> int:
        """Bytes of braces, keys, colons and commas, plus the overflow entry when keys are left out."""
        cost = 2 + self._key_bytes[count] + max(count - 1, 0)
        return cost + self._overflow_entry if count < self._total else cost

    def max_count(self, budget: int) -> int:
        for count in range(self._total, 0, -1):
            if self.overhead(count) + self._floor_bytes[count] <= budget:
                return count
        return 0


def _share_out(
    value: dict[Any, Any], keys: list[Any], sizes: list[int], available: int, sizer: _Sizer
) -> dict[Any, Any]:
    """Give each value, smallest first, its size or a fair share of what is left, and cut those over their share."""
    shares: dict[Any, int] = {}
    remaining = available
    smallest_first = sorted(range(len(keys)), key=lambda index: (sizes[index], index))
    for position, index in enumerate(smallest_first):
        fair = remaining // (len(keys) - position)
        shares[keys[index]] = min(sizes[index], fair)
        remaining -= shares[keys[index]]

    return {key: _fit(value[key], shares[key], sizer) for key in keys}


def _summarise_keys(keys: list[Any], budget: int) -> dict[str, Any]:
    """Name an object's keys, as many as fit; `keys_total` appears when some are left out."""
    names = [str(key) for key in keys]
    summary: dict[str, Any] = {"truncated": True, "keys": names}
    if json_size(summary) <= budget:
        return summary

    cut: dict[str, Any] = {"truncated": True, "keys": [], "keys_total": len(keys)}
    used = json_size(cut)
    for name in names:
        cost = json_size(name) + (1 if cut["keys"] else 0)
        if used + cost > budget:
            break
        cut["keys"].append(name)
        used += cost
    if not cut["keys"]:
        del cut["keys"]
    return cut


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, str):
        return "text"
    return "value"
