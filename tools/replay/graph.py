"""The run graph of a workflow definition, as plain lookups the replay loop reads."""

from dataclasses import dataclass
from typing import Any

from tools.catalog import topological_order

TRIGGER_PREFIX = "trigger_"


@dataclass(frozen=True, slots=True)
class RunGraph:
    """Nodes by id, their topological order, and each node's incoming and outgoing edges.

    `predecessors` lists each node's distinct sources in edge order. `incoming_key` is a
    comparable summary of a node's incoming edges (source, handle, condition), so replay can
    tell whether a patch rewired a node.
    """

    nodes: dict[str, dict[str, Any]]
    order: tuple[str, ...]
    incoming: dict[str, tuple[dict[str, Any], ...]]
    outgoing: dict[str, tuple[dict[str, Any], ...]]
    predecessors: dict[str, tuple[str, ...]]
    incoming_key: dict[str, tuple[tuple[Any, ...], ...]]
    settings: dict[str, Any]

    def descendants(self, node_id: str) -> set[str]:
        """Collect every node reachable from `node_id` along edges, not counting itself."""
        found: set[str] = set()
        frontier = [node_id]
        while frontier:
            current = frontier.pop()
            for edge in self.outgoing.get(current, ()):
                target = edge["target"]
                if target not in found:
                    found.add(target)
                    frontier.append(target)
        return found

    def triggers(self) -> list[str]:
        return [node_id for node_id in self.order if self.nodes[node_id].get("type", "").startswith(TRIGGER_PREFIX)]


def build_graph(definition: dict[str, Any]) -> RunGraph:
    """Index a workflow definition given as plain data.

    Raises:
        ValueError: the definition is not an object with a list of nodes, or its edges form a cycle.
    """
    nodes = _nodes_by_id(definition)
    order = tuple(topological_order(definition))

    incoming: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in nodes}
    outgoing: dict[str, list[dict[str, Any]]] = {node_id: [] for node_id in nodes}
    for edge in definition.get("edges") or []:
        if not isinstance(edge, dict):
            continue
        source, target = edge.get("source"), edge.get("target")
        if source in nodes and target in nodes:
            outgoing[source].append(edge)
            incoming[target].append(edge)

    return RunGraph(
        nodes=nodes,
        order=order,
        incoming={node_id: tuple(edges) for node_id, edges in incoming.items()},
        outgoing={node_id: tuple(edges) for node_id, edges in outgoing.items()},
        predecessors={node_id: _distinct_sources(edges) for node_id, edges in incoming.items()},
        incoming_key={node_id: _incoming_key(edges) for node_id, edges in incoming.items()},
        settings=definition.get("settings") if isinstance(definition.get("settings"), dict) else {},
    )


def _nodes_by_id(definition: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(definition, dict) or not isinstance(definition.get("nodes"), list):
        raise ValueError("workflow definition must be an object with a list of nodes")

    nodes: dict[str, dict[str, Any]] = {}
    for index, node in enumerate(definition["nodes"]):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            raise ValueError(f"nodes[{index}] must be an object with a text id")
        # The first node with an id wins, as in the catalog's graph; validation reports duplicates.
        nodes.setdefault(node["id"], node)
    return nodes


def _distinct_sources(edges: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(edge["source"] for edge in edges))


def _incoming_key(edges: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        sorted((edge["source"], edge.get("sourceHandle") or "", edge.get("condition") or "") for edge in edges)
    )
