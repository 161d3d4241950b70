"""One real backward pass, watched through node hooks.

The explorers never recompute gradients themselves: they show what minigrad's engine did, in
the order it did it. A pre-hook on every node records when it runs and the gradient it received
(all contributions summed); a post-hook records what it sent to each input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import minigrad as torch
from minigrad import Tensor
from minigrad.viz import Graph


@dataclass(frozen=True)
class Sent:
    """A gradient ``sender`` passed to input ``slot``, which is node ``receiver``."""

    sender: str
    slot: int
    receiver: str
    value: np.ndarray  # summed to the receiver's shape, as the engine adds it
    step: int  # index of the sender in the engine order


@dataclass
class Trace:
    order: list[str]  # node ids in the order backward ran them
    upstream: dict[str, np.ndarray]  # the gradient each node received
    sent: list[Sent]
    seed: np.ndarray


def trace_backward(graph: Graph, output: Tensor, *, accumulate: bool) -> Trace:
    """Run backward from ``output`` (seed: ones) with hooks on every node of ``graph``.

    ``accumulate=True`` calls ``backward()`` (leaves get ``.grad``, the graph is freed);
    otherwise ``autograd.grad(..., retain_graph=True)``: no ``.grad`` changes, graph kept.
    """
    trace = Trace([], {}, [], np.ones(output.shape, output.detach().numpy().dtype))
    receivers = {(e.dst, e.slot): e.src for e in graph.edges if e.kind == "data"}
    handles = []
    for nid, fn in list(graph.fns.items()):

        def pre(grads: tuple, nid: str = nid) -> None:
            trace.order.append(nid)
            if grads and grads[0] is not None:
                trace.upstream[nid] = grads[0].detach().numpy().copy()

        def post(grad_inputs: tuple, grad_outputs: tuple, nid: str = nid) -> None:
            step = len(trace.order) - 1
            for slot, g in enumerate(grad_inputs):
                src = receivers.get((nid, slot))
                if src is not None and g is not None:
                    value = _sum_to(g.detach().numpy(), graph.nodes[src].shape)
                    trace.sent.append(Sent(nid, slot, src, value, step))

        handles.append(fn.register_prehook(pre))
        if graph.nodes[nid].kind == "op":
            handles.append(fn.register_hook(post))
    seed = torch.ones_like(output)
    try:
        if accumulate:
            torch.autograd.backward([output], [seed])
        else:
            leaves = [fn.variable for nid, fn in graph.fns.items()
                      if graph.nodes[nid].kind == "leaf"]  # fmt: skip
            torch.autograd.grad([output], leaves, [seed], retain_graph=True, allow_unused=True)
    finally:
        for h in handles:
            h.remove()
    return trace


def _sum_to(a: np.ndarray, shape: tuple[int, ...] | None) -> np.ndarray:
    """Undo broadcasting, as the engine does before adding a gradient to its input's."""
    a = np.array(a, copy=True)
    if shape is None or a.shape == shape:
        return a
    a = a.sum(axis=tuple(range(a.ndim - len(shape))))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and a.shape[i] != 1)
    return (a.sum(axis=axes, keepdims=True) if axes else a).reshape(shape)
