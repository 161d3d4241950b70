"""Numerical checks of gradients: ``gradcheck`` and ``gradgradcheck`` (float64, full Jacobians).

The analytical Jacobian is built row by row with ``autograd.grad`` and one-hot upstream
gradients; the numerical one column by column with central differences. Comparing full
Jacobians (not ``sum()`` of the output) is what catches errors that cancel out in a sum, such as
a wrong softmax backward.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor
from .engine import grad as autograd_grad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical Jacobians differ."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numerical_jacobians(fn: Callable, inputs: tuple, eps: float) -> list[list[np.ndarray]]:
    """jac[i][j]: d output_j / d input_i as an array (input_i.numel, output_j.numel)."""
    with no_grad():
        outs = [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]
    jac = [[np.zeros((t.numel(), o.numel())) for o in outs] if _differentiable(t) else []
           for t in inputs]  # fmt: skip
    for i, t in enumerate(inputs):
        if not _differentiable(t):
            continue
        data = t._data  # perturbed in place, element by element (any strides), then restored
        for k, idx in enumerate(np.ndindex(data.shape)):
            orig = data[idx]
            data[idx] = orig + eps
            with no_grad():
                plus = [o._data.astype(np.float64).ravel().copy() for o in _outs(fn, inputs)]
            data[idx] = orig - eps
            with no_grad():
                minus = [o._data.astype(np.float64).ravel().copy() for o in _outs(fn, inputs)]
            data[idx] = orig
            for j in range(len(outs)):
                jac[i][j][k] = (plus[j] - minus[j]) / (2 * eps)
    return jac


def _outs(fn: Callable, inputs: tuple) -> list[Tensor]:
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]


def _differentiable(t: Any) -> bool:
    return isinstance(t, Tensor) and t.requires_grad


def _analytical_jacobians(fn: Callable, inputs: tuple) -> list[list[np.ndarray]]:
    diff_inputs = [t for t in inputs if _differentiable(t)]
    outs = _outs(fn, inputs)
    jac = [[np.zeros((t.numel(), o.numel())) for o in outs] if _differentiable(t) else []
           for t in inputs]  # fmt: skip
    positions = [i for i, t in enumerate(inputs) if _differentiable(t)]
    for j, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for r in range(o.numel()):
            onehot = np.zeros(o.numel(), o._data.dtype)
            onehot[r] = 1
            grads = autograd_grad(o, diff_inputs, Tensor._wrap(onehot.reshape(o.shape)),
                                  retain_graph=True, allow_unused=True)  # fmt: skip
            for pos, g in zip(positions, grads, strict=True):
                if g is not None:
                    jac[pos][j][:, r] = g._data.astype(np.float64).ravel()
    return jac


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_ignored: Any,
) -> bool:
    """True if ``func``'s backward matches finite differences for every input/output pair.

    Inputs that require grad should be float64: in float32, finite differences are too coarse
    for a meaningful check (the check warns and compares anyway).
    """
    inputs = _as_tuple(inputs)
    for i, t in enumerate(inputs):
        if _differentiable(t) and t.dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )
    numerical = _numerical_jacobians(func, inputs, eps)
    analytical = _analytical_jacobians(func, inputs)
    for i, (num_i, ana_i) in enumerate(zip(numerical, analytical, strict=True)):
        for j, (n, a) in enumerate(zip(num_i, ana_i, strict=True)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n"
                )
    return True


def _fmt(a: np.ndarray) -> str:
    return Tensor._wrap(a).__repr__()


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Tensor] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
    **_ignored: Any,
) -> bool:
    """gradcheck of the first derivative (computed with ``create_graph=True``)."""
    inputs = _as_tuple(inputs)
    rng = np.random.default_rng(seed)
    if grad_outputs is None:  # one random upstream gradient per differentiable output
        outs = [o for o in _outs(func, inputs) if o.requires_grad]
        grad_outputs = [Tensor._wrap(rng.standard_normal(o.shape).astype(o._data.dtype))
                        for o in outs]  # fmt: skip
        for g in grad_outputs:
            g._requires_grad = True
    grad_outputs = list(grad_outputs)

    def first_derivative(*args: Any) -> tuple:
        """Records a graph even when gradcheck evaluates it under no_grad (finite differences)."""
        ins, gos = args[: len(inputs)], args[len(inputs) :]
        with enable_grad():
            outs = [o for o in _outs(func, ins) if o.requires_grad]
            d_ins = [t for t in ins if _differentiable(t)]
            return autograd_grad(outs, d_ins, list(gos)[: len(outs)], create_graph=True,
                                 allow_unused=True, materialize_grads=True)  # fmt: skip

    return gradcheck(first_derivative, (*inputs, *grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)  # fmt: skip
