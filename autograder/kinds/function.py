"""Tests of a student's ``Function`` (forward and backward of one op).

The probe calls ``Student.apply(*inputs)`` and then the student's ``backward`` *directly* with a
random upstream gradient, so the raw gradients are judged before minigrad's engine would sum
them back to each input's shape (which would hide a missing un-broadcast).

A test may bring its own case generator (``options["cases"]``: ``(rng, hidden)`` -> a list of
:class:`Spec`, for ops whose arguments depend on each other, such as a shape and a ``dim``), its
own categories of cases (``options["categories"]``: each is a property, e.g. ``keepdim``) and a
``options["hint"]`` that words a failure in terms of that op (``hint(case, i, got, want,
sentence)`` -> a sentence, where ``i`` is the argument whose gradient is wrong, or None for an
exception or a wrong forward).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..cases import Case, draw, upstream
from ..spec import Test
from ..verdict import Property
from . import common

SHAPES = [(4, 3), (2, 5), (3, 2, 4), (5,), (3, 1, 2)]
BROADCAST_PAIRS = [
    ((2, 1, 3), (4, 3)),
    ((3, 1), (1, 4)),
    ((4, 3), (3,)),
    ((2, 3, 1), (1,)),
    ((5, 2), (5, 1)),
]


class Spec(NamedTuple):
    """One case from a test's own generator: ``arrays`` for its tensor arguments (by position),
    ``numbers`` for its plain ones; the upstream gradient is drawn for the reference's output."""

    label: str
    category: str
    arrays: dict[int, np.ndarray]
    numbers: dict[int, Any] = {}


def _tensor_args(test: Test) -> list[int]:
    """The arguments that get a gradient."""
    return [i for i, a in enumerate(test.args) if a.differentiable]


def _plain(value: Any) -> Any:
    """A plain argument as the student's forward gets it (JSON turns tuples into lists)."""
    return tuple(value) if isinstance(value, list) else value


def _reference_out_shape(test: Test, case: Case) -> tuple[int, ...]:
    import minigrad

    assert test.reference is not None
    with minigrad.no_grad():
        out = test.reference(*_reference_args(test, case, requires_grad=False))
    return tuple(out.shape)


def _reference_args(test: Test, case: Case, requires_grad: bool) -> list[Any]:
    import minigrad

    args: list[Any] = []
    for i, arg in enumerate(test.args):
        if arg.number:
            args.append(_plain(case.meta["numbers"][str(i)]))
        elif arg.integer:
            args.append(minigrad.tensor(case.arrays[f"arg{i}"].astype(np.int64)))
        elif arg.constant:
            args.append(minigrad.tensor(case.arrays[f"arg{i}"].copy()))
        else:
            args.append(minigrad.tensor(case.arrays[f"arg{i}"], requires_grad=requires_grad))
    return args


def _from_spec(test: Test, rng: np.random.Generator, spec: Spec) -> Case:
    case = Case(
        spec.label,
        spec.category,
        {f"arg{i}": a for i, a in spec.arrays.items()},
        {"numbers": {str(i): v for i, v in spec.numbers.items()}},
    )
    case.meta["noncontig"] = spec.category == "noncontig"
    case.arrays["grad"] = upstream(rng, _reference_out_shape(test, case))
    return case


def _case(
    test: Test,
    rng: np.random.Generator,
    label: str,
    category: str,
    shapes: list[tuple[int, ...]],
    choice: int = 0,
) -> Case:
    case = Case(label, category, meta={"numbers": {}, "noncontig": category == "noncontig"})
    shape_iter = iter(shapes)
    for i, arg in enumerate(test.args):
        if arg.number:
            value = arg.choices[choice % len(arg.choices)]
            case.meta["numbers"][str(i)] = value
        else:
            case.arrays[f"arg{i}"] = draw(rng, arg, next(shape_iter))
    out_shape = np.broadcast_shapes(*(case.arrays[f"arg{i}"].shape for i in _tensor_args(test)))
    case.arrays["grad"] = upstream(rng, out_shape)
    return case


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    custom = test.options.get("cases")
    if custom is not None:
        return [_from_spec(test, rng, spec) for spec in custom(rng, hidden)]
    n = len(_tensor_args(test))
    out: list[Case] = []
    if not hidden:
        out.append(_case(test, rng, "basic 1-d", "basic", [(3,)] * n))
        out.append(_case(test, rng, "basic 2-d", "basic", [(2, 3)] * n))
        out.append(_case(test, rng, "non-contiguous", "noncontig", [(3, 2)] * n))
        if test.broadcast:
            out.append(_case(test, rng, "broadcast", "broadcast", [(2, 3), (3,)]))
        return out
    for k in range(2):
        shape = SHAPES[int(rng.integers(len(SHAPES)))]
        out.append(_case(test, rng, f"hidden {k}", "basic", [shape] * n, choice=k + 1))
    shape = SHAPES[int(rng.integers(3))]
    out.append(_case(test, rng, "hidden non-contiguous", "noncontig", [shape] * n, choice=2))
    if test.broadcast:
        for k in rng.choice(len(BROADCAST_PAIRS), size=2, replace=False):
            pair = list(BROADCAST_PAIRS[int(k)])
            if rng.random() < 0.5:
                pair.reverse()
            out.append(_case(test, rng, f"hidden broadcast {k}", "broadcast", pair))
    return out


def _inputs(test: Test, case: Case) -> list[Any]:
    import minigrad

    args: list[Any] = []
    for i, arg in enumerate(test.args):
        if arg.number:
            args.append(_plain(case.meta["numbers"][str(i)]))
            continue
        x = case.arrays[f"arg{i}"]
        if arg.integer:
            args.append(minigrad.tensor(x.astype(np.int64)))
        elif arg.constant:
            args.append(minigrad.tensor(x.copy()))
        elif case.meta["noncontig"]:
            args.append(common.noncontiguous(x))
        else:
            args.append(minigrad.tensor(x.copy(), requires_grad=True))
    return args


def probe(test: Test, obj: Any, case: Case) -> Case:
    """Run the student's Function on ``case``; returns what happened as plain data."""
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not isinstance(obj, type) or not hasattr(obj, "apply"):
        obs.meta["error"] = f"{test.symbol} is not a Function class"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    inputs = _inputs(test, case)
    before = [x.detach().numpy().copy() if hasattr(x, "detach") else x for x in inputs]
    with common.capture_error(obs, "forward"):
        with minigrad.enable_grad():
            out = obj.apply(*inputs)
        obs.arrays["out"] = common.as_array(out, "forward")
        if getattr(out, "grad_fn", None) is None:
            raise TypeError("the forward's result does not require grad; return a float tensor")
        grad = minigrad.tensor(case.arrays["grad"].copy())
        obs.meta["stage"] = "backward"
        with minigrad.no_grad():
            grads = obj.backward(out.grad_fn, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        obs.meta["n_grads"] = len(grads)
        for i, g in enumerate(grads):
            if g is None:
                obs.meta[f"none{i}"] = True
            else:
                what = f"backward's gradient number {i + 1}"
                obs.arrays[f"grad{i}"] = common.as_array(g, what)
    obs.meta["mutated"] = [
        i
        for i, (x, b) in enumerate(zip(inputs, before))
        if hasattr(x, "detach") and not common.same(x.detach().numpy(), b)
    ]
    return obs


def expected(test: Test, case: Case) -> dict[str, Any]:
    """The reference forward and vector-Jacobian products (minigrad's engine, float64),
    checked against central finite differences."""
    import minigrad

    assert test.reference is not None
    tensor_idx = _tensor_args(test)
    args = _reference_args(test, case, requires_grad=True)
    out = test.reference(*args)
    g = case.arrays["grad"]
    grads = minigrad.autograd.grad(out, [args[i] for i in tensor_idx], minigrad.tensor(g))
    exp = {"out": out.detach().numpy().copy(), "grads": {}, "ones": {}}
    ones = minigrad.autograd.grad(
        test.reference(*args), [args[i] for i in tensor_idx], minigrad.ones_like(out)
    )
    for k, i in enumerate(tensor_idx):
        exp["grads"][i] = grads[k].numpy().copy()
        exp["ones"][i] = ones[k].numpy().copy()

    def f(*arrays: np.ndarray) -> np.ndarray:
        vals = list(args)
        for k, i in enumerate(tensor_idx):
            vals[i] = minigrad.tensor(arrays[k])
        with minigrad.no_grad():
            return test.reference(*vals).numpy()

    base = [case.arrays[f"arg{i}"] for i in tensor_idx]
    for k, i in enumerate(tensor_idx):
        fd = common.finite_difference(f, base, k, g)
        if not np.allclose(fd, exp["grads"][i], rtol=1e-4, atol=1e-6):
            raise AssertionError(f"{test.name}: reference and finite differences disagree")
    return exp


def _no_hint(case: Case, i: int | None, got: Any, want: Any, sentence: str) -> str:
    return sentence


def categories(test: Test) -> list[str]:
    """The case categories besides basic and non-contiguous: one property each."""
    return list(test.options.get("categories", ["broadcast"] if test.broadcast else []))


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    """Property verdicts from (case, observation) pairs."""
    extra = categories(test)
    names = ["forward", "shape", "values", *extra, "noncontig", "mutation"]
    found = common.Findings(names)
    arg_names = common.arg_names(test)
    hint = test.options.get("hint", _no_hint)

    for case, obs in zip(cases_, observations):
        cat = case.category
        err = obs.meta.get("error")
        value_prop = "values" if cat == "basic" else cat
        if err:
            err = hint(case, None, None, None, err)
            for prop in names if cat == "basic" else [value_prop]:
                found.fail(prop, err)
            continue
        if obs.meta.get("mutated"):
            which = ", ".join(arg_names[i] for i in obs.meta["mutated"])
            found.fail(
                "mutation",
                f"your Function changes its input {which} in place; compute a new tensor instead",
            )
        exp = expected(test, case)
        if not common.close(obs.arrays.get("out"), exp["out"]):
            sentence = common.forward_problem(obs.arrays.get("out"), exp["out"])
            found.fail(
                "forward" if cat == "basic" else value_prop,
                hint(case, None, obs.arrays.get("out"), exp["out"], sentence),
            )
            continue
        n_args = len(test.args)
        if obs.meta.get("n_grads", 0) < n_args:
            msg = common.count_problem(test, obs.meta.get("n_grads", 0))
            for prop in ("shape", "values", value_prop):
                found.fail(prop, msg)
            continue
        for i, want in exp["grads"].items():
            got, name = obs.arrays.get(f"grad{i}"), arg_names[i]
            if got is None:
                msg = f"backward returned None for {name}, which needs a gradient"
                found.fail("values", msg)
                found.fail(value_prop, msg)
                continue
            if got.shape != want.shape:
                prop = "shape" if cat in ("basic", "noncontig") else value_prop
                sentence = common.shape_problem(
                    arg_names[i], got.shape, want.shape, exp["out"].shape
                )
                found.fail(prop, hint(case, i, got, want, sentence))
                if cat == "basic":
                    found.fail("values", "the gradients have the wrong shape")
                continue
            if not common.close(got, want):
                other = {j: exp["grads"][j] for j in exp["grads"] if j != i}
                sentence = common.value_problem(
                    arg_names[i], got, want, exp["ones"][i], other, arg_names
                )
                found.fail(value_prop, hint(case, i, got, want, sentence))
    # the other properties build on correct values
    carried = found.carry(("values", "forward"), (*extra, "noncontig", "mutation"))
    if not carried and "noncontig" in found:
        problem = found.problems["noncontig"]
        found.problems["noncontig"] = (
            f"fails on non-contiguous inputs (a transposed or sliced view): {problem}"
        )
    return found.properties()
