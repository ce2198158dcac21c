"""Find object keys that a schema does not declare.

LinkFlow's engine ignores fields it does not know, so an unknown key never fails a run.
Usually it is a typo that silently drops a setting. The schemas therefore leave objects
open, and this walk reports the extra keys separately, as warnings.

An object counts as closed when a schema that describes it lists `properties` and none of
them allows more (`additionalProperties` or `patternProperties`). Only the structure is
followed: $ref, allOf, anyOf and oneOf, properties and items. `if`/`then` parts only
restate declared fields, so they are not read.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_LOCAL_DEFS_PREFIX = "#/$defs/"
_COMBINATORS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class UnknownKey:
    """A key found in an object whose schemas declare other keys only."""

    path: tuple[str | int, ...]
    key: str
    known: tuple[str, ...]


class KeyShape:
    """The keys a schema declares at one place in a value, and the shapes below them.

    Built lazily and memoized, so a schema used for many values is flattened once per place.
    """

    def __init__(self, root: dict[str, Any], views: list[dict[str, Any]]) -> None:
        self._root = root
        self._views = views
        self._object_views = [view for view in views if _describes_object(view)]
        self.known = tuple(dict.fromkeys(name for view in self._object_views for name in view.get("properties", {})))
        self._known_set = frozenset(self.known)
        self.is_open = any(_allows_more_keys(view) for view in self._object_views)
        self.describes_object = bool(self._object_views)
        self._children: dict[str, KeyShape] = {}
        self._items: KeyShape | None = None

    @classmethod
    def from_schema(cls, root: dict[str, Any]) -> "KeyShape":
        """Start at the top of a self-contained schema whose $defs hold every $ref target."""
        return cls(root, _views(root, root))

    def declares(self, key: str) -> bool:
        """Tell whether a schema at this place lists key among its properties."""
        return key in self._known_set

    def child(self, key: str) -> "KeyShape":
        """Shape of the value under a declared key."""
        if key not in self._children:
            views = [
                resolved
                for view in self._object_views
                if key in view.get("properties", {})
                for resolved in _views(self._root, view["properties"][key])
            ]
            self._children[key] = KeyShape(self._root, views)
        return self._children[key]

    def items(self) -> "KeyShape":
        """Shape of each item of a list."""
        if self._items is None:
            item_schemas = [view["items"] for view in self._views if isinstance(view.get("items"), dict)]
            views = [resolved for schema in item_schemas for resolved in _views(self._root, schema)]
            self._items = KeyShape(self._root, views)
        return self._items


def find_unknown_keys(shape: KeyShape, value: Any, path: tuple[str | int, ...] = ()) -> Iterator[UnknownKey]:
    """Yield every key in value that its schema does not declare, depth first."""
    if isinstance(value, dict) and shape.describes_object:
        for key, item in value.items():
            if shape.declares(key):
                yield from find_unknown_keys(shape.child(key), item, (*path, key))
            elif not shape.is_open:
                yield UnknownKey(path=(*path, key), key=key, known=shape.known)

    elif isinstance(value, list):
        item_shape = shape.items()
        for index, item in enumerate(value):
            yield from find_unknown_keys(item_shape, item, (*path, index))


def _views(root: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """Flatten a schema into itself plus every schema reached through $ref and combinators."""
    if not isinstance(schema, dict):
        return []

    views = [schema]
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith(_LOCAL_DEFS_PREFIX):
        target = root.get("$defs", {}).get(reference.removeprefix(_LOCAL_DEFS_PREFIX))
        views.extend(_views(root, target))
    for keyword in _COMBINATORS:
        for branch in schema.get(keyword, ()):
            views.extend(_views(root, branch))
    return views


def _describes_object(schema: dict[str, Any]) -> bool:
    declared_type = schema.get("type")
    types = declared_type if isinstance(declared_type, list) else [declared_type]
    return (
        "object" in types or "properties" in schema or "additionalProperties" in schema or "patternProperties" in schema
    )


def _allows_more_keys(schema: dict[str, Any]) -> bool:
    if "patternProperties" in schema:
        return True
    if "additionalProperties" in schema:
        return schema["additionalProperties"] is not False
    return "properties" not in schema
