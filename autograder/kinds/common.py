"""Helpers shared by the test kinds: input layouts, comparisons, and the one-sentence wording of
each kind of mistake."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..isolation import EngineBlocked, ReferenceBlocked, is_library
from ..spec import Test
from ..verdict import Property

WEIGHTS = {
    "forward": 1.0,
    "shape": 1.0,
    "values": 4.0,
    "broadcast": 2.0,
    "noncontig": 1.0,
    "mutation": 1.0,
    "keepdim": 2.0,
    "batched": 2.0,
    "stable": 1.0,
    # the engine
    "accumulate": 2.0,
    "order": 2.0,
    "once": 2.0,
    "deep": 2.0,
    "leaves": 1.0,
    # a model and its training
    "update": 4.0,
    "still_leaf": 1.0,
    "params": 1.0,
    "symmetry": 2.0,
    "scale": 1.0,
    "learns": 1.0,
    "training": 3.0,
}
RTOL, ATOL = 1e-5, 1e-8
REFERENCE_ERROR = (
    "your {symbol} is minigrad's own implementation (or a subclass of it); write your own"
)


class Findings:
    """A judge's bookkeeping: which of its properties failed, and the first sentence why.

    Every kind's ``judge`` keeps the same books (one sentence per property, the first one
    recorded wins, a failure of a basic property carried over to those that build on it, the
    verdicts in a fixed order with their weights), so the rule lives here once and cannot drift
    between kinds.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)
        self.problems: dict[str, str | None] = {n: None for n in self.names}
        self.failed: set[str] = set()

    def __contains__(self, prop: str) -> bool:
        """``prop in findings``: the property has failed."""
        return prop in self.failed

    def fail(self, prop: str, sentence: str) -> None:
        """Mark ``prop`` failed; its sentence stays the first (non-empty) one recorded."""
        self.failed.add(prop)
        self.problems[prop] = self.problems.get(prop) or sentence

    def carry(self, sources: str | tuple[str, ...], targets: Iterable[str]) -> bool:
        """If any of ``sources`` failed, fail every target too, with the first source's sentence.
        Returns whether it did."""
        sources = (sources,) if isinstance(sources, str) else sources
        if not self.failed.intersection(sources):
            return False
        sentence = next((s for s in (self.problems.get(p) for p in sources) if s), "")
        for prop in targets:
            self.fail(prop, sentence)
        return True

    def properties(self) -> list[Property]:
        """One verdict per property, in the order of ``names``, weighted by ``WEIGHTS``."""
        return [Property(n, WEIGHTS[n], n not in self.failed, self.problems[n]) for n in self.names]


def arg_names(test: Test) -> list[str]:
    return list(test.options.get("arg_names", ["a", "b", "c"] if len(test.args) > 1 else ["x"]))


def noncontiguous(x: np.ndarray) -> Any:
    """A leaf tensor holding ``x`` as a non-contiguous view: the axes of a contiguous array
    reversed (a transpose), or every other element for a 1-d ``x``."""
    import minigrad

    if x.ndim >= 2:
        base = minigrad.tensor(np.ascontiguousarray(x.transpose()))
        view = base.permute(*reversed(range(x.ndim)))
    else:
        wide = np.zeros(x.shape[:-1] + (2 * x.shape[-1],), dtype=x.dtype)
        wide[..., ::2] = x
        view = minigrad.tensor(wide)[..., ::2]
    return view.detach().requires_grad_()


def is_reference(obj: Any, test: Test) -> bool:
    """The student's answer is (or inherits from) minigrad's own implementation."""
    from minigrad.autograd import Function

    if isinstance(obj, type):
        return any(is_library(b) for b in obj.__mro__ if b not in (Function, object))
    return is_library(obj)


def as_array(t: Any, what: str) -> np.ndarray:
    import minigrad

    if isinstance(t, minigrad.Tensor):
        return np.array(t.detach().numpy(), dtype=np.float64, copy=True)
    if isinstance(t, np.ndarray):
        raise TypeError(f"{what} is a numpy array; return a minigrad tensor (minigrad.tensor(...))")
    type_name = type(t).__name__
    raise TypeError(f"{what} is a {type_name}, expected a tensor")


def same(a: Any, b: Any) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def close(got: np.ndarray | None, want: np.ndarray) -> bool:
    if got is None or got.shape != want.shape:
        return False
    return bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def finite_difference(
    f: Callable[..., np.ndarray], base: list[np.ndarray], k: int, g: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central differences of sum(g * f(...)) with respect to ``base[k]``, in float64."""
    out = np.zeros_like(base[k])
    for idx in np.ndindex(base[k].shape):
        args_p = [b.copy() for b in base]
        args_m = [b.copy() for b in base]
        args_p[k][idx] += eps
        args_m[k][idx] -= eps
        out[idx] = (np.sum(g * f(*args_p)) - np.sum(g * f(*args_m))) / (2 * eps)
    return out


def _line(tb: Any) -> int | None:
    """The line of the student's cell where an exception was raised, if it was in a cell."""
    for frame in reversed(traceback.extract_tb(tb)):
        if frame.filename.startswith(("<cell", "<ipython-input")) or "ipykernel" in frame.filename:
            return frame.lineno
    return None


@contextmanager
def capture_error(obs: Any, stage: str) -> Iterator[None]:
    """Record an exception from the student's code as one sentence in ``obs.meta['error']``
    (``stage`` names the student's code that ran: "forward", "backward", ...; the block may
    change ``obs.meta["stage"]`` as it goes)."""
    obs.meta["stage"] = stage
    try:
        yield
    except (ReferenceBlocked, EngineBlocked) as e:
        stage = obs.meta["stage"]
        obs.meta["error"] = f"your {stage}: {e}"
    except NotImplementedError:
        stage = obs.meta["stage"]
        obs.meta["error"] = f"your {stage} is not written yet (NotImplementedError)"
    except (Exception, SystemExit) as e:  # noqa: BLE001 - any failure of student code is data
        stage, exception = obs.meta["stage"], type(e).__name__
        message = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
        if message:
            sentence = f"your {stage} raised {exception}: {message}"
        else:
            sentence = f"your {stage} raised {exception}"
        line = _line(e.__traceback__)
        obs.meta["error"] = sentence if line is None else f"{sentence} (line {line} of your cell)"


def forward_problem(got: np.ndarray | None, want: np.ndarray) -> str:
    if got is None:
        return "your forward returned nothing"
    if got.shape != want.shape:
        got_shape, want_shape = tuple(got.shape), tuple(want.shape)
        return f"your forward returns shape {got_shape}, expected {want_shape}"
    return "your forward computes wrong values"


def count_problem(test: Test, n: int) -> str:
    n_args = len(test.args)
    return (
        f"backward must return one gradient per forward argument ({n_args} here, None "
        f"for arguments that need none, such as plain numbers), got {n}"
    )


def shape_problem(name: str, got: tuple, want: tuple, out: tuple) -> str:
    got, want, out = tuple(got), tuple(want), tuple(out)
    if got == out and want != out:
        return (
            f"missing un-broadcast: the gradient for {name} has the output's shape {got} instead "
            f"of {name}'s shape {want}; sum it over the broadcast dimensions"
        )
    if got == want[::-1]:
        return f"the gradient for {name} has shape {got}, expected {want}: a missing transpose"
    return f"the gradient for {name} has shape {got}, expected {want}"


def _ratio(got: np.ndarray, want: np.ndarray) -> float | None:
    denom = float(np.sum(want * want))
    if denom == 0:
        return None
    c = float(np.sum(got * want)) / denom
    return c if np.allclose(got, c * want, rtol=1e-4, atol=1e-7) else None


def value_problem(
    name: str,
    got: np.ndarray,
    want: np.ndarray,
    ones: np.ndarray,
    others: dict[int, np.ndarray],
    names: list[str],
) -> str:
    """One sentence naming the mistake in a gradient of the right shape."""
    if not np.isfinite(got).all() and np.isfinite(want).all():
        return (
            f"the gradient for {name} contains NaN or inf where the true gradient is finite "
            "(a log or power of a negative number, or a division by zero?)"
        )
    if np.allclose(got, -want, rtol=RTOL, atol=ATOL):
        return f"sign error: the gradient for {name} is the negative of the correct one"
    for j, other in others.items():
        if other.shape == got.shape and np.allclose(got, other, rtol=RTOL, atol=ATOL):
            owner = names[j]
            return (
                f"gradient in the wrong place: the gradient returned for {name} is the one that "
                f"belongs to {owner}"
            )
    if ones.shape == got.shape and np.allclose(got, ones, rtol=RTOL, atol=ATOL):
        return (
            f"the gradient for {name} ignores the incoming gradient: multiply the local "
            "derivative by grad_output"
        )
    c = _ratio(got, want)
    if c is not None and abs(c) > 1e-6:
        return (
            f"the gradient for {name} is off by a constant factor: it is {c:.3g} times the "
            "correct one"
        )
    err = float(np.max(np.abs(got - want)))
    return f"the gradient for {name} has wrong values (largest error {err:.2g})"
