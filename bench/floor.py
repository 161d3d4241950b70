"""The floor under the per-op workloads: how fast can a pure-Python autograd over numpy be?

    python bench/floor.py [--repeat N]

Times the ``small`` and ``chain`` workloads (``bench/README.md``) in this process, one thread,
best CPU time of N runs, four ways:

- **numpy calls**: only the numpy calls a graph-recording engine makes for them (one ufunc per
  forward op; per backward step the gradient ufuncs, the relu mask and the sums into shared
  inputs), in a bare loop: no Python objects besides the arrays.
- **bare autograd**: the smallest Python engine that records a graph: one slotted object per
  tensor and per node, the backward as a method per op, a dependency count and a heap ordered
  like PyTorch's, gradients summed per input. No version counters, hooks, dtype or shape
  checks, grad modes, Function API, views or error messages.
- **minigrad** and, when installed, **PyTorch** (one thread), with the workloads' own code.

Ratios are to PyTorch measured in the same process. Timing only: results are not compared here
(``run.py`` does that).
"""

from __future__ import annotations

import argparse
import gc
import heapq
import importlib.util
import itertools
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import workloads as W  # noqa: E402  (bench/ is not a package)

SMALL_N = W.SIZES["full"]["small"]
CHAIN_N = W.SIZES["full"]["chain"]
F32 = np.float32


def numpy_calls_small() -> None:
    a, b, y = (np.array(v, F32) for v in (W.SMALL_A, W.SMALL_B, W.SMALL_X0))
    ys, zero = [y], F32(0)
    for _ in range(SMALL_N):
        y = np.maximum(np.add(np.multiply(y, b), a), zero)
        ys.append(y)
    g, ga, gb = np.ones_like(y), np.zeros_like(a), np.zeros_like(b)
    for i in range(SMALL_N, 0, -1):
        g = np.where(ys[i] > 0, g, zero)  # relu
        ga = ga + g  # add: the same gradient to both inputs, summed into a
        gb = gb + g * ys[i - 1]  # mul: one product per input
        g = g * b


def numpy_calls_chain() -> None:
    y = np.array([1.0], F32)
    for _ in range(CHAIN_N):
        y = np.add(np.multiply(y, W.CHAIN_MUL), W.CHAIN_ADD)
    g = np.ones_like(y)
    for _ in range(CHAIN_N):
        g = g * W.CHAIN_MUL


# ----- the bare autograd --------------------------------------------------------------------
_seq = itertools.count()


class Var:
    __slots__ = ("data", "node", "grad")

    def __init__(self, data: np.ndarray, node: Node | None = None) -> None:
        self.data, self.node, self.grad = data, node, None


class Node:
    __slots__ = ("seq", "inputs", "saved")

    def __init__(self, inputs: tuple, saved: tuple = ()) -> None:
        self.seq, self.inputs, self.saved = next(_seq), inputs, saved


class Leaf(Node):
    __slots__ = ("var",)


class MulNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        a, b = self.saved
        return g * b, g * a


class AddNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        return g, g


class ReluNode(Node):
    __slots__ = ()

    def backward(self, g: np.ndarray) -> tuple:
        return (np.where(self.saved[0] > 0, g, F32(0)),)


def leaf(values: tuple) -> Var:
    v = Var(np.array(values, F32))
    v.node = Leaf(())
    v.node.var = v
    return v


def _edge(x: Var | float) -> Node | None:
    return x.node if isinstance(x, Var) else None


def _data(x: Var | float) -> np.ndarray | float:
    return x.data if isinstance(x, Var) else x


def mul(x: Var, y: Var | float) -> Var:
    a, b = _data(x), _data(y)
    return Var(a * b, MulNode((_edge(x), _edge(y)), (a, b)))


def add(x: Var, y: Var | float) -> Var:
    return Var(_data(x) + _data(y), AddNode((_edge(x), _edge(y))))


def relu(x: Var) -> Var:
    out = np.maximum(x.data, F32(0))
    return Var(out, ReluNode((x.node,), (out,)))


def backward(y: Var) -> None:
    deps: dict[Node, int] = {}
    stack = [y.node]
    while stack:
        for nxt in stack.pop().inputs:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    stack.append(nxt)
    grads = {y.node: np.ones_like(y.data)}
    ready = [(-y.node.seq, y.node)]
    while ready:
        node = heapq.heappop(ready)[1]
        g = grads.pop(node)
        if type(node) is Leaf:
            node.var.grad = g if node.var.grad is None else node.var.grad + g
            continue
        for nxt, gi in zip(node.inputs, node.backward(g)):
            if nxt is None:
                continue
            old = grads.get(nxt)
            grads[nxt] = gi if old is None else old + gi
            deps[nxt] -= 1
            if deps[nxt] == 0:
                heapq.heappush(ready, (-nxt.seq, nxt))


def bare_small() -> None:
    a, b, y = leaf(W.SMALL_A), leaf(W.SMALL_B), leaf(W.SMALL_X0)
    for _ in range(SMALL_N):
        y = relu(add(mul(y, b), a))
    backward(y)


def bare_chain() -> None:
    y = leaf((1.0,))
    for _ in range(CHAIN_N):
        y = add(mul(y, W.CHAIN_MUL), W.CHAIN_ADD)
    backward(y)


# ----------------------------------------------------------------------------------------------
def best(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    sizes = {"small": SMALL_N, "chain": CHAIN_N}
    times: dict[tuple[str, str], float] = {}
    for wl, fn in (("small", numpy_calls_small), ("chain", numpy_calls_chain)):
        times[wl, "numpy calls"] = best(fn, args.repeat)
    for wl, fn in (("small", bare_small), ("chain", bare_chain)):
        times[wl, "bare autograd"] = best(fn, args.repeat)
    # torch last: the objects its import creates slow every later full GC pass of this process
    engines = [("minigrad", W.import_minigrad)]
    if importlib.util.find_spec("torch"):
        engines.append(("torch", _torch))
    for name, load in engines:
        T = load()
        for wl, n in sizes.items():
            times[wl, name] = best(getattr(W, f"tensor_{wl}")(T, {}, n), args.repeat)
    for wl in sizes:
        ref = times.get((wl, "torch"))
        for (w, name), t in times.items():
            if w == wl:
                ratio = f"  {t / ref:.2f}x torch" if ref else ""
                print(f"{wl:<6} {name:<14} {t * 1e3:8.1f} ms{ratio}")


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


if __name__ == "__main__":
    main()
