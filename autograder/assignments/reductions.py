"""Assignment 2: reductions, matrix product, softmax cross-entropy, then the backward engine.

The reductions' cases are drawn together with their ``dim`` and ``keepdim`` (a dim must exist
in the shape), never with square shapes (a swapped or untransposed gradient must not fit by
accident), and each test words its typical mistake through a ``hint``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..cases import Case, draw
from ..kinds import common
from ..kinds.function import Spec
from ..spec import Arg, Assignment, Test

REDUCTION = "minigrad.ops.reduction"
LINALG = "minigrad.ops.linalg"
LOSS = "minigrad.ops.loss"

SHAPES_2D = [(3, 4), (4, 3), (2, 5), (5, 2), (3, 5)]
SHAPES_3D = [(2, 3, 4), (3, 2, 5), (4, 3, 2), (2, 5, 3)]
VALUES = Arg(-2, 2)

KEEPDIM = (
    "with keepdim=False the reduced dimension(s) are gone from grad_output: put them back as "
    "size-1 dimensions (grad_output.unsqueeze(d) for each reduced d, in increasing order) "
    "before expanding it to the input's shape"
)


def _pick(rng: np.random.Generator, options: list) -> Any:
    return options[int(rng.integers(len(options)))]


def _int_dim(rng: np.random.Generator, ndim: int, leading: bool = True) -> int:
    """A dim of a tensor with ``ndim`` dims, negative half the time; not 0 unless
    ``leading`` (reducing the leading dim hides a missing keepdim reshape)."""
    d = int(rng.integers(0 if leading else 1, ndim))
    return d - ndim if rng.random() < 0.5 else d


def _tuple_dim(rng: np.random.Generator, ndim: int) -> tuple[int, ...]:
    dims = sorted(int(d) for d in rng.choice(ndim, size=2, replace=False))
    if dims == [0, 1]:  # leading dims only: make it end at the last one
        dims = [0, ndim - 1]
    return tuple(d - ndim if rng.random() < 0.3 else d for d in dims)


def _distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values without ties, at least 0.3 apart (the max's kink is where two elements tie)."""
    n = int(np.prod(shape))
    return ((rng.permutation(n) - n / 2) * 0.3 + rng.uniform(-0.1, 0.1)).reshape(shape)


def reduction_cases(with_none: bool, values: Any = None) -> Any:
    """Cases for ``Op.apply(x, dim, keepdim)``: whole-tensor and per-dim reductions with
    ``keepdim=True`` (basic), ``keepdim=False`` over non-leading dims (keepdim), and a transposed
    view (noncontig)."""

    def x(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        return values(rng, shape) if values else draw(rng, VALUES, shape)

    def cases(rng: np.random.Generator, hidden: bool) -> list[Spec]:
        if not hidden:
            out = [
                Spec("dim=1, keepdim=True", "basic", {0: x(rng, (3, 4))}, {1: 1, 2: True}),
                Spec("dim=0, keepdim=True", "basic", {0: x(rng, (2, 3, 4))}, {1: 0, 2: True}),
                Spec("dim=1, keepdim=False", "keepdim", {0: x(rng, (3, 4))}, {1: 1, 2: False}),
                Spec("dim=-1, keepdim=False", "keepdim", {0: x(rng, (2, 3, 4))}, {1: -1, 2: False}),
                Spec("non-contiguous", "noncontig", {0: x(rng, (4, 3))}, {1: 0, 2: True}),
            ]
            if with_none:
                out[1] = Spec("all dims", "basic", {0: x(rng, (3, 4))}, {1: None, 2: False})
                out[3] = Spec(
                    "dim=(0, 2), keepdim=False",
                    "keepdim",
                    {0: x(rng, (2, 3, 4))},
                    {1: (0, 2), 2: False},
                )
            return out
        s2, s3 = _pick(rng, SHAPES_2D), _pick(rng, SHAPES_3D)
        out = [
            Spec("hidden 0", "basic", {0: x(rng, s3)}, {1: _int_dim(rng, 3), 2: True}),
            Spec("hidden 1", "basic", {0: x(rng, s2)}, {1: _int_dim(rng, 2), 2: True}),
            Spec(
                "hidden keepdim 0",
                "keepdim",
                {0: x(rng, s2)},
                {1: _int_dim(rng, 2, False), 2: False},
            ),
            Spec(
                "hidden keepdim 1",
                "keepdim",
                {0: x(rng, s3)},
                {1: _int_dim(rng, 3, False), 2: False},
            ),
            Spec(
                "hidden non-contiguous",
                "noncontig",
                {0: x(rng, _pick(rng, SHAPES_3D))},
                {1: _int_dim(rng, 3), 2: True},
            ),
        ]
        if with_none:
            shape = _pick(rng, SHAPES_3D)
            out[0] = Spec("hidden 0", "basic", {0: x(rng, shape)}, {1: _tuple_dim(rng, 3), 2: True})
            out[3] = Spec(
                "hidden keepdim 1", "keepdim", {0: x(rng, s3)}, {1: _tuple_dim(rng, 3), 2: False}
            )
        return out

    return cases


def _dims(case: Case, ndim: int) -> tuple[int, ...]:
    dim = case.meta["numbers"]["1"]
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (list, tuple)) else [dim]
    return tuple(sorted(d % ndim for d in dims))


def _spread(case: Case) -> np.ndarray:
    """grad_output put back over the input's shape, to every element."""
    x, g = case.arrays["arg0"], case.arrays["grad"]
    if not case.meta["numbers"]["2"]:
        for d in _dims(case, x.ndim):
            g = np.expand_dims(g, d)
    return np.broadcast_to(g, x.shape)


def _keepdim_hint(case: Case, sentence: str) -> str:
    if case.category == "keepdim" and not sentence.startswith("your forward"):
        return KEEPDIM
    return sentence


def sum_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    return _keepdim_hint(case, sentence)


def mean_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    if i == 0 and got.shape == want.shape:
        c = common._ratio(got, want)
        if c is not None and abs(c - 1) > 1e-6:
            return (
                "the gradient of a mean is grad_output divided by the number of elements "
                "averaged together (the product of the reduced dimensions' sizes, not x.numel() "
                f"unless every dimension is reduced): yours is {c:.3g} times the correct one"
            )
    return _keepdim_hint(case, sentence)


def max_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    if i == 0 and got.shape == want.shape:
        spread = _spread(case)
        n = case.arrays["arg0"].shape[_dims(case, case.arrays["arg0"].ndim)[0]]
        if np.allclose(got, spread) or np.allclose(got, spread / n):
            return (
                "your Max sends the gradient to every element: only the largest element along "
                "dim (the one the forward returned) receives grad_output, the others get 0"
            )
    return _keepdim_hint(case, sentence)


def _mm_dims(rng: np.random.Generator) -> tuple[int, int, int]:
    m, k, n = (int(v) for v in rng.choice(np.arange(2, 7), size=3, replace=False))
    return m, k, n


def matmul_cases(rng: np.random.Generator, hidden: bool) -> list[Spec]:
    def pair(sa: tuple, sb: tuple) -> dict[int, np.ndarray]:
        return {0: draw(rng, VALUES, sa), 1: draw(rng, VALUES, sb)}

    if not hidden:
        return [
            Spec("(3, 4) @ (4, 2)", "basic", pair((3, 4), (4, 2))),
            Spec("(2, 5) @ (5, 3)", "basic", pair((2, 5), (5, 3))),
            Spec("batched (2, 3, 4) @ (2, 4, 5)", "batched", pair((2, 3, 4), (2, 4, 5))),
            Spec("broadcast (2, 3, 4) @ (4, 5)", "batched", pair((2, 3, 4), (4, 5))),
            Spec("non-contiguous", "noncontig", pair((3, 4), (4, 2))),
        ]
    out = []
    for k in range(2):
        m, kk, n = _mm_dims(rng)
        out.append(Spec(f"hidden {k}", "basic", pair((m, kk), (kk, n))))
    m, kk, n = _mm_dims(rng)
    batch = int(rng.integers(2, 4))
    out.append(Spec("hidden batched", "batched", pair((batch, m, kk), (batch, kk, n))))
    m, kk, n = _mm_dims(rng)
    if rng.random() < 0.5:
        out.append(Spec("hidden broadcast", "batched", pair((batch, m, kk), (kk, n))))
    else:
        out.append(Spec("hidden broadcast", "batched", pair((m, kk), (batch, kk, n))))
    m, kk, n = _mm_dims(rng)
    out.append(Spec("hidden non-contiguous", "noncontig", pair((m, kk), (kk, n))))
    return out


MATMUL_ERRORS = re.compile("cannot be multiplied|Expected size|shape|size mismatch")


def matmul_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    names = ["a", "b"]
    if i is None:
        if sentence.startswith("your backward") and MATMUL_ERRORS.search(sentence):
            return (
                f"{sentence}; the shapes only fit one way: a missing transpose? For "
                "out = a @ b, grad_a = grad_output @ bᵀ and grad_b = aᵀ @ grad_output "
                "(.transpose(-1, -2) also works on batches)"
            )
        return sentence
    other = case.arrays[f"arg{1 - i}"].shape
    name, other_name = names[i], names[1 - i]
    got_shape, want_shape = tuple(got.shape), tuple(want.shape)
    if got_shape != want_shape:
        if got_shape == other and got_shape != want_shape[::-1]:
            return (
                f"swapped gradients: the gradient returned for {name} has the shape of "
                f"{other_name}; return (grad_a, grad_b) in the order of forward's arguments"
            )
        if got.ndim > want.ndim and got_shape[-want.ndim :] == want_shape:
            return (
                f"missing un-broadcast: {name} was used for every matrix of the batch, so its "
                f"gradient (shape {got_shape}) must be summed over the batch dimensions "
                f"back to {name}'s shape {want_shape}"
            )
    return sentence


def _log_softmax(z: np.ndarray) -> np.ndarray:
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def xent_cases(rng: np.random.Generator, hidden: bool) -> list[Spec]:
    def batch(n: int, c: int, offset: float = 0.0) -> dict[int, np.ndarray]:
        logits = rng.uniform(-3, 3, size=(n, c))
        if offset:  # rows far from 0: exp overflows (or underflows) unless shifted by the max
            signs = rng.choice([-1.0, 1.0], size=(n, 1))
            signs[0] = 1.0
            logits += offset * signs
        return {0: logits, 1: rng.integers(0, c, size=n).astype(np.int64)}

    if not hidden:
        return [
            Spec("4 examples, 3 classes", "basic", batch(4, 3)),
            Spec("2 examples, 5 classes", "basic", batch(2, 5)),
            Spec("large logits", "stable", batch(3, 4, offset=1000.0)),
            Spec("non-contiguous", "noncontig", batch(3, 5)),
        ]
    out = []
    for k in range(2):
        n, c = _mm_dims(rng)[:2]
        out.append(Spec(f"hidden {k}", "basic", batch(n, c)))
    n, c = _mm_dims(rng)[:2]
    offset = float(rng.uniform(800, 1200))
    out.append(Spec("hidden large logits", "stable", batch(n, c, offset=offset)))
    n, c = _mm_dims(rng)[:2]
    out.append(Spec("hidden non-contiguous", "noncontig", batch(n, c)))
    return out


def xent_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    why = (
        "with large logits exp() overflows and the result is NaN or inf; subtract each row's "
        "max from the logits first (softmax does not change)"
    )
    if case.category == "stable" and (
        "NaN" in sentence or "inf" in sentence or (got is not None and not np.isfinite(got).all())
    ):
        if i is None:
            return f"your loss is not numerically stable: {why}"
        return f"your gradient is not numerically stable: {why}"
    if i == 0 and got.shape == want.shape and np.isfinite(got).all():
        z, t, g = case.arrays["arg0"], case.arrays["arg1"].astype(int), case.arrays["grad"]
        n = z.shape[0]
        probs = np.exp(_log_softmax(z))
        onehot = np.zeros_like(probs)
        onehot[np.arange(n), t] = 1
        if np.allclose(got, g * probs / n) or np.allclose(got, g * probs):
            return (
                "the gradient of the cross-entropy with respect to the logits is "
                "(softmax(logits) - onehot(target)) / N times grad_output: yours leaves out "
                "the one-hot subtraction"
            )
        c = common._ratio(got, want)
        if c is not None and abs(c - n) < 1e-6:
            return (
                "the loss is the mean over the batch, so its gradient is divided by the batch "
                f"size N: yours is {n} times the correct one"
            )
    return sentence


def _reduction_test(
    name: str,
    cls: str,
    points: float,
    reference: Any,
    hint: Any,
    *,
    with_none: bool,
    library: tuple[str, ...],
    values: Any = None,
) -> Test:
    return Test(
        name=name,
        symbol=cls,
        kind="function",
        points=points,
        reference=reference,
        args=(VALUES, Arg(number=True), Arg(number=True)),
        library=library,
        swap_in=library[0],
        options={
            "arg_names": ["x", "dim", "keepdim"],
            "cases": reduction_cases(with_none, values),
            "categories": ["keepdim"],
            "hint": hint,
        },
    )


def _sum(x: Any, dim: Any, keepdim: bool) -> Any:
    return x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim)


def _mean(x: Any, dim: Any, keepdim: bool) -> Any:
    return x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim)


def _cross_entropy(logits: Any, target: Any) -> Any:
    import minigrad.nn.functional as F

    return F.cross_entropy(logits, target)


ASSIGNMENT = Assignment(
    name="02_reductions_engine",
    tests=(
        _reduction_test(
            "sum", "Sum", 2, _sum, sum_hint, with_none=True, library=(f"{REDUCTION}:Sum",)
        ),
        _reduction_test(
            "mean", "Mean", 2, _mean, mean_hint, with_none=True, library=(f"{REDUCTION}:Mean",)
        ),
        _reduction_test(
            "max",
            "Max",
            2,
            lambda x, dim, keepdim: x.max(dim=dim, keepdim=keepdim).values,
            max_hint,
            with_none=False,
            library=(f"{REDUCTION}:MaxDim", f"{REDUCTION}:MaxAll"),
            values=_distinct,
        ),
        Test(
            name="matmul",
            symbol="MatMul",
            kind="function",
            points=3,
            reference=lambda a, b: a @ b,
            args=(VALUES, VALUES),
            library=(f"{LINALG}:Mm", f"{LINALG}:BatchedMatmul"),
            swap_in=f"{LINALG}:BatchedMatmul",
            options={"cases": matmul_cases, "categories": ["batched"], "hint": matmul_hint},
        ),
        Test(
            name="softmax_cross_entropy",
            symbol="SoftmaxCrossEntropy",
            kind="function",
            points=3,
            reference=_cross_entropy,
            args=(Arg(-3, 3), Arg(integer=True)),
            library=(f"{REDUCTION}:LogSoftmax", f"{REDUCTION}:Softmax", f"{LOSS}:NllLoss"),
            swap_in=None,
            options={
                "arg_names": ["logits", "target"],
                "cases": xent_cases,
                "categories": ["stable"],
                "hint": xent_hint,
            },
        ),
        Test(name="engine", symbol="backward", kind="engine", points=5),
    ),
)
