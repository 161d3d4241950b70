"""The order in which ``backward()`` runs the nodes of a graph, replayed on the graph model.

Same rule as ``autograd/engine.py``: a node is ready once every node that sends it a gradient
has run (dependency counting), and among ready nodes the newest (largest ``seq``) runs first.
A step-through widget can then replay backward exactly as the engine will do it.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph

ENGINE_KINDS = ("op", "leaf")


def backward_order(graph: Graph) -> list[str]:
    """Ids of op nodes and grad-requiring leaves (their ``AccumulateGrad``) in engine order."""
    nodes = graph.nodes

    def runs(nid: str) -> bool:
        n = nodes[nid]
        return n.kind in ENGINE_KINDS and n.requires_grad

    deps: dict[str, int] = {}
    senders: dict[str, list[str]] = {}  # node -> the nodes its backward sends gradients to
    roots: dict[str, None] = {}
    for e in graph.edges:
        if e.kind != "data" or not runs(e.src):
            continue
        if nodes[e.dst].kind == "output":
            roots[e.src] = None
        elif runs(e.dst):
            deps[e.src] = deps.get(e.src, 0) + 1
            senders.setdefault(e.dst, []).append(e.src)

    def key(nid: str) -> float:
        s = nodes[nid].seq
        return -(s if s is not None else math.inf)  # a leaf without a node yet gets a new one

    ready = [(key(r), r) for r in roots if deps.get(r, 0) == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        nid = heapq.heappop(ready)[1]
        order.append(nid)
        for src in senders.get(nid, ()):
            deps[src] -= 1
            if deps[src] == 0:
                heapq.heappush(ready, (key(src), src))
    return order
