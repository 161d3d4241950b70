"""Tests of ``sgd_step(params, lr)``: one step of gradient descent, done in place on the
parameters (leaves that require grad) while autograd records nothing."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case, upstream
from ..spec import Test
from ..verdict import Property
from . import common

NAMES = ["update", "still_leaf"]
NO_GRAD = (
    "your sgd_step changes a leaf that requires grad in place while autograd is recording, "
    "which minigrad (like PyTorch) refuses: do the update inside `with torch.no_grad():`"
)
REBIND = (
    "your sgd_step leaves the parameters unchanged: `p = p - lr * p.grad` only gives the name "
    "p a new tensor; change the tensor itself in place (p -= lr * p.grad, inside no_grad)"
)
UPHILL = "your sgd_step moves the parameters up the gradient: subtract lr * p.grad, do not add it"
NO_LR = "your sgd_step ignores the learning rate: the step is lr * p.grad"
NOT_LEAF = (
    "after your sgd_step a parameter is no longer a leaf that requires grad (it has a grad_fn "
    "or lost requires_grad): update it in place inside no_grad, do not replace it"
)
SHAPES = [[(3, 2), (3,)], [(4, 3), (4,)], [(2, 5), (2,)], [(1, 4), (1,)]]


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    shapes = SHAPES[0] if not hidden else SHAPES[int(rng.integers(1, len(SHAPES)))]
    lr = 0.1 if not hidden else round(float(rng.uniform(0.05, 0.5)), 3)
    case = Case("hidden" if hidden else "two parameters", "basic", meta={"lr": lr})
    for i, shape in enumerate(shapes):
        case.arrays[f"p{i}"] = rng.uniform(-1, 1, size=shape)
        case.arrays[f"g{i}"] = upstream(rng, shape)
    return [case]


def _count(case: Case) -> int:
    return sum(1 for k in case.arrays if k.startswith("p"))


def probe(test: Test, obj: Any, case: Case) -> Case:
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not callable(obj) or isinstance(obj, type):
        obs.meta["error"] = f"{test.symbol} is not a function"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    params = []
    for i in range(_count(case)):
        p = minigrad.tensor(case.arrays[f"p{i}"].copy(), requires_grad=True)
        p.grad = minigrad.tensor(case.arrays[f"g{i}"].copy())
        params.append(p)
    with common.capture_error(obs, test.symbol), minigrad.enable_grad():
        obj(params, case.meta["lr"])
    obs.meta["leaf"] = [bool(p.grad_fn is None and p.requires_grad) for p in params]
    for i, p in enumerate(params):
        obs.arrays[f"p{i}"] = common.as_array(p, f"params[{i}]")
    return obs


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    found = common.Findings(NAMES)

    for case, obs in zip(cases_, observations):
        err = obs.meta.get("error")
        if err:
            for p in NAMES:
                found.fail(p, NO_GRAD if "leaf Variable that requires grad" in err else err)
            continue
        if not all(obs.meta.get("leaf", [])):
            found.fail("still_leaf", NOT_LEAF)
        lr = case.meta["lr"]
        for i in range(_count(case)):
            p, g, got = case.arrays[f"p{i}"], case.arrays[f"g{i}"], obs.arrays.get(f"p{i}")
            if got is not None and common.close(got, p - lr * g):
                continue
            if got is None or got.shape != p.shape:
                found.fail("update", f"your sgd_step changes the shape of parameter {i}")
            elif np.allclose(got, p):
                found.fail("update", REBIND)
            elif np.allclose(got, p + lr * g):
                found.fail("update", UPHILL)
            elif np.allclose(got, p - g):
                found.fail("update", NO_LR)
            else:
                err = float(np.max(np.abs(got - (p - lr * g))))
                sentence = f"your sgd_step computes wrong values (largest error {err:.2g})"
                found.fail("update", sentence)
            break
    found.carry("update", ["still_leaf"])
    return found.properties()
