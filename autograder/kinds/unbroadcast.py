"""Tests of ``unbroadcast(grad, shape)``: sum a gradient back to the shape of the input that was
broadcast to produce it."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case, upstream
from ..spec import Test
from ..verdict import Property
from . import common

VISIBLE = [((2, 3), (3,)), ((2, 3), (1, 3)), ((4, 2, 3), (2, 1))]
HIDDEN = [
    ((3, 4, 5), (4, 1)),
    ((2, 3), (2, 3)),
    ((5, 3), (1,)),
    ((2, 1, 4), (1, 1, 4)),
    ((3, 2, 4), (3, 1, 1)),
    ((4, 5), (5,)),
]


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    pairs = VISIBLE if not hidden else [HIDDEN[int(i)] for i in rng.permutation(len(HIDDEN))[:3]]
    out = []
    for k, (grad_shape, shape) in enumerate(pairs):
        out.append(
            Case(
                f"case {k}",
                "basic",
                {"grad": upstream(rng, grad_shape)},
                {"shape": list(shape), "noncontig": False},
            )
        )
    grad_shape, shape = (3, 4), (1, 4)
    if hidden:
        grad_shape, shape = HIDDEN[int(rng.integers(len(HIDDEN)))]
    out.append(
        Case(
            "non-contiguous",
            "noncontig",
            {"grad": upstream(rng, grad_shape)},
            {"shape": list(shape), "noncontig": True},
        )
    )
    return out


def probe(test: Test, obj: Any, case: Case) -> Case:
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not callable(obj):
        obs.meta["error"] = f"{test.symbol} is not a function"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    g = case.arrays["grad"]
    grad = common.noncontiguous(g).detach() if case.meta["noncontig"] else minigrad.tensor(g.copy())
    before = grad.numpy().copy()
    with common.capture_error(obs, test.symbol):
        with minigrad.no_grad():
            result = obj(grad, minigrad.Size(case.meta["shape"]))
        obs.arrays["out"] = common.as_array(result, f"the result of {test.symbol}")
    obs.meta["mutated"] = [] if common.same(grad.numpy(), before) else [0]
    return obs


def expected(case: Case) -> np.ndarray:
    g, shape = case.arrays["grad"], tuple(case.meta["shape"])
    lead = g.ndim - len(shape)
    out = g.sum(axis=tuple(range(lead))) if lead else g
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and out.shape[i] != 1)
    return out.sum(axis=dims, keepdims=True) if dims else out


def _problem(got: np.ndarray, want: np.ndarray, grad_shape: tuple) -> str:
    if got.shape == grad_shape and want.shape != grad_shape:
        return (
            "your unbroadcast returns the gradient's shape unchanged: sum over the leading "
            "dimensions broadcasting added and over the dimensions it stretched from size 1"
        )
    if got.shape != want.shape and got.size == want.size:
        return (
            f"your unbroadcast returns shape {got.shape} instead of {want.shape}: dimensions "
            "of size 1 in the target shape must be kept (keepdim=True)"
        )
    if got.shape != want.shape:
        return f"your unbroadcast returns shape {got.shape}, expected {want.shape}"
    return common.value_problem("unbroadcast", got, want, np.full_like(want, np.nan), {}, [])


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    names = ["shape", "values", "noncontig", "mutation"]
    found = common.Findings(names)

    for case, obs in zip(cases_, observations):
        prop = "values" if case.category == "basic" else "noncontig"
        if obs.meta.get("error"):
            for p in names if prop == "values" else [prop]:
                found.fail(p, obs.meta["error"])
            continue
        if obs.meta.get("mutated"):
            found.fail("mutation", "your unbroadcast changes the gradient it was given in place")
        want, got = expected(case), obs.arrays.get("out")
        if got is None or not common.close(got, want):
            sentence = _problem(got, want, case.arrays["grad"].shape) if got is not None else ""
            if got is not None and got.shape != want.shape and prop == "values":
                found.fail("shape", sentence)
            found.fail(prop, sentence or "your unbroadcast returned nothing")
    found.carry("values", ["noncontig", "mutation"])
    return found.properties()
