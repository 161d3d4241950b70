"""Given code that the exercise notebooks import (not graded): what a student needs from
minigrad's internals, behind one small function each.

``run_node`` runs one node of a recorded graph, as minigrad's own engine does for each node, so
that assignment 2's engine is about the order and the bookkeeping, not about how minigrad stores
its edges (which may change: this is the one place that reads them).
"""

from __future__ import annotations

from typing import Any


def _edges(node: Any) -> list[tuple[Any, tuple[int, ...]] | None]:
    """(input node, input shape) per forward argument, None where no gradient flows."""
    out: list[tuple[Any, tuple[int, ...]] | None] = []
    meta = getattr(node, "_meta", None)  # older layout: shapes kept beside the edges
    for k, e in enumerate(node._next):
        if e is None:
            out.append(None)
        elif len(e) >= 3:  # (node, output_nr, shape, dtype)
            out.append((e[0], tuple(e[2])))
        else:
            out.append((e[0], tuple(meta[k][0])))
    return out


def _sum_to(grad: Any, shape: tuple[int, ...]) -> Any:
    lead = grad.dim() - len(shape)
    if lead > 0:
        grad = grad.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad


def run_node(node: Any, grad_output: Any) -> list[tuple[Any, Any]]:
    """Run one node's backward (minigrad's formula for that op) on the gradient of its output.

    Returns a list of ``(input_node, gradient)`` pairs: one per input that needs a gradient
    (the nodes of ``node.next_functions``, without the ``None`` ones), each gradient with that
    input's shape. A leaf's node (``AccumulateGrad``) has no backward to run.
    """
    import minigrad

    if hasattr(node, "variable"):
        raise TypeError(
            "a leaf's node (AccumulateGrad) has no backward to run: add the gradient to "
            "node.variable.grad"
        )
    with minigrad.no_grad():
        grads = node.apply([grad_output])
        pairs = []
        for edge, g in zip(_edges(node), grads):
            if edge is not None and g is not None:
                target, shape = edge
                pairs.append((target, g if tuple(g.shape) == shape else _sum_to(g, shape)))
    return pairs
