"""The gradient-descent explorer's model: a loss of one or two variables, the iterates of
``x ← x − lr·∇f(x)`` with gradients from minigrad's autograd, and a verdict on the run.

Plain Python and numpy (no widget library), so tests drive it directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import minigrad as torch
from minigrad import Tensor

from ._expr import evaluate, parse

VERDICTS = ("converging", "slow", "oscillating", "diverging")
LIMIT = 1e12  # an iterate or loss beyond this counts as gone to infinity


@dataclass(frozen=True)
class Run:
    """The iterates of one learning rate, up to ``steps`` or the first non-finite value."""

    lr: float
    points: np.ndarray  # (k + 1, dim)
    losses: np.ndarray  # (k + 1,)
    grads: np.ndarray  # (k + 1, dim)
    overflow: bool  # stopped early: the values left the floating-point range
    verdict: str  # one of VERDICTS
    shrinking: bool  # the steps get shorter


class GDState:
    """Gradient descent on ``f`` (``'x**2'``, ``'x**2 + 3*y**2'``) from ``x0``.

    ``bounds``: the plotted box ``((x_lo, x_hi),)`` or ``((x_lo, x_hi), (y_lo, y_hi))``, by
    default around the first run's iterates.
    """

    def __init__(
        self,
        f: str = "x**2",
        x0: float | Sequence[float] | None = None,
        lr: float = 0.1,
        steps: int = 30,
        bounds: Sequence[Sequence[float]] | None = None,
    ) -> None:
        self.source = f
        self.program = parse(f)
        self.names = self.program.inputs
        if len(self.names) not in (1, 2):
            raise ValueError(f"f must use one or two variables (x, or x and y), not "
                             f"{len(self.names)}: {', '.join(self.names) or 'none'}")  # fmt: skip
        self.dim = len(self.names)
        if x0 is None:
            x0 = (3.0,) if self.dim == 1 else (3.0, 2.0)
        try:
            self.x0 = np.asarray(x0, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise TypeError(f"x0 must be a number or a sequence of {self.dim} numbers (the "
                            f"starting point), not {x0!r}") from None  # fmt: skip
        if self.x0.size != self.dim:
            raise ValueError(f"x0 needs {self.dim} number(s), got {self.x0.size}")
        if int(steps) < 1:
            raise ValueError("steps must be at least 1")
        self.steps = int(steps)
        self.step = 0
        self.set_lr(lr)
        self.bounds = self._bounds() if bounds is None else np.asarray(bounds, np.float64)

    # ----- autograd ---------------------------------------------------------------------
    def value_and_grad(self, p: Sequence[float]) -> tuple[float, np.ndarray]:
        """``f(p)`` and its gradient, from one minigrad forward and backward pass."""
        inputs = {n: torch.tensor(float(v), dtype=torch.float64, requires_grad=True)
                  for n, v in zip(self.names, p)}  # fmt: skip
        with np.errstate(all="ignore"):
            out = evaluate(self.program, inputs).output
            if not isinstance(out, Tensor):
                return float(out), np.zeros(self.dim)
            if out.numel() != 1:
                raise ValueError(f"f must give one number, not a tensor of shape {out.shape}")
            if out.grad_fn is None:
                return float(out.item()), np.zeros(self.dim)
            grads = torch.autograd.grad(out, list(inputs.values()), allow_unused=True)
        g = [0.0 if gi is None else float(gi.item()) for gi in grads]
        return float(out.item()), np.array(g)

    def values(self, *axes: np.ndarray) -> np.ndarray:
        """``f`` on a grid (no gradients): ``values(xs)`` or ``values(X, Y)``."""
        inputs = {n: torch.tensor(a, dtype=torch.float64) for n, a in zip(self.names, axes)}
        with torch.no_grad(), np.errstate(all="ignore"):
            out = evaluate(self.program, inputs).output
            if isinstance(out, Tensor) and tuple(out.shape) == axes[0].shape:
                return out.numpy().astype(np.float64)
            if not isinstance(out, Tensor):
                return np.full(axes[0].shape, float(out))
            flat = [self.value_and_grad(p)[0] for p in zip(*(a.ravel() for a in axes))]
        return np.array(flat).reshape(axes[0].shape)

    # ----- the run ----------------------------------------------------------------------
    def set_lr(self, lr: float) -> Run:
        """Recompute the iterates for learning rate ``lr``."""
        if not lr > 0:
            raise ValueError(f"the learning rate must be positive, not {lr}")
        self.lr = float(lr)
        points, losses, grads = [self.x0], [], []
        overflow = False
        for _ in range(self.steps + 1):
            loss, g = self.value_and_grad(points[-1])
            if not (np.isfinite(loss) and np.all(np.isfinite(g)) and abs(loss) < LIMIT):
                overflow = True
                points.pop()
                break
            losses.append(loss)
            grads.append(g)
            if len(points) == self.steps + 1:
                break
            nxt = points[-1] - self.lr * g
            if not np.all(np.abs(nxt) < LIMIT):
                overflow = True
                break
            points.append(nxt)
        pts = np.array(points).reshape(-1, self.dim)
        verdict, shrinking = classify(pts, np.array(losses), overflow)
        self.run = Run(self.lr, pts, np.array(losses), np.array(grads).reshape(-1, self.dim),
                       overflow, verdict, shrinking)  # fmt: skip
        return self.run

    def at(self, k: int | None = None) -> int:
        """The index of the iterate shown at step ``k`` (the last one if the run stopped)."""
        k = self.step if k is None else k
        return max(0, min(int(k), len(self.run.points) - 1))

    def tangent(self, k: int | None = None) -> tuple[float, float]:
        """Slope and intercept of the tangent at iterate ``k`` (one variable)."""
        i = self.at(k)
        x, y, g = self.run.points[i, 0], self.run.losses[i], self.run.grads[i, 0]
        return float(g), float(y - g * x)

    def _bounds(self) -> np.ndarray:
        """A square box around the iterates that stay near the start, centred on the best."""
        pts = self.run.points
        near = pts[np.all(np.abs(pts) <= 10 * (np.abs(self.x0).max() + 1), axis=1)]
        centre = pts[int(np.argmin(self.run.losses))] if len(self.run.losses) else self.x0
        half = max(float(np.abs(near - centre).max()) * 1.3, 1.0)
        return np.stack([centre - half, centre + half], axis=1)


def classify(points: np.ndarray, losses: np.ndarray, overflow: bool) -> tuple[str, bool]:
    """``(verdict, shrinking)`` from the iterates: diverging (steps grow or overflow),
    oscillating (most steps reverse the previous one), slow (steps shrink by less than 3% per
    step), else converging."""
    if overflow:
        return "diverging", False
    steps = np.diff(points, axis=0)
    norms = np.linalg.norm(steps, axis=1)
    if len(norms) == 0 or norms[0] == 0:
        return "converging", True  # started at a stationary point
    first, last = norms[0], norms[-1]
    ratio = (last / first) ** (1 / max(len(norms) - 1, 1))
    tol = 1e-9 * max(1.0, abs(losses[0]))
    if ratio > 1 + 1e-6 or losses[-1] > losses[0] + tol:
        return "diverging", False
    moving = norms > 1e-12 * first
    pairs = moving[:-1] & moving[1:]
    reversed_ = np.einsum("ij,ij->i", steps[:-1], steps[1:]) < 0
    if pairs.any() and reversed_[pairs].mean() > 0.5:
        return "oscillating", ratio < 1 - 1e-6
    if ratio > 0.97 and last > 1e-6 * first:
        return "slow", True
    return "converging", True
