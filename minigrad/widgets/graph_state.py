"""The graph explorer's model: a graph, the forward and backward orders, a position in them.

Plain Python, no widget library: a view reads :meth:`ExplorerState.svg` and
:meth:`ExplorerState.info` for the current ``step`` and ``selected`` node. Step 0 shows only the
inputs; steps ``1..n_forward`` compute one op each (creation order); the next ``n_backward``
steps run one node each in the order minigrad's engine runs them. Every gradient shown is one
the engine computed (see ``_trace``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from minigrad import Tensor
from minigrad.autograd.function import Node
from minigrad.viz import Graph, build_graph, layout, to_svg
from minigrad.viz.svg import LIGHT

from . import _derivatives as der
from ._svgmarks import mark_edges, mark_node
from ._trace import Sent, trace_backward


@dataclass(frozen=True)
class Local:
    """What an op's backward did for one input: the local derivative and what it sent."""

    slot: int
    source: str  # node id of the input
    symbol: str
    formula: str | None  # '∂(x*y)/∂x = y = -4'
    local: np.ndarray | None
    sent: np.ndarray | None  # the engine's gradient for that input: upstream × local


@dataclass
class NodeInfo:
    """Everything the details panel says about one node at one step (None: not known yet)."""

    id: str
    kind: str
    title: str
    symbol: str
    op: str | None
    grad_fn: str | None
    shape: tuple[int, ...] | None
    dtype: str | None
    requires_grad: bool
    is_leaf: bool
    version: int | None
    value: np.ndarray | None
    grad: np.ndarray | None
    forward: str | None = None
    run_step: int | None = None  # the step at which backward runs this node
    ran: bool = False
    upstream: np.ndarray | None = None
    locals: list[Local] = field(default_factory=list)
    received: list[Sent] = field(default_factory=list)
    expected: int = 0  # how many gradients it receives in all


COMMUTATIVE = ("MulBackward0", "AddBackward0")  # ops whose operands may be shown swapped


class ExplorerState:
    """Step through the forward and backward pass of ``output``'s graph.

    ``names`` label tensors (``{'x': x}``); ``constants`` maps an autograd node to the plain
    number its op used (``2`` in ``2 * x``), for the formulas; ``number_first`` the nodes whose
    number was written on the left of a ``*`` or ``+`` (shown there). ``accumulate=True`` runs the
    real ``backward()`` (leaves get ``.grad``); False uses ``autograd.grad`` and keeps the graph.
    ``tensors``: more tensors of the graph, to show their ``_version``.
    """

    def __init__(
        self,
        output: Tensor,
        names: Mapping[str, Any] | None = None,
        *,
        constants: Mapping[Node, float] | None = None,
        number_first: Collection[Node] = (),
        accumulate: bool = False,
        direction: str = "TB",
        tensors: Sequence[Tensor] = (),
    ) -> None:
        if not isinstance(output, Tensor):
            raise TypeError(f"expected a tensor, got {type(output).__name__}")
        if output.grad_fn is None:
            raise ValueError("nothing to explore: the result must be computed from tensors "
                             "with requires_grad=True")  # fmt: skip
        self.output = output
        self.graph = build_graph(output, names=names)
        fns = dict(self.graph.fns)
        self.fn_ids = {fn: nid for nid, fn in fns.items()}
        self.tensors = self._tensors(fns, [*(names or {}).values(), *tensors])
        self._name_ops()
        nodes = self.graph.nodes
        self.forward_order = sorted((n.id for n in self.graph.of_kind("op")),
                                    key=lambda nid: nodes[nid].seq)  # fmt: skip
        self.backward_order = self.graph.backward_order()
        seen = {} if constants is not None else self._constants_in_graph(output, names)
        trace = trace_backward(self.graph, output, accumulate=accumulate)
        self.engine_order, self.sent = trace.order, trace.sent
        self.grads = dict(trace.upstream)
        self.grads.update({o: trace.seed for o in self.graph.outputs})
        consts = constants or {}
        self.constants = {nid: consts[fn] for fn, nid in self.fn_ids.items() if fn in consts}
        self.operands = {nid: {**seen.get(nid, {}), **self._operands(nid)}
                         for nid in self.forward_order}  # fmt: skip
        # 2 * x is recorded as mul(x, 2): show the operands in the order they were written
        self.swapped = {
            nid
            for fn, nid in self.fn_ids.items()
            if fn in number_first
            and nodes[nid].name in COMMUTATIVE
            and len(self.operands[nid]) == 2
        }
        for nid in self.swapped:
            ops = self.operands[nid]
            self.operands[nid] = {0: ops[1], 1: ops[0]}
        full = self._graph_with(set(nodes), set(nodes))
        self.layout = layout(full, direction)
        self.step = 0
        self.selected: str | None = None

    # ----- building ---------------------------------------------------------------------
    def _tensors(self, fns: dict[str, Node], known: list[Any]) -> dict[str, Tensor]:
        out = {nid: fn.variable for nid, fn in fns.items() if self.graph.nodes[nid].kind == "leaf"}
        for t in known:
            if isinstance(t, Tensor) and t.grad_fn in self.fn_ids:
                out.setdefault(self.fn_ids[t.grad_fn], t)
        return out

    def _name_ops(self) -> None:
        """Every op gets a symbol for the formulas: its name, else ``t1``, ``t2``..."""
        used = {n.var_name or n.label for n in self.graph.nodes.values()}
        ops = sorted(self.graph.of_kind("op"), key=lambda n: n.seq)
        for k, node in enumerate(ops, 1):
            if not node.var_name:
                name = f"t{k}"
                while name in used:
                    name += "'"
                node.var_name = name
                used.add(name)

    def _operands(self, nid: str) -> dict[int, der.Operand]:
        ops = {}
        for e in self.graph.inputs(nid):
            if e.kind == "data" and e.slot is not None:
                src = self.graph.nodes[e.src]
                ops[e.slot] = der.Operand(self.symbol(e.src), src.value)
        if nid in self.constants:
            c = self.constants[nid]
            free = next(i for i in range(len(ops) + 1) if i not in ops)
            ops[free] = der.Operand(der.fmt_scalar(c), np.asarray(c), constant=True)
        return ops

    def _constants_in_graph(
        self, output: Tensor, names: Mapping[str, Any] | None
    ) -> dict[str, dict[int, der.Operand]]:
        """Plain numbers and no-grad tensors the ops used, as far as the graph knows them
        (``2`` in ``2 * x``; not an exponent): for a tensor built outside the explorer."""
        g = build_graph(output, names=names, show_constants=True)
        out: dict[str, dict[int, der.Operand]] = {}
        for n in g.of_kind("op"):  # x ** 3 keeps its exponent as a saved number
            exponent = n.attrs.get("saved[1]", "") if n.name == "PowBackward0" else ""
            if re.fullmatch(r"-?\d+(\.\d*)?(e[-+]?\d+)?", exponent):
                out[n.id] = {1: der.Operand(exponent, np.asarray(float(exponent)), True)}
        for e in g.edges:
            src = g.nodes[e.src]
            if e.kind == "constant" and e.slot is not None and src.value is not None:
                op = der.Operand(src.label, np.asarray(src.value), constant=True)
                out.setdefault(e.dst, {})[e.slot] = op
        return out

    def symbol(self, nid: str) -> str:
        """What formulas call a node: a leaf's or output's name, an op's variable name."""
        node = self.graph.nodes[nid]
        return node.var_name or node.label

    # ----- the timeline -----------------------------------------------------------------
    @property
    def n_forward(self) -> int:
        return len(self.forward_order)

    @property
    def n_backward(self) -> int:
        return len(self.backward_order)

    @property
    def n_steps(self) -> int:
        """The last step (steps run from 0 to ``n_steps``)."""
        return self.n_forward + self.n_backward

    def go(self, step: int) -> int:
        """Move to ``step`` (clamped to ``0..n_steps``) and return it."""
        self.step = max(0, min(int(step), self.n_steps))
        return self.step

    def select(self, nid: str | None) -> str | None:
        """Select a node to inspect (None or '' clears; unknown ids are ignored)."""
        self.selected = nid if nid in self.graph.nodes else None
        return self.selected

    def phase(self, step: int | None = None) -> str:
        step = self.step if step is None else step
        return "forward" if step <= self.n_forward else "backward"

    def current(self, step: int | None = None) -> str | None:
        """The node computed (forward) or run (backward) at ``step``; None at step 0."""
        step = self.step if step is None else step
        if 1 <= step <= self.n_forward:
            return self.forward_order[step - 1]
        if step > self.n_forward:
            return self.backward_order[step - self.n_forward - 1]
        return None

    def values_at(self, step: int | None = None) -> set[str]:
        """Ids of the nodes whose value is known at ``step``."""
        step = self.step if step is None else step
        shown = set(self.forward_order[: min(step, self.n_forward)])
        shown |= {n.id for n in self.graph.nodes.values() if n.kind in ("leaf", "constant")}
        for e in self.graph.edges:
            if self.graph.nodes[e.dst].kind == "output" and e.src in shown:
                shown.add(e.dst)
        return shown

    def grads_at(self, step: int | None = None) -> set[str]:
        """Ids of the nodes whose gradient is complete at ``step`` (they have run)."""
        step = self.step if step is None else step
        if step <= self.n_forward:
            return set()
        return set(self.backward_order[: step - self.n_forward]) | set(self.graph.outputs)

    def run_step(self, nid: str) -> int | None:
        """The step at which backward runs ``nid`` (None: it never runs)."""
        if nid not in self.backward_order:
            return None
        return self.n_forward + self.backward_order.index(nid) + 1

    def received(self, nid: str, step: int | None = None) -> list[Sent]:
        """Gradients ``nid`` has received from the nodes that ran up to ``step``."""
        step = self.step if step is None else step
        done = step - self.n_forward
        return [s for s in self.sent if s.receiver == nid and s.step < done]

    def flowing(self, step: int | None = None) -> set[tuple[str, str]]:
        """Edges along which something moves at ``step``: into the op being computed, or
        (backward) from the inputs of the node that runs."""
        cur = self.current(step)
        return {(e.src, e.dst) for e in self.graph.edges if e.dst == cur and e.kind == "data"}

    # ----- what a view shows ------------------------------------------------------------
    def locals(self, nid: str) -> list[Local]:
        """Local derivative and sent gradient of an op for each input that takes a gradient."""
        node = self.graph.nodes[nid]
        if node.kind != "op":
            return []
        ops = self.operands[nid]
        sent = {s.slot: s.value for s in self.sent if s.sender == nid}
        out = []
        for e in self.graph.inputs(nid):
            if e.kind != "data" or e.slot is None:
                continue
            shown_slot = 1 - e.slot if nid in self.swapped else e.slot
            text, value = der.local(node.name or "", shown_slot, ops, node.value)
            up, got = self.grads.get(nid), sent.get(e.slot)
            if (
                value is None
                and up is not None
                and got is not None
                and np.shape(up) == np.shape(got)
                and np.all(up != 0)
            ):
                value = got / up  # no rule or unknown operands: what the engine did, per unit
                head = text or f"∂{der.wrap(self.symbol(nid))}/∂{der.wrap(self.symbol(e.src))}"
                shown = f" = {der.fmt_array(value)}"
                text = head if head.endswith(shown) else head + shown
            out.append(Local(e.slot, e.src, self.symbol(e.src), text, value, got))
        return out

    def info(self, nid: str, step: int | None = None) -> NodeInfo:
        """The details panel's facts about ``nid`` at ``step``."""
        step = self.step if step is None else step
        n = self.graph.nodes[nid]
        t = self.tensors.get(nid)
        value = n.value if nid in self.values_at(step) else None
        grad = self.grads.get(nid) if nid in self.grads_at(step) else None
        run = self.run_step(nid)
        info = NodeInfo(
            nid, n.kind, f"{n.var_name}: {n.label}" if n.var_name else n.label, self.symbol(nid),
            n.symbol, n.name if n.kind == "op" else None, n.shape, n.dtype, n.requires_grad,
            n.is_leaf, int(t._version) if t is not None else None, value, grad, run_step=run,
            ran=run is not None and step >= run, received=self.received(nid, step),
            expected=sum(s.receiver == nid for s in self.sent),
        )  # fmt: skip
        if n.kind == "op":
            if value is not None:
                info.forward = der.forward_text(n.name or "", self.operands[nid], n.value)
            info.locals = self.locals(nid)
            if info.ran:
                info.upstream = self.grads.get(nid)
        return info

    def _graph_with(self, values: set[str], grads: set[str]) -> Graph:
        nodes = {nid: replace(n, value=n.value if nid in values else None,
                              grad=self.grads.get(nid) if nid in grads else None)
                 for nid, n in self.graph.nodes.items()}  # fmt: skip
        return Graph(nodes, self.graph.edges, self.graph.outputs)

    def svg(
        self, step: int | None = None, selected: str | None = None, theme: str = "light"
    ) -> str:
        """The picture at ``step``: known values and gradients, the current node outlined in
        red, the edges it uses thick, the selected node ringed."""
        step = self.step if step is None else step
        selected = self.selected if selected is None else selected
        g = self._graph_with(self.values_at(step), self.grads_at(step))
        svg = to_svg(g, self.layout, highlight=self.current(step), theme=theme)
        backward = self.phase(step) == "backward"
        colour = LIGHT["grad"] if backward else LIGHT["value"]
        svg = mark_edges(svg, self.flowing(step), colour, "flow-back" if backward else "flow")
        if selected:
            svg = mark_node(svg, selected)
        return svg
