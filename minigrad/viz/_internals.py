"""The one place where viz reads autograd internals (``_next``, ``_saved``, ``_seq``).

``node.saved_tensors`` raises once saved values are freed or modified in place, and
``next_functions`` hides edges the engine still follows, so a picture of the graph has to peek.
Keeping every peek here means a public core hook can replace this file alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import AccumulateGrad, Node, _SavedInput, _SavedOutput


@dataclass(frozen=True)
class InEdge:
    """An edge the engine follows: gradient for input ``slot`` goes to output ``nr`` of ``fn``."""

    slot: int
    fn: Node
    nr: int
    shape: tuple[int, ...] | None
    dtype: Any


@dataclass(frozen=True)
class Saved:
    """One value a node saved for backward, read without unpacking it."""

    index: int
    data: np.ndarray | None  # the array, for saved tensors and saved arrays
    value: Any  # a non-tensor saved value (an exponent, a dim), else None
    producer: tuple[Node, int] | None  # (node, output_nr) whose output this tensor is
    leaf: Tensor | None  # the leaf tensor, when a leaf was saved
    is_output: bool  # the node's own output ("result" in PyTorch)
    stale: bool  # modified in place since it was saved


def seq(fn: Node) -> int:
    """Creation counter: the engine runs ready nodes newest (largest) first."""
    return fn._seq


def in_edges(fn: Node) -> list[InEdge]:
    edges = []
    for slot, e in enumerate(fn._next):
        if e is not None:
            edges.append(InEdge(slot, e[0], e[1], e[2], e[3]))
    return edges


def input_slots(fn: Node) -> list[int]:
    """Positions of the forward arguments listed in ``next_functions``."""
    if isinstance(fn, AccumulateGrad):
        return []
    n = len(fn._next)
    # the Function's own ``inputs``, inherited by subclasses such as T(Transpose), whose node
    # class misses it (``_FunctionMeta`` reads only the class body)
    inputs = getattr(getattr(fn, "_function", None), "inputs", None)
    if inputs is not None:
        return list(range(min(inputs, n)))
    if "_arg_is_tensor" in fn.__dict__:
        return [i for i, is_t in enumerate(fn._arg_is_tensor) if is_t]
    return list(range(n))


def constant_slots(fn: Node) -> list[int]:
    """Input positions that carry no gradient (``(None, 0)`` in ``next_functions``)."""
    return [i for i in input_slots(fn) if fn._next[i] is None]


def saved(fn: Node) -> list[Saved] | None:
    """What ``fn`` saved, or None when backward already freed it."""
    items = fn._saved
    if items is None:
        return None
    out = []
    for i, s in enumerate(items or ()):
        if isinstance(s, _SavedInput):
            t = s.tensor
            producer = (t._grad_fn, t._output_nr) if t._grad_fn is not None else None
            leaf = t if t._grad_fn is None else None
            stale = t._version.value != s.expected
            out.append(Saved(i, t._data, None, producer, leaf, False, stale))
        elif isinstance(s, _SavedOutput):
            stale = s.version.value != s.expected
            out.append(Saved(i, s.data, None, (fn, s.output_nr), None, True, stale))
        elif isinstance(s, Tensor):
            out.append(Saved(i, s._data, None, None, None, False, False))
        else:
            out.append(Saved(i, None, s, None, None, False, False))
    return out


def retained(fn: Node) -> dict[int, Tensor]:
    """Tensors made by ``fn`` that asked for ``retain_grad()`` and are still alive."""
    refs = fn._retained or {}
    return {nr: t for nr, ref in refs.items() if (t := ref()) is not None}


def out_meta(fn: Node) -> list[tuple[tuple[int, ...], Any] | None]:
    """Shapes and dtypes of a multi-output node's outputs (empty for single-output nodes)."""
    return list(fn.__dict__.get("_out_meta", ()))


def root_of(t: Tensor) -> tuple[Node | None, int]:
    """``(grad_fn or the leaf's existing AccumulateGrad, output_nr)`` without creating nodes."""
    fn = t.grad_fn
    if fn is not None:
        return fn, t._output_nr
    acc = t._acc() if t._acc is not None else None
    return acc, 0


def data(t: Tensor) -> np.ndarray:
    return t._data


def grad(t: Tensor) -> np.ndarray | None:
    """``t.grad`` as an array, without the non-leaf warning of the public property."""
    return t._grad._data if t._grad is not None else None


def is_accumulate(fn: Node) -> bool:
    return isinstance(fn, AccumulateGrad)
