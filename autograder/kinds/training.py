"""Tests of a training loop: ``train(X, y)`` on a two-moons dataset drawn from
``minigrad.data`` with the student's hidden seed, scored by accuracy on test points drawn from
the same distribution. The test labels never leave the trusted process (a key starting with
"_" is not sent to the sandbox)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case
from ..spec import Test
from ..verdict import Property
from . import common

NAMES = ["learns", "training"]
PASS, FULL = 0.7, 0.9
N_TRAIN, N_TEST, NOISE = 200, 300, 0.1


def _moons(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    import minigrad

    x, y = minigrad.data.make_moons(n=n, noise=NOISE, seed=seed)
    return x.numpy().copy(), y.numpy().copy()


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    seed = int(rng.integers(2**31))
    x, y = _moons(seed, N_TRAIN)
    x_test, y_test = _moons(seed + 1, N_TEST)
    label = "hidden two moons" if hidden else "two moons"
    arrays = {"X": x, "y": y.astype(np.float32), "X_test": x_test, "_y_test": y_test}
    return [Case(label, "basic", arrays, {})]


def probe(test: Test, obj: Any, case: Case) -> Case:
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not callable(obj) or isinstance(obj, type):
        obs.meta["error"] = f"{test.symbol} is not a function"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    x = minigrad.tensor(case.arrays["X"].copy())
    y = minigrad.tensor(case.arrays["y"].copy())
    minigrad.manual_seed(0)
    with common.capture_error(obs, test.symbol), minigrad.enable_grad():
        model = obj(x, y)
        obs.meta["stage"] = "trained model"
        with minigrad.no_grad():
            out = model(minigrad.tensor(case.arrays["X_test"].copy()))
        obs.arrays["logits"] = common.as_array(out, "the model's output").reshape(-1)
    return obs


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    found = common.Findings(NAMES)
    for case, obs in zip(cases_, observations):
        y_test = case.arrays["_y_test"]
        logits = obs.arrays.get("logits")
        if obs.meta.get("error") or logits is None or logits.shape != y_test.shape:
            n_out, n_points = 0 if logits is None else logits.size, y_test.size
            sentence = obs.meta.get("error") or (
                f"the trained model returns {n_out} outputs for {n_points} test points; expected "
                "one logit per point"
            )
            for n in NAMES:
                found.fail(n, sentence)
            continue
        finite = bool(np.isfinite(logits).all())
        acc = float(np.mean((logits > 0) == (y_test > 0.5))) if finite else 0.0
        if finite:
            sentence = (
                f"after training, your model classifies {acc:.0%} of the test points correctly "
                f"({FULL:.0%} needed for full marks): check that the gradients are reset every "
                "step, the loss goes down, and the step size"
            )
        else:
            sentence = (
                f"after training, your model classifies {acc:.0%} of the test points correctly "
                f"({FULL:.0%} needed for full marks, NaN or inf in its outputs): check that the "
                "gradients are reset every step, the loss goes down, and the step size"
            )
        for name, need in (("learns", PASS), ("training", FULL)):
            if acc < need:
                found.fail(name, sentence)
    return found.properties()
