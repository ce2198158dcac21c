"""Access paths and node ids that an expression reads, for the diagnosers."""

from collections.abc import Iterator
from typing import Any

from tools.expressions.parser import parse_expression
from tools.expressions.paths import ROOT_EXPRESSION, ROOT_NAME, ROOT_NODES
from tools.expressions.pathtext import format_path_key, is_node_name, quote_key
from tools.expressions.syntax_tree import Path


def referenced_paths(expression: str) -> list[str]:
    """List the paths an expression reads, in order of appearance and without repeats.

    Paths are written in dotted form where the keys allow it: `nodes['fetch_customer'].body`
    and `fetch_customer['body']` both read as `fetch_customer.body`, while
    `nodes['fetch-customer'].body` keeps its brackets. A path stops before a computed key, so
    `items[i].name` gives `items`, then `i`. Paths that start from a call or a parenthesized
    operation (`jsonParse(x).a`) are left out, but the paths inside them are listed.

    Raises:
        ExpressionError: the expression does not parse.
    """
    written = (_normalized_path(path) for path in _paths(parse_expression(expression)))
    return list(dict.fromkeys(text for text in written if text is not None))


def referenced_nodes(expression: str) -> set[str]:
    """Collect the node ids an expression reads: bare names (`fetch_customer.body`) and
    `nodes['...']`. A bare name may also be a top-level key of the context. Only the context
    can tell, so it is listed here as a node id.

    Raises:
        ExpressionError: the expression does not parse.
    """
    node_ids = set()
    for path in _paths(parse_expression(expression)):
        if path.kind == ROOT_NAME:
            node_ids.add(path.name)
        elif path.kind == ROOT_NODES and path.segments and path.segments[0].key_node is None:
            node_ids.add(str(path.segments[0].key))
    return node_ids


def _paths(node: Any) -> Iterator[Path]:
    if isinstance(node, Path):
        yield node
    for child in node.children():
        yield from _paths(child)


def _normalized_path(path: Path) -> str | None:
    if path.kind == ROOT_EXPRESSION:
        return None

    segments = list(path.segments)
    if path.kind != ROOT_NODES:
        parts = [path.name]
    elif segments and segments[0].key_node is None:
        node_id = str(segments.pop(0).key)
        parts = [node_id if is_node_name(node_id) else f"nodes[{quote_key(node_id)}]"]
    else:
        return "nodes"

    for segment in segments:
        if segment.key_node is not None:
            break
        parts.append(format_path_key(segment.key))
    return "".join(parts)
