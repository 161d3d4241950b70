"""A layered (Sugiyama-style) layout in pure Python: no Graphviz, no dependency.

1. Layers: longest path to the outputs (so inputs sit right above their first use, not all in
   the top row), then each node slides toward the side where more of its edges go (so a
   second, shorter output does not sink to the bottom row).
2. Long edges get one dummy vertex per layer they cross, so they bend around boxes.
3. Order within layers: barycentre sweeps down and up, each followed by swaps of neighbours
   that remove crossings; the order with the fewest crossings wins.
4. Coordinates: each vertex is pulled toward the mean of its neighbours, with boxes kept apart
   (an exact least-squares step, pool-adjacent-violators); long edges weigh more, so they run
   straight.

Everything is iterative and about linear per sweep; 300 nodes take a few tens of milliseconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .labels import node_size

if TYPE_CHECKING:
    from .graph import Graph

Point = tuple[float, float]
MARGIN = 12.0
DUMMY_SIZE = 6.0


@dataclass(eq=False)
class Layout(Mapping):
    """Centres of the boxes (``layout[node_id] -> (x, y)``), their sizes, and one polyline per
    graph edge (``routes[i]`` for ``graph.edges[i]``, from the source box to the target box)."""

    pos: dict[str, Point]
    size: dict[str, Point]
    routes: list[list[Point]]
    layers: dict[str, int]
    width: float
    height: float
    direction: str

    def __getitem__(self, nid: str) -> Point:
        return self.pos[nid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.pos)

    def __len__(self) -> int:
        return len(self.pos)

    def box(self, nid: str) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)`` of a node's box."""
        (x, y), (w, h) = self.pos[nid], self.size[nid]
        return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def layout(
    graph: Graph,
    direction: str = "TB",
    *,
    sizes: Mapping[str, Point] | None = None,
    show_values: bool = True,
    show_grads: bool = True,
    show_attrs: bool = False,
    node_gap: float = 18.0,
    layer_gap: float = 36.0,
    sweeps: int = 12,
) -> Layout:
    """Lay ``graph`` out in layers: 'TB' (inputs on top) or 'LR' (inputs on the left).

    Box sizes come from the text ``to_svg`` will draw with the same ``show_*`` flags, unless
    ``sizes`` gives them.
    """
    if direction not in ("TB", "LR"):
        raise ValueError(f"direction must be 'TB' or 'LR', not {direction!r}")
    ids = list(graph.nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    if sizes is None:
        flags = dict(show_values=show_values, show_grads=show_grads, show_attrs=show_attrs)
        sizes = {nid: node_size(node, **flags) for nid, node in graph.nodes.items()}
    ends = [(index[e.src], index[e.dst]) for e in graph.edges]
    layer = _layers(len(ids), ends)

    vlayer, chains = list(layer), []  # vertices: the nodes, then the dummies
    for u, v in ends:
        chain = [u]
        for lay in range(layer[u] + 1, layer[v]):
            vlayer.append(lay)
            chain.append(len(vlayer) - 1)
        chains.append([*chain, v])
    up: list[list[int]] = [[] for _ in vlayer]
    down: list[list[int]] = [[] for _ in vlayer]
    for chain in chains:
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
            up[b].append(a)
    rows: list[list[int]] = [[] for _ in range(max(vlayer, default=-1) + 1)]
    for v, lay in enumerate(vlayer):
        rows[lay].append(v)
    rows = _order(rows, vlayer, up, down, sweeps)

    tb = direction == "TB"
    across = [sizes[i][0 if tb else 1] for i in ids] + [DUMMY_SIZE] * (len(vlayer) - len(ids))
    along = [sizes[i][1 if tb else 0] for i in ids] + [0.0] * (len(vlayer) - len(ids))
    cross = _coordinates(rows, up, down, across, node_gap, len(ids))
    main, half = _layer_positions(rows, along, layer_gap)

    def point(c: float, m: float) -> Point:
        return (c, m) if tb else (m, c)

    pos = {nid: point(cross[i], main[i]) for i, nid in enumerate(ids)}
    routes = _routes(chains, cross, main, half, across, along)
    routes = [[point(c, m) for c, m in r] for r in routes]
    extent_c = max((cross[v] + across[v] / 2 for v in range(len(vlayer))), default=0.0)
    extent_m = max((main[v] + along[v] / 2 for v in range(len(vlayer))), default=0.0)
    w, h = point(extent_c + MARGIN, extent_m + MARGIN)
    return Layout(pos, {nid: tuple(sizes[nid]) for nid in ids}, routes,
                  {nid: layer[i] for i, nid in enumerate(ids)}, w, h, direction)  # fmt: skip


def _layers(n: int, ends: list[tuple[int, int]]) -> list[int]:
    """Longest-path layers, then a few greedy moves that shorten the edges in total."""
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    for u, v in ends:
        succ[u].append(v)
        pred[v].append(u)
    indeg = [len(p) for p in pred]
    queue = deque(i for i in range(n) if indeg[i] == 0)
    topo = []
    while queue:
        u = queue.popleft()
        topo.append(u)
        for v in succ[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                queue.append(v)
    if len(topo) < n:
        raise ValueError("the graph has a cycle; a layered layout needs a DAG")
    layer = [0] * n  # as late as possible: every input sits right above its first use
    for u in reversed(topo):
        for v in pred[u]:
            layer[v] = min(layer[v], layer[u] - 1)
    for _ in range(4):
        moved = False
        for u in topo + topo[::-1]:  # moves up settle in forward order, moves down in reverse
            p, s = len(pred[u]), len(succ[u])
            if s > p:  # more edges leave than enter: move down toward the consumers
                target = min(layer[v] for v in succ[u]) - 1
            elif p > s:
                target = max(layer[v] for v in pred[u]) + 1
            else:
                continue
            if target != layer[u]:
                layer[u], moved = target, True
        if not moved:
            break
    low = min(layer, default=0)
    return [lay - low for lay in layer]


def _order(
    rows: list[list[int]], vlayer: list[int], up: list[list[int]], down: list[list[int]],
    sweeps: int,
) -> list[list[int]]:  # fmt: skip
    """Barycentre sweeps; keeps the ordering with the fewest crossings seen."""
    idx = [0] * len(vlayer)

    def renumber(row: list[int]) -> None:
        for i, v in enumerate(row):
            idx[v] = i

    def rel(v: int) -> float:  # position within its row, scaled to (0, 1)
        return (idx[v] + 0.5) / len(rows[vlayer[v]])

    def sort(row: list[int], neigh: list[list[int]]) -> None:
        key = {v: sum(map(rel, neigh[v])) / len(neigh[v]) if neigh[v] else rel(v) for v in row}
        row.sort(key=key.__getitem__)
        renumber(row)
        transpose(row)

    def worse(a: int, b: int) -> bool:
        """Would swapping neighbours a (left) and b remove crossings between their edges?"""
        here = there = 0
        for ns in (up, down):
            for p in ns[a]:
                ip = idx[p]
                for q in ns[b]:
                    iq = idx[q]
                    here += ip > iq
                    there += iq > ip
        return here > there

    def transpose(row: list[int]) -> None:
        """Swap neighbours while that removes crossings (Graphviz's ``transpose`` step)."""
        for _ in range(4):
            swapped = False
            for i in range(len(row) - 1):
                a, b = row[i], row[i + 1]
                if worse(a, b):
                    row[i], row[i + 1], idx[a], idx[b] = b, a, i + 1, i
                    swapped = True
            if not swapped:
                break

    for row in rows:
        renumber(row)
    best, best_c = [r[:] for r in rows], _crossings(rows, down, idx)
    stale = 0
    for _ in range(sweeps):
        if best_c == 0 or stale >= 2:  # converged: more sweeps rarely help
            break
        stale += 1
        for sweep in (range(1, len(rows)), range(len(rows) - 2, -1, -1)):
            for li in sweep:
                sort(rows[li], up if sweep.step == 1 else down)
            c = _crossings(rows, down, idx)
            if c < best_c:
                best, best_c, stale = [r[:] for r in rows], c, 0
    return best


def _crossings(rows: list[list[int]], down: list[list[int]], idx: list[int]) -> int:
    """Edge crossings between neighbouring rows: inversions, counted with a Fenwick tree."""
    total = 0
    for li in range(len(rows) - 1):
        size = len(rows[li + 1])
        pairs = sorted((idx[u], idx[w]) for u in rows[li] for w in down[u])
        tree = [0] * (size + 1)
        for seen, (_, b) in enumerate(pairs):
            i, below = b + 1, 0
            while i > 0:  # how many earlier edges end at or left of b
                below += tree[i]
                i -= i & -i
            total += seen - below
            i = b + 1
            while i <= size:
                tree[i] += 1
                i += i & -i
    return total


def _coordinates(
    rows: list[list[int]], up: list[list[int]], down: list[list[int]], across: list[float],
    gap: float, n_real: int, passes: int = 4,
) -> list[float]:  # fmt: skip
    """Cross-axis centres: each row pulled toward its neighbours, boxes never overlapping."""
    x = [0.0] * len(across)
    offsets = []
    for row in rows:
        off, acc = [], 0.0
        for i, v in enumerate(row):
            if i:
                prev = row[i - 1]
                acc += (across[prev] + across[v]) / 2 + (
                    gap if prev < n_real and v < n_real else gap / 2
                )
            off.append(acc)
        offsets.append(off)
        for v, o in zip(row, off):
            x[v] = o - acc / 2

    both = [u + d for u, d in zip(up, down)]

    def place(li: int, neigh: list[list[int]]) -> None:
        row, off = rows[li], offsets[li]
        targets, weights = [], []
        for v, o in zip(row, off):
            ns = neigh[v]
            if ns:
                targets.append(sum(x[u] for u in ns) / len(ns) - o)
                weights.append(1.0 if v < n_real else 2.0)
            else:
                targets.append(x[v] - o)
                weights.append(0.1)
        for v, o, y in zip(row, off, _isotonic(targets, weights)):
            x[v] = y + o

    for _ in range(passes):
        for li in range(1, len(rows)):
            place(li, up)
        for li in range(len(rows) - 2, -1, -1):
            place(li, down)
    for li in range(len(rows)):
        place(li, both)
    low = min((x[v] - across[v] / 2 for v in range(len(x))), default=0.0)
    return [c - low + MARGIN for c in x]


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Closest non-decreasing sequence in weighted least squares (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for t, w in zip(targets, weights):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, n2 = blocks.pop()
            m1, w1, n1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2])
    out = []
    for m, _, n in blocks:
        out.extend([m] * int(n))
    return out


def _layer_positions(
    rows: list[list[int]], along: list[float], gap: float
) -> tuple[list[float], list[float]]:
    """Main-axis centre of every vertex, and the half thickness of its row: rows are as thick
    as their biggest box and ``gap`` apart."""
    main, half = [0.0] * len(along), [0.0] * len(along)
    edge = MARGIN
    for row in rows:
        thick = max((along[v] for v in row), default=0.0)
        for v in row:
            main[v], half[v] = edge + thick / 2, thick / 2
        edge += thick + gap
    return main, half


def _routes(
    chains: list[list[int]], cross: list[float], main: list[float], half: list[float],
    across: list[float], along: list[float],
) -> list[list[Point]]:  # fmt: skip
    """Polylines in (cross, main) coordinates. Inside a row an edge runs straight along the
    flow (beside the boxes, in the room its dummy reserved); it bends only between rows.
    Edges leaving or entering the same box are spread along its side in the order of their
    other ends, so they do not cross there."""
    out_ports = _ports(chains, cross, across, lambda c: (c[0], c[1]))
    in_ports = _ports(chains, cross, across, lambda c: (c[-1], c[-2]))
    routes = []
    for j, chain in enumerate(chains):
        u, v = chain[0], chain[-1]
        c = cross[u] + out_ports[j]
        pts = [(c, main[u] + along[u] / 2)]
        if along[u] < 2 * half[u]:
            pts.append((c, main[u] + half[u]))
        for d in chain[1:-1]:
            pts += [(cross[d], main[d] - half[d]), (cross[d], main[d] + half[d])]
        c = cross[v] + in_ports[j]
        if along[v] < 2 * half[v]:
            pts.append((c, main[v] - half[v]))
        pts.append((c, main[v] - along[v] / 2))
        routes.append(pts)
    return routes


def _ports(chains: list[list[int]], cross: list[float], across: list[float], ends) -> list[float]:
    by_node: dict[int, list[tuple[float, int]]] = {}
    for j, chain in enumerate(chains):
        node, other = ends(chain)
        by_node.setdefault(node, []).append((cross[other], j))
    offsets = [0.0] * len(chains)
    for node, items in by_node.items():
        if len(items) < 2:
            continue
        items.sort()
        step = min(12.0, max(across[node] - 16.0, 0.0) / (len(items) - 1))
        for k, (_, j) in enumerate(items):
            offsets[j] = (k - (len(items) - 1) / 2) * step
    return offsets
