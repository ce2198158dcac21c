"""The node graph of a workflow definition: run order and cycles."""

import graphlib
import heapq
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NodeGraph:
    """Nodes in definition order and the edges between them, by node id.

    Only the first node with a given id counts, and edges that name a node the definition
    does not have are left out. validate_definition reports both.
    """

    node_ids: list[str] = field(default_factory=list)
    successors: dict[str, list[str]] = field(default_factory=dict)
    # Index in definition["edges"] of the first edge from source to target.
    edge_index: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def from_definition(cls, definition: dict[str, Any]) -> "NodeGraph":
        """Build the graph from a definition given as plain data."""
        graph = cls()
        for node in _list_of(definition, "nodes"):
            node_id = node.get("id") if isinstance(node, dict) else None
            if isinstance(node_id, str) and node_id not in graph.successors:
                graph.node_ids.append(node_id)
                graph.successors[node_id] = []

        for index, edge in enumerate(_list_of(definition, "edges")):
            if not isinstance(edge, dict):
                continue
            source, target = edge.get("source"), edge.get("target")
            if source in graph.successors and target in graph.successors:
                graph.successors[source].append(target)
                graph.edge_index.setdefault((source, target), index)
        return graph


def topological_order(definition: dict[str, Any]) -> list[str]:
    """Return node ids so that every node comes after all of its predecessors.

    Among nodes that are ready at the same time, the one that appears first in the
    definition comes first, so the order is stable. Raises ValueError naming a cycle.
    """
    graph = NodeGraph.from_definition(definition)
    order = _kahn_order(graph)
    if len(order) < len(graph.node_ids):
        cycle = find_cycles(graph)[0]
        raise ValueError(f"workflow has a cycle, so it has no run order: {format_cycle(cycle)}")
    return order


def find_cycles(graph: NodeGraph) -> list[list[str]]:
    """Return disjoint cycles of the graph, each as node ids ending with its first node.

    Each cycle starts at its node that comes first in the definition. A node on two
    cycles is reported in the first only.
    """
    position = {node_id: index for index, node_id in enumerate(graph.node_ids)}
    ordered = set(_kahn_order(graph))
    remaining = [node_id for node_id in graph.node_ids if node_id not in ordered]
    cycles: list[list[str]] = []

    while remaining:
        cycle = _one_cycle(graph, remaining)
        if cycle is None:
            break
        cycles.append(_rotate_to_first(cycle, position))
        on_cycle = set(cycle)
        remaining = [node_id for node_id in remaining if node_id not in on_cycle]
    return cycles


def format_cycle(cycle: list[str]) -> str:
    """Write a cycle as a -> b -> a."""
    return " -> ".join(cycle)


def _kahn_order(graph: NodeGraph) -> list[str]:
    position = {node_id: index for index, node_id in enumerate(graph.node_ids)}
    in_degree = dict.fromkeys(graph.node_ids, 0)
    for targets in graph.successors.values():
        for target in targets:
            in_degree[target] += 1

    ready = [position[node_id] for node_id, degree in in_degree.items() if degree == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node_id = graph.node_ids[heapq.heappop(ready)]
        order.append(node_id)
        for target in graph.successors[node_id]:
            in_degree[target] -= 1
            if in_degree[target] == 0:
                heapq.heappush(ready, position[target])
    return order


def _one_cycle(graph: NodeGraph, nodes: list[str]) -> list[str] | None:
    # graphlib reports a cycle as nodes each of which precedes the next, first repeated last.
    included = set(nodes)
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for node_id in nodes:
        sorter.add(node_id)
        for target in graph.successors[node_id]:
            if target in included:
                sorter.add(target, node_id)
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return None


def _rotate_to_first(cycle: list[str], position: dict[str, int]) -> list[str]:
    ring = cycle[:-1]
    start = min(range(len(ring)), key=lambda index: position[ring[index]])
    rotated = ring[start:] + ring[:start]
    return [*rotated, rotated[0]]


def _list_of(definition: dict[str, Any], key: str) -> list[Any]:
    value = definition.get(key) if isinstance(definition, dict) else None
    return value if isinstance(value, list) else []
