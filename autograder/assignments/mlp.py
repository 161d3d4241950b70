"""Assignment 3: a small network trained by hand (a Linear Function, a loss, an SGD step, an
initialisation, a training loop), graded on gradients and on accuracy on hidden data."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case, draw
from ..kinds import common
from ..kinds.function import Spec
from ..spec import Arg, Assignment, Test

REFERENCE = "autograder.reference_mlp"
VALUES = Arg(-2, 2)


def _sizes(rng: np.random.Generator) -> tuple[int, int, int]:
    n, i, o = (int(v) for v in rng.choice(np.arange(2, 7), size=3, replace=False))
    return n, i, o


def linear_cases(rng: np.random.Generator, hidden: bool) -> list[Spec]:
    def layer(n: int, i: int, o: int) -> dict[int, np.ndarray]:
        return {
            0: draw(rng, VALUES, (n, i)),
            1: draw(rng, VALUES, (o, i)),
            2: draw(rng, VALUES, (o,)),
        }

    if not hidden:
        return [
            Spec("4 examples, 3 in, 2 out", "basic", layer(4, 3, 2)),
            Spec("5 examples, 2 in, 3 out", "basic", layer(5, 2, 3)),
            Spec("non-contiguous", "noncontig", layer(3, 4, 2)),
        ]
    return [
        Spec("hidden 0", "basic", layer(*_sizes(rng))),
        Spec("hidden 1", "basic", layer(*_sizes(rng))),
        Spec("hidden non-contiguous", "noncontig", layer(*_sizes(rng))),
    ]


def linear_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    if i == 2 and got.shape != want.shape and got.ndim == 2:
        return (
            "missing un-broadcast: the bias is added to every example of the batch, so its "
            "gradient is grad_output summed over the batch (dim 0), of the bias's shape"
        )
    return sentence


def bce_cases(rng: np.random.Generator, hidden: bool) -> list[Spec]:
    def batch(n: int, offset: float = 0.0) -> dict[int, np.ndarray]:
        z = rng.uniform(-4, 4, size=n)
        if offset:  # far from 0 both ways: exp overflows unless computed stably
            z += offset * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        return {0: z, 1: rng.integers(0, 2, size=n).astype(np.float64)}

    if not hidden:
        return [
            Spec("5 examples", "basic", batch(5)),
            Spec("8 examples", "basic", batch(8)),
            Spec("large logits", "stable", batch(4, offset=800.0)),
            Spec("non-contiguous", "noncontig", batch(6)),
        ]
    return [
        Spec("hidden 0", "basic", batch(int(rng.integers(3, 10)))),
        Spec("hidden 1", "basic", batch(int(rng.integers(3, 10)))),
        Spec("hidden large logits", "stable", batch(6, offset=float(rng.uniform(750, 1000)))),
        Spec("hidden non-contiguous", "noncontig", batch(int(rng.integers(3, 10)))),
    ]


def bce_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    why = (
        "for large |logits| exp() overflows and the result is NaN or inf; compute "
        "log(1 + e^z) as max(z, 0) + log(1 + e^-|z|)"
    )
    if case.category == "stable" and (
        "NaN" in sentence or "inf" in sentence or (got is not None and not np.isfinite(got).all())
    ):
        if i is None:
            return f"your loss is not numerically stable: {why}"
        return f"your gradient is not numerically stable: {why}"
    if i == 0 and got.shape == want.shape:
        c = common._ratio(got, want)
        n = case.arrays["arg0"].size
        if c is not None and abs(c - n) < 1e-6:
            return (
                "the loss is the mean over the batch, so its gradient is divided by the batch "
                f"size N: yours is {n} times the correct one"
            )
    return sentence


def _bce(logits: Any, target: Any) -> Any:
    import minigrad.nn.functional as F

    return F.binary_cross_entropy_with_logits(logits, target)


ASSIGNMENT = Assignment(
    name="03_mlp",
    tests=(
        Test(
            name="linear",
            symbol="LinearFunction",
            kind="function",
            points=3,
            reference=lambda x, w, b: x @ w.t() + b,
            args=(VALUES, VALUES, VALUES),
            library=("minigrad.ops.linalg:Addmm", "minigrad.ops.linalg:Mm"),
            swap_in=f"{REFERENCE}:LinearFunction",
            options={
                "arg_names": ["x", "weight", "bias"],
                "cases": linear_cases,
                "hint": linear_hint,
            },
        ),
        Test(
            name="bce",
            symbol="BCEWithLogits",
            kind="function",
            points=2,
            reference=_bce,
            args=(Arg(-4, 4), Arg(constant=True)),
            library=("minigrad.ops.loss:BinaryCrossEntropyWithLogits",),
            swap_in=f"{REFERENCE}:BCEWithLogits",
            options={
                "arg_names": ["logits", "target"],
                "cases": bce_cases,
                "categories": ["stable"],
                "hint": bce_hint,
            },
        ),
        Test(name="sgd", symbol="sgd_step", kind="sgd", points=2, swap_in=f"{REFERENCE}:sgd_step"),
        Test(name="init", symbol="MLP", kind="init", points=2, swap_in=f"{REFERENCE}:MLP"),
        Test(
            name="training",
            symbol="train",
            kind="training",
            points=4,
            swap_in=f"{REFERENCE}:train",
            options={"engine_allowed": True},  # train() calls loss.backward()
        ),
    ),
)
