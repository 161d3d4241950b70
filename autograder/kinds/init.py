"""Tests of a model's initialisation: ``Model(n_in, n_hidden, n_out).parameters()`` must be
leaves that require grad, with the layers' shapes, random enough that no two hidden units start
equal (or they get equal gradients and stay equal for ever) and of a sensible size."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case
from ..spec import Test
from ..verdict import Property
from . import common

NAMES = ["params", "symmetry", "scale"]
SIZES = [(2, 16, 1), (3, 8, 2), (4, 6, 3), (2, 10, 1)]
SYMMETRIC = (
    "symmetric initialisation: every hidden unit starts with the same weights, so every unit "
    "gets the same gradient and they stay identical; draw the weights at random "
    "(torch.randn(...) times a scale)"
)
NOT_LEAF = (
    "{name} is not a leaf (it was computed from a tensor that requires grad, e.g. "
    "torch.randn(..., requires_grad=True) * s), so it never gets a .grad: scale first, then "
    "call .requires_grad_()"
)
NO_GRAD = "{name} does not require grad, so training cannot change it (use .requires_grad_())"
LAYERS = ["w1", "b1", "w2", "b2"]


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    sizes = SIZES[0] if not hidden else SIZES[int(rng.integers(1, len(SIZES)))]
    seed = 0 if not hidden else int(rng.integers(2**31))
    return [Case(f"sizes {sizes}", "basic", meta={"sizes": list(sizes), "seed": seed})]


def probe(test: Test, obj: Any, case: Case) -> Case:
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not isinstance(obj, type):
        obs.meta["error"] = f"{test.symbol} is not a class"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    minigrad.manual_seed(case.meta["seed"])
    with common.capture_error(obs, f"{test.symbol}.__init__"):
        model = obj(*case.meta["sizes"])
        obs.meta["stage"] = f"{test.symbol}.parameters()"
        params = list(model.parameters())
        obs.meta["n"] = len(params)
        obs.meta["leaf"] = [bool(p.grad_fn is None) for p in params]
        obs.meta["requires_grad"] = [bool(p.requires_grad) for p in params]
        for i, p in enumerate(params):
            obs.arrays[f"p{i}"] = common.as_array(p, f"parameters()[{i}]")
    return obs


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    found = common.Findings(NAMES)

    for case, obs in zip(cases_, observations):
        if obs.meta.get("error"):
            for p in NAMES:
                found.fail(p, obs.meta["error"])
            continue
        n_in, n_hidden, n_out = case.meta["sizes"]
        shapes = [(n_hidden, n_in), (n_hidden,), (n_out, n_hidden), (n_out,)]
        got = [obs.arrays.get(f"p{i}") for i in range(obs.meta.get("n", 0))]
        got_shapes = [None if g is None else tuple(g.shape) for g in got]
        if got_shapes != shapes:
            sentence = (
                f"parameters() returns shapes {got_shapes}, expected [w1, b1, w2, b2] = {shapes}"
            )
            for p in NAMES:
                found.fail(p, sentence)
            continue
        for name, leaf, rg in zip(LAYERS, obs.meta["leaf"], obs.meta["requires_grad"]):
            if not leaf:
                found.fail("params", NOT_LEAF.format(name=name))
            elif not rg:
                found.fail("params", NO_GRAD.format(name=name))
        w1, w2 = got[0], got[2]
        if np.ptp(w1, axis=0).max() < 1e-6:  # every row (hidden unit) the same
            found.fail("symmetry", SYMMETRIC)
        for name, w, fan_in in (("w1", w1, n_in), ("w2", w2, n_hidden)):
            spread, good = float(w.std()), fan_in**-0.5
            if spread / good > 5:  # 1 for randn / sqrt(fan_in)
                found.fail(
                    "scale",
                    f"{name} is too large (std {spread:.3g}): tanh saturates and the gradients "
                    f"vanish; scale randn by about 1 / sqrt(fan_in) = {good:.3g}",
                )
            elif spread / good < 0.05 and name == "w1":
                found.fail(
                    "scale",
                    f"{name} is too small (std {spread:.3g}); scale randn by about "
                    f"1 / sqrt(fan_in) = {good:.3g}",
                )
    return found.properties()
