"""Hypothesis strategies for gradient tests: shapes, kink-free float64 values, memory layouts.

Everything here is library-agnostic numpy; `gradcheck_factory.py` turns the arrays into minigrad
(or PyTorch) tensors.

* Shapes are small (sides 1-4, up to 3 dims by default, 0-dim included) so that a central finite
  difference per element stays cheap.
* Values are bounded and never all equal (a uniform array hides transposition and broadcasting
  mistakes), and a `Domain` keeps them away from the points where an op has a kink or a pole
  (minitorch's trick): |x| > 1e-3 for abs/relu, bases > 0.1 for log/sqrt/pow, clamp bounds,
  denominators, and pairwise-distinct values for max/min so the winner is unique.
* `Layout` builds non-contiguous inputs: a leaf whose numpy storage is strided or transposed, or
  a contiguous leaf seen through a minigrad view op (`leaf[::2]`, `leaf.permute(...)`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Shape = tuple[int, ...]


# ----- shapes ----------------------------------------------------------------------------------
def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    """One array shape (0-dim included by default)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)  # fmt: skip


def broadcastable_shapes(n: int, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4):  # fmt: skip
    """A tuple of `n` mutually broadcastable shapes, e.g. ((3, 1), (2, 1, 4), ())."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ).map(lambda b: tuple(b.input_shapes))


def single(shape_strategy) -> st.SearchStrategy[tuple[Shape]]:
    """`shapes(...)` as a 1-tuple, the form the factory expects."""
    return shape_strategy.map(lambda s: (s,))


@st.composite
def distinct_sizes(draw, n: int, lo: int = 1, hi: int = 4) -> tuple[int, ...]:
    """`n` pairwise-different sizes: matrices built from them are never square, so a missing
    transpose in a backward cannot go unnoticed."""
    return tuple(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n, unique=True)))


def dims(shape: Shape, *, allow_none: bool = False):
    """A valid dim of `shape`, positive or negative (None means "all dims" where allowed)."""
    nd = len(shape)
    choices = st.integers(-max(nd, 1), max(nd, 1) - 1)
    return st.one_of(st.none(), choices) if allow_none else choices


@st.composite
def dim_tuples(draw, shape: Shape, min_size: int = 1) -> tuple[int, ...]:
    """Distinct dims of `shape`, each written positive or negative, in random order."""
    nd = len(shape)
    if nd == 0:
        return ()
    picked = draw(st.lists(st.integers(0, nd - 1), min_size=min(min_size, nd), max_size=nd,
                           unique=True))  # fmt: skip
    return tuple(d - nd if draw(st.booleans()) else d for d in picked)


# ----- values ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Domain:
    """Where an input's values live.

    lo, hi:   bounds of the values.
    avoid:    points to stay at least `margin` away from (kinks, poles, clamp bounds).
    distinct: minimum gap between any two values of the array (0 = no constraint); with a gap
              the values are a jittered random permutation of an evenly spaced grid.
    """

    lo: float = -3.0
    hi: float = 3.0
    avoid: tuple[float, ...] = ()
    margin: float = 1e-3
    distinct: bool = False

    def excluding(self, *points: float, margin: float | None = None) -> Domain:
        return Domain(self.lo, self.hi, self.avoid + points, margin or self.margin, self.distinct)


REAL = Domain()
NONZERO = Domain(avoid=(0.0,), margin=1e-3)  # abs, relu, sign, leaky_relu
POSITIVE = Domain(lo=0.1, hi=3.0)  # log, sqrt, rsqrt, bases of pow
DENOMINATOR = Domain(lo=-3.0, hi=3.0, avoid=(0.0,), margin=0.25)  # div, reciprocal
DISTINCT = Domain(distinct=True)  # max, min, maximum, minimum
SMALL = Domain(lo=-1.5, hi=1.5)  # exp of exp, products of several inputs


def _push_away(x: np.ndarray, points: Sequence[float], margin: float) -> np.ndarray:
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, np.where(x >= p, p + margin, p - margin), x)
    return x


def _ensure_varied(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Shrinking drives arrays towards all-equal values; keep at least a small spread."""
    if x.size > 1 and np.ptp(x) == 0:
        ramp = np.linspace(0.0, 0.25 * (hi - lo), x.size).reshape(x.shape)
        x = np.where(x + ramp <= hi, x + ramp, x - ramp)
    return x


@st.composite
def arrays(draw, shape: Shape, domain: Domain = REAL) -> np.ndarray:
    """A float64 array of `shape` in `domain` (bounded, not uniform, kink-free)."""
    n = math.prod(shape)
    if domain.distinct:
        x = _distinct_values(draw, n, domain).reshape(shape)
    else:
        elements = st.floats(domain.lo, domain.hi, allow_nan=False, allow_infinity=False,
                             allow_subnormal=False)  # fmt: skip
        x = draw(hnp.arrays(np.float64, shape, elements=elements, fill=st.nothing()))
        x = _ensure_varied(x, domain.lo, domain.hi)
    x = _push_away(x, domain.avoid, domain.margin)
    return np.array(x, dtype=np.float64, order="C")  # (np.ascontiguousarray makes 0-dim 1-dim)


def _distinct_values(draw, n: int, domain: Domain) -> np.ndarray:
    """n values at least half a grid step apart: a jittered random permutation of a grid."""
    step = (domain.hi - domain.lo) / max(n, 1)
    perm = np.asarray(draw(st.permutations(range(n))), dtype=np.float64)
    jitter = draw(hnp.arrays(np.float64, (n,),
                             elements=st.floats(-0.25, 0.25, allow_subnormal=False)))  # fmt: skip
    return domain.lo + step * (perm + 0.5 + jitter)


@st.composite
def joint_distinct_arrays(draw, shape_list: Sequence[Shape], domain: Domain = DISTINCT) -> list:
    """Arrays whose values are distinct across all of them (ties between maximum(x, y) inputs
    would be kinks)."""
    sizes = [math.prod(s) for s in shape_list]
    pool = _distinct_values(draw, sum(sizes), domain)
    pool = _push_away(pool, domain.avoid, domain.margin)
    out, start = [], 0
    for s, n in zip(shape_list, sizes):
        out.append(np.array(pool[start : start + n].reshape(s), order="C"))
        start += n
    return out


def upstream(rng: np.random.Generator, shape: Shape, dtype=np.float64) -> np.ndarray:
    """A random, non-uniform upstream gradient (never all ones: that would only check the sum of
    the outputs, which is constant for softmax)."""
    g = rng.uniform(-2.0, 2.0, shape)
    if g.size == 0:
        return g.astype(dtype)
    g = np.where(np.abs(g) < 0.1, g + 0.3, g)  # no near-zero entries that hide a bad gradient
    if g.size == 1:
        g = np.full(shape, rng.choice([-1.7, -0.6, 0.45, 1.3]))
    elif np.ptp(g) < 0.5:
        g = g + np.linspace(-1.0, 1.0, g.size).reshape(shape)
    return g.astype(dtype)


@st.composite
def bool_masks(draw, shape: Shape, *, min_true: int = 0) -> np.ndarray:
    mask = draw(hnp.arrays(np.bool_, shape, elements=st.booleans(), fill=st.nothing()))
    if min_true and mask.sum() < min_true:
        flat = mask.reshape(-1).copy()
        flat[:min_true] = True
        mask = flat.reshape(shape)
    return mask


@st.composite
def index_lists(draw, size: int, *, min_len: int = 1, max_len: int = 5,
                with_repeat: bool = True) -> list[int]:  # fmt: skip
    """Integer indices into a dim of `size`, negative ones included; with_repeat forces at
    least one index to appear twice (its gradient must accumulate, not overwrite)."""
    idx = draw(st.lists(st.integers(-size, size - 1), min_size=min_len, max_size=max_len))
    if with_repeat:
        idx = idx + [idx[draw(st.integers(0, len(idx) - 1))]]
    return idx


# ----- memory layouts --------------------------------------------------------------------------
LAYOUTS = ("contiguous", "strided", "transposed", "view_strided", "view_transposed")


def layouts(shape: Shape, allowed: Sequence[str] = LAYOUTS):
    """A memory layout that makes sense for `shape` (0-dim tensors are always contiguous)."""
    ok = [k for k in allowed if k == "contiguous" or _applies(k, shape)]
    return st.sampled_from(ok or ["contiguous"])


def _applies(kind: str, shape: Shape) -> bool:
    if len(shape) == 0:
        return False
    if kind.endswith("transposed"):
        return sum(n > 1 for n in shape) >= 2  # otherwise a transpose is still contiguous
    return True


def _rev(nd: int) -> tuple[int, ...]:
    return tuple(range(nd - 1, -1, -1))


@dataclass(frozen=True)
class Layout:
    """How an input tensor is laid out, and how its gradient maps back to the leaf.

    contiguous:      leaf = from_numpy(values)
    strided:         leaf = from_numpy(buf[::2]) over a buffer whose gaps hold NaN (any op that
                     reads outside the view's strides produces NaN)
    transposed:      leaf = from_numpy(values.T.copy().T) (Fortran order)
    view_strided:    leaf has twice as many rows; the op sees leaf[::2] (SliceBackward0)
    view_transposed: leaf holds values.T; the op sees leaf.permute(reversed) (PermuteBackward0)
    """

    kind: str = "contiguous"

    def make_leaf(self, lib, values: np.ndarray, dtype=np.float64):
        """(leaf, storage): the leaf requiring grad and the numpy buffer behind it (to check that
        the op does not write into its input)."""
        v = values.astype(dtype)
        nd = v.ndim
        if self.kind == "strided":
            buf = np.full((2 * v.shape[0],) + v.shape[1:], np.nan, dtype)
            buf[::2] = v
            return lib.from_numpy(buf[::2]).requires_grad_(), buf
        if self.kind == "transposed":
            buf = np.ascontiguousarray(v.transpose(_rev(nd)))
            return lib.from_numpy(buf.transpose(_rev(nd))).requires_grad_(), buf
        if self.kind == "view_strided":
            buf = np.empty((2 * v.shape[0],) + v.shape[1:], dtype)
            buf[::2], buf[1::2] = v, -0.5 * v + 0.25  # the odd rows never reach the op
            return lib.from_numpy(buf).requires_grad_(), buf
        if self.kind == "view_transposed":
            buf = np.ascontiguousarray(v.transpose(_rev(nd)))
            return lib.from_numpy(buf).requires_grad_(), buf
        buf = v.copy()
        return lib.from_numpy(buf).requires_grad_(), buf

    def view(self, leaf):
        """The tensor the op receives (the leaf itself, or a minigrad/torch view of it)."""
        if self.kind == "view_strided":
            return leaf[::2]
        if self.kind == "view_transposed":
            return leaf.permute(*_rev(leaf.ndim))
        return leaf

    def leaf_grad(self, grad_of_input: np.ndarray) -> np.ndarray:
        """The expected gradient of the leaf, given that of the op's input."""
        if self.kind == "view_strided":
            g = np.zeros((2 * grad_of_input.shape[0],) + grad_of_input.shape[1:])
            g[::2] = grad_of_input
            return g
        if self.kind == "view_transposed":
            return grad_of_input.transpose(_rev(grad_of_input.ndim))
        return grad_of_input

    def is_noncontiguous(self) -> bool:
        return self.kind != "contiguous"
