"""A plain model of a tensor's history: nodes and forward edges, ready to lay out and draw.

``build_graph(f, params={'w': w})`` walks backward from ``f.grad_fn`` (iteratively, so 10^5-node
chains are fine) and turns autograd's backward nodes into a forward picture::

    x (leaf) ──> MulBackward0 ──> AddBackward0 ──> output
    y (leaf) ──┘                ┘

Leaves stand for their ``AccumulateGrad`` node; each op box stands for the node and the tensor
it produced, so it carries that tensor's shape and, when the graph still knows it, its value.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Node
from . import _internals as ai
from .labels import fmt_scalar, op_names
from .order import backward_order

KINDS = ("leaf", "op", "saved", "output", "constant")


@dataclass(eq=False)
class GraphNode:
    """One box of the picture. ``value``/``grad`` are numpy copies (None when unknown or big)."""

    id: str
    kind: str  # one of KINDS
    label: str  # leaf or output name, grad_fn name for ops
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    value: np.ndarray | None = None
    grad: np.ndarray | None = None
    requires_grad: bool = False
    is_leaf: bool = False
    name: str | None = None  # the autograd node's name: 'MulBackward0', 'AccumulateGrad'
    op: str | None = None  # friendly op name: 'mul'
    symbol: str | None = None  # what the learner typed: '*'
    var_name: str | None = None  # the user's name for an op's output tensor
    seq: int | None = None  # creation counter of the autograd node
    order: int | None = None  # step at which backward() runs this node (ops and leaves)
    attrs: dict[str, str] = field(default_factory=dict)  # saved non-tensor values
    saved_freed: bool = False  # backward already freed what this op saved
    of: str | None = None  # for a saved tensor: the node whose tensor it is, when in the graph


@dataclass(frozen=True)
class Edge:
    """A forward edge ``src -> dst``. ``kind``: 'data' (gradient flows back along it),
    'saved' (kept for backward) or 'constant'; ``slot`` is the input position at ``dst``."""

    src: str
    dst: str
    shape: tuple[int, ...] | None = None
    kind: str = "data"
    slot: int | None = None
    output_nr: int = 0


@dataclass(eq=False)
class Graph:
    """Nodes in forward order (inputs before the ops that use them), forward edges, output ids.

    ``fns`` maps op and leaf ids to their autograd nodes (``grad_fn``, ``AccumulateGrad``) for
    tools that hook into backward. It holds them weakly: a picture kept in a notebook's output
    history must not keep the activations of a freed graph alive.
    """

    nodes: dict[str, GraphNode]
    edges: list[Edge]
    outputs: list[str]
    fns: MutableMapping[str, Node] = field(default_factory=weakref.WeakValueDictionary, repr=False)

    def __len__(self) -> int:
        return len(self.nodes)

    def find(self, label: str) -> list[GraphNode]:
        """Nodes whose label (leaf name, grad_fn name, output name) is ``label``."""
        return [n for n in self.nodes.values() if n.label == label]

    def of_kind(self, kind: str) -> list[GraphNode]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def inputs(self, nid: str) -> list[Edge]:
        return [e for e in self.edges if e.dst == nid]

    def consumers(self, nid: str) -> list[Edge]:
        return [e for e in self.edges if e.src == nid]

    def backward_order(self) -> list[str]:
        return backward_order(self)


def build_graph(
    *outputs: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    names: Mapping[Any, Any] | None = None,
    show_saved: bool = False,
    show_constants: bool = False,
    value_limit: int | None = 64,
) -> Graph:
    """The history of ``outputs`` as a :class:`Graph`.

    Leaves are named from ``params`` (``{'w': w}`` or ``model.named_parameters()``), then from
    ``names`` (``{'x': x}``, ``{x: 'x'}`` or ``locals()``: non-tensors are ignored; a named
    non-leaf names its op's output), else ``leaf0``, ``leaf1``... ``value_limit`` caps the number
    of elements copied into ``value``/``grad`` (None: no cap).
    """
    tensors = _flatten(outputs)
    named = _names(params, names)
    return _Builder(named, show_saved, show_constants, value_limit).build(tensors)


def _flatten(outputs: tuple) -> list[Tensor]:
    out: list[Tensor] = []
    for o in outputs:
        if isinstance(o, Tensor):
            out.append(o)
        elif isinstance(o, (list, tuple)):
            out.extend(_flatten(tuple(o)))
        else:
            raise TypeError(f"build_graph expects tensors, got {type(o).__name__}")
    return out


def _names(params: Any, names: Any) -> dict[int, tuple[str, Tensor]]:
    """id(tensor) -> (name, tensor); ``params`` wins over ``names``, first name wins."""
    found: dict[int, tuple[str, Tensor]] = {}
    for source in (params, names):
        if source is None:
            continue
        pairs = source.items() if isinstance(source, Mapping) else source
        for k, v in pairs:
            if isinstance(k, Tensor) and isinstance(v, str):
                k, v = v, k
            if isinstance(k, str) and isinstance(v, Tensor) and not k.startswith("_"):
                found.setdefault(id(v), (k, v))
    return found


class _Builder:
    """One walk: collect autograd nodes, then emit graph nodes in forward (creation) order."""

    def __init__(self, named: dict, show_saved: bool, show_constants: bool, limit: int | None):
        self.named, self.limit = named, limit
        self.show_saved, self.show_constants = show_saved, show_constants
        self.nodes: dict[str, GraphNode] = {}
        self.edges: list[Edge] = []
        self.fns: MutableMapping[str, Node] = weakref.WeakValueDictionary()
        self.ids: dict[Node, str] = {}
        self.counts = dict.fromkeys(KINDS, 0)
        self.known: dict[tuple[Node, int], np.ndarray] = {}  # (node, nr) -> output value
        self.known_grad: dict[tuple[Node, int], np.ndarray] = {}
        self.var_names: dict[tuple[Node, int], str] = {}
        self.out_shape: dict[tuple[Node, int], tuple] = {}
        self.output_of: dict[int, Tensor] = {}
        self.plain: dict[int, str] = {}  # id(leaf without an AccumulateGrad node) -> node id

    def new_id(self, kind: str) -> str:
        prefix = {"output": "out", "constant": "const"}.get(kind, kind)
        nid = f"{prefix}{self.counts[kind]}"
        self.counts[kind] += 1
        return nid

    def copy(self, a: np.ndarray | None) -> np.ndarray | None:
        if a is None or (self.limit is not None and a.size > self.limit):
            return None
        return np.array(a, copy=True)

    # ----- walk ---------------------------------------------------------------------------
    def build(self, tensors: list[Tensor]) -> Graph:
        roots = [ai.root_of(t) for t in tensors]
        self.in_edges = _reachable([fn for fn, _ in roots if fn is not None])
        fns = list(self.in_edges)
        self.saved = {fn: ai.saved(fn) for fn in fns}
        self.learn_values(fns, tensors)
        ops = sorted((f for f in fns if not ai.is_accumulate(f)), key=ai.seq)
        for fn in ops:
            self.ids[fn] = self.new_id("op")
        for fn in ops:
            self.add_inputs(fn)
            self.add_op(fn)
        for k, (t, (fn, nr)) in enumerate(zip(tensors, roots, strict=True)):
            self.add_output(k, t, fn, nr, len(tensors))
        graph = Graph(self.nodes, self.edges, [n.id for n in self.nodes.values()
                                               if n.kind == "output"], self.fns)  # fmt: skip
        for i, nid in enumerate(backward_order(graph)):
            graph.nodes[nid].order = i
        return graph

    def learn_values(self, fns: list[Node], tensors: list[Tensor]) -> None:
        """What each op produced, from the outputs, named tensors, saved and retained tensors."""
        for t in tensors + [t for _, t in self.named.values()]:
            fn = t.grad_fn
            if fn is not None:
                self.remember(fn, t._output_nr, t)
        for fn in fns:
            for nr, t in ai.retained(fn).items():
                self.remember(fn, nr, t)
            for s in self.saved[fn] or ():
                if s.producer is not None and s.data is not None and not s.stale:
                    self.known.setdefault(s.producer, s.data)
            for e in self.in_edges[fn]:
                if e.shape is not None:
                    self.out_shape.setdefault((e.fn, e.nr), (tuple(e.shape), e.dtype))
            for nr, meta in enumerate(ai.out_meta(fn)):
                if meta is not None:
                    self.out_shape.setdefault((fn, nr), (tuple(meta[0]), meta[1]))
        for name, t in self.named.values():
            if t.grad_fn is not None:
                self.var_names.setdefault((t.grad_fn, t._output_nr), name)

    def remember(self, fn: Node, nr: int, t: Tensor) -> None:
        self.known.setdefault((fn, nr), ai.data(t))
        g = ai.grad(t)
        if g is not None:
            self.known_grad.setdefault((fn, nr), g)

    # ----- nodes --------------------------------------------------------------------------
    def add_leaf(self, var: Tensor, fn: Node | None) -> str:
        nid = self.new_id("leaf")
        name = self.named.get(id(var), (None,))[0] or f"leaf{nid[4:]}"
        d = ai.data(var)
        self.nodes[nid] = GraphNode(
            nid, "leaf", name, tuple(d.shape), d.dtype.name, self.copy(d), self.copy(ai.grad(var)),
            requires_grad=var.requires_grad, is_leaf=True,
            name="AccumulateGrad" if fn is not None else None,
            seq=ai.seq(fn) if fn is not None else None,
        )  # fmt: skip
        if fn is not None:
            self.ids[fn] = nid
            self.fns[nid] = fn
        else:
            self.plain[id(var)] = nid
        return nid

    def add_inputs(self, fn: Node) -> None:
        op_id = self.ids[fn]
        for e in self.in_edges[fn]:
            src = self.ids.get(e.fn) or self.add_leaf(e.fn.variable, e.fn)
            self.edges.append(Edge(src, op_id, _shape(e.shape), "data", e.slot, e.nr))
        if self.show_constants:
            self.add_constants(fn, op_id)
        if self.show_saved:
            self.add_saved(fn, op_id)

    def add_op(self, fn: Node) -> None:
        nid = self.ids[fn]
        name = fn.name()
        op, symbol = op_names(name)
        shape, dtype = self.out_shape.get((fn, 0), (None, None))
        value = self.known.get((fn, 0))
        if value is not None:
            shape, dtype = tuple(value.shape), value.dtype
        saved = self.saved[fn]
        attrs = {f"saved[{s.index}]": "[saved tensor]" if s.data is not None else _attr(s.value)
                 for s in saved or () if s.data is not None or s.value is not None}  # fmt: skip
        self.nodes[nid] = GraphNode(
            nid, "op", name, shape, _dtype_name(dtype),
            self.copy(value), self.copy(self.known_grad.get((fn, 0))), requires_grad=True,
            name=name, op=op, symbol=symbol, var_name=self.var_names.get((fn, 0)),
            seq=ai.seq(fn), attrs=attrs, saved_freed=saved is None,
        )  # fmt: skip
        self.fns[nid] = fn

    def add_constants(self, fn: Node, op_id: str) -> None:
        """Inputs that need no gradient: a tensor becomes a grey leaf (one node however often
        it is used), a number a constant box. What they were is only known when the op saved
        its inputs one per slot, as Mul and Mm do; otherwise the box says ``const``."""
        saved = self.saved[fn] or []
        one_per_slot = len(saved) == len(ai.input_slots(fn))
        for slot in ai.constant_slots(fn):
            s = saved[slot] if one_per_slot and slot < len(saved) else None
            if s is not None and s.leaf is not None:
                src = self.plain.get(id(s.leaf)) or self.add_leaf(s.leaf, None)
                self.edges.append(Edge(src, op_id, tuple(s.data.shape), "constant", slot))
                continue
            label, value, shape = "const", None, None
            if s is not None and s.data is not None and s.producer is None:
                value, shape = s.data, tuple(s.data.shape)
                label = "const" if s.data.ndim else fmt_scalar(s.data.item())
            elif s is not None and isinstance(s.value, (int, float, bool)):
                value, label = np.asarray(s.value), fmt_scalar(s.value)
            nid = self.new_id("constant")
            self.nodes[nid] = GraphNode(nid, "constant", label, shape, None, self.copy(value))
            self.edges.append(Edge(nid, op_id, shape, "constant", slot))

    def add_saved(self, fn: Node, op_id: str) -> None:
        for s in self.saved[fn] or ():
            if s.data is None:
                continue
            of = self.ids.get(s.producer[0]) if s.producer is not None else None
            if s.leaf is not None:
                acc = ai.root_of(s.leaf)[0]
                of = self.ids.get(acc) if acc is not None else self.plain.get(id(s.leaf))
            label = f"saved[{s.index}]"
            if s.is_output:
                label = "saved result"
            elif of in self.nodes and self.nodes[of].kind == "leaf":
                label = f"saved {self.nodes[of].label}"
            nid = self.new_id("saved")
            shape = tuple(s.data.shape)
            self.nodes[nid] = GraphNode(
                nid, "saved", label, shape, s.data.dtype.name, self.copy(s.data), of=of,
                attrs={"stale": "modified in place"} if s.stale else {},
            )  # fmt: skip
            self.edges.append(Edge(nid, op_id, shape, "saved", s.index))

    def add_output(self, k: int, t: Tensor, fn: Node | None, nr: int, n_out: int) -> None:
        if id(t) in self.output_of:
            return  # the same tensor passed twice
        self.output_of[id(t)] = t
        src = None
        if fn is not None:
            src = self.ids.get(fn) or self.add_leaf(t, fn)
        elif t.requires_grad or id(t) in self.plain:
            src = self.plain.get(id(t)) or self.add_leaf(t, None)
        nid = self.new_id("output")
        name = self.named.get(id(t), (None,))[0] or ("output" if n_out == 1 else f"output{k}")
        d = ai.data(t)
        self.nodes[nid] = GraphNode(
            nid, "output", name, tuple(d.shape), d.dtype.name, self.copy(d), self.copy(ai.grad(t)),
            requires_grad=t.requires_grad, is_leaf=fn is None or ai.is_accumulate(fn),
        )  # fmt: skip
        if src is not None:
            self.edges.append(Edge(src, nid, tuple(d.shape), "data", None, nr))


def _reachable(roots: list[Node]) -> dict[Node, list[ai.InEdge]]:
    """Every node the engine would visit from ``roots`` with its input edges, found with an
    explicit stack (no recursion limit)."""
    found: dict[Node, list[ai.InEdge]] = {}
    stack = list(dict.fromkeys(roots))
    while stack:
        fn = stack.pop()
        if fn in found:
            continue
        found[fn] = edges = ai.in_edges(fn)
        stack.extend(e.fn for e in edges if e.fn not in found)
    return found


def _shape(shape: Any) -> tuple[int, ...] | None:
    return tuple(shape) if shape is not None else None


def _dtype_name(dtype: Any) -> str | None:
    return getattr(dtype, "name", None) if dtype is not None else None


def _attr(v: Any) -> str:
    if isinstance(v, (int, float, bool, np.generic)):
        return fmt_scalar(v)
    return str(v)
