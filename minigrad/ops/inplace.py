"""In-place operations (``add_``, ``+=``, ``x[0] = v``, ...) and how they rewrite history.

An in-place op computes the out-of-place result, writes it into the tensor's memory and bumps
the version counter shared with every view. When a graph is recorded it also rebases history:

* a tensor that is not a view gets the op's node as its new ``grad_fn`` (``y.add_(1)`` ->
  ``AddBackward0``);
* a view writes into its base, so the *base* gets a ``CopySlices`` node that routes the
  gradient of the written region to the new value and the rest to the base's old history.

Leaves that require grad refuse in-place changes while grad mode is on (PyTorch's rule).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtypes import category
from .._errors import runtime_error
from .._tensor import Tensor
from ..autograd.function import (
    Function,
    FunctionCtx,
    _check_inplace_allowed,
    _SavedOutput,
)
from ..autograd.grad_mode import _State
from .shape import replay_view


def inplace(self: Tensor, fn: type[Function], *args: Any, allow_cast: bool = False) -> Tensor:
    """Run ``fn(self, *args)`` and store the result in ``self``."""
    if _State.enabled and (
        self.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args)
    ):
        _check_inplace_allowed(self)
        _check_multi_output_view(self)
        out = fn.apply(_snapshot(self), *args)
        _write(self, out._data, allow_cast)
        _rebase_history(self, out)
    else:
        _write(self, fn.forward(FunctionCtx(), self, *args), allow_cast)
    return self


def _check_multi_output_view(t: Tensor) -> None:
    """Views made by split/chunk/unbind (or views of them) may not be changed in place while
    a graph is recorded (PyTorch's rule: their shared history could not be rewritten)."""
    chain = t._view_chain
    if not chain:
        return
    for fn, _ in chain:
        if getattr(fn, "multi_output_view", None):
            last, last_params = chain[-1]
            name = getattr(last, "multi_output_view", None)
            nr = 0
            if name:
                nr = last_params[-1] if name != "Unbind" else last_params[1]
            else:
                name = last.node_name.removesuffix("Backward0")
            raise runtime_error(
                f"Output {nr} of {name} is a view and is being modified inplace. This view is the "
                "output of a function that returns multiple views. Such functions do not allow "
                "the output views to be modified inplace. You should replace the inplace "
                "operation by an out-of-place one."
            )


def _snapshot(t: Tensor) -> Tensor:
    """The tensor's current value with its history, in separate memory (the op may save it)."""
    s = Tensor._wrap(t._data.copy())
    s._grad_fn, s._output_nr, s._requires_grad = t.grad_fn, t._output_nr, t.requires_grad
    return s


def _write(self: Tensor, result: np.ndarray, allow_cast: bool) -> None:
    result = np.asarray(result)
    src, dst = result.dtype, self._data.dtype
    if not allow_cast and src != dst:
        from .._dtypes import from_numpy_dtype

        s, d = from_numpy_dtype(src), from_numpy_dtype(dst)
        if category(s) > category(d):
            raise runtime_error(
                f"result type {s.scalar_name} can't be cast to the desired output type "
                f"{d.scalar_name}",
                "an in-place op keeps the tensor's dtype; use the out-of-place form "
                "(x = x / 2) or convert first (x = x.float()).",
            )
    if result.shape != self._data.shape:
        try:
            target = np.broadcast_shapes(result.shape, self._data.shape)
        except ValueError:
            target = None
        if target != self._data.shape:
            raise runtime_error(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                f"{list(target or result.shape)}"
            )
    if not self._data.flags.writeable:
        raise runtime_error(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.",
        )
    np.copyto(self._data, result, casting="unsafe")
    self._version.bump()


def _rebase_history(self: Tensor, out: Tensor) -> None:
    if self._base is None:
        self._grad_fn, self._output_nr, self._requires_grad = out._grad_fn, 0, True
        for s in out._grad_fn._saved or ():
            if isinstance(s, _SavedOutput) and s.data is out._data:
                s.data, s.version, s.expected = self._data, self._version, self._version.value
        return
    base = self._base
    src = Tensor._wrap(base._data)
    src._grad_fn, src._output_nr, src._requires_grad = (
        base._grad_fn,
        base._output_nr,
        base._requires_grad,
    )
    node = CopySlices.apply(src, out, self._view_chain)._grad_fn
    base._grad_fn, base._output_nr, base._requires_grad = node, 0, True


class CopySlices(Function):
    """The base's node after a write through one of its views."""

    node_name, inputs = "CopySlices", 2

    @staticmethod
    def forward(ctx: Any, base: Tensor, value: Tensor, chain: tuple) -> np.ndarray:
        ctx.chain = chain
        ctx.save_for_backward(None)  # like PyTorch's, this node cannot run twice
        return base._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        ctx.saved_tensors  # noqa: B018 - raises if the graph was freed
        from .pointwise import keep_grad

        outside = np.ones(grad.shape, bool)
        replay_view(Tensor._wrap(outside), ctx.chain)._data[...] = False
        grad_value = replay_view(grad, ctx.chain, record=_State.enabled)
        return keep_grad(grad, outside), grad_value, None


class Copy(Function):
    node_name, inputs = "CopyBackwards", 2

    @staticmethod
    def forward(ctx: Any, x: Tensor, src: Any) -> np.ndarray:
        s = src._data if isinstance(src, Tensor) else src
        try:
            return np.broadcast_to(np.asarray(s, x._data.dtype), x._data.shape).copy()
        except ValueError:
            raise runtime_error(
                f"The size of tensor a ({x.shape[-1] if x.ndim else 1}) must match the size of "
                f"tensor b ({np.shape(s)[-1] if np.ndim(s) else 1}) at non-singleton dimension "
                f"{max(x.ndim - 1, 0)}"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        # the overwritten values get a zero gradient (PyTorch: a materialised zero tensor)
        old = Tensor._wrap(np.zeros_like(grad._data)) if ctx.needs_input_grad[0] else None
        return old, grad


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    return inplace(self, Copy, src, allow_cast=True)


class Fill(Function):
    """``fill_(number)``; ``fill_(0-dim tensor)`` is FillTensor."""

    node_name, inputs = "FillBackward2", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, value: Any) -> np.ndarray:
        v = value._data if isinstance(value, Tensor) else value
        return np.full(x._data.shape, v, dtype=np.result_type(x._data.dtype, np.asarray(v)))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        # the overwritten values get a zero gradient (PyTorch: a materialised zero tensor)
        old = Tensor._wrap(np.zeros_like(grad._data)) if ctx.needs_input_grad[0] else None
        return old, grad.sum() if ctx.needs_input_grad[1:2] == (True,) else None


class FillTensor(Fill):
    node_name, inputs = "FillBackward3", 2


class Zero(Fill):
    node_name = "ZeroBackward0"


def fill_(self: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor) and value.ndim:
        raise runtime_error(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.ndim} dimensions."
        )
    return inplace(self, FillTensor if isinstance(value, Tensor) else Fill, value, allow_cast=True)


def zero_(self: Tensor) -> Tensor:
    return inplace(self, Zero, 0, allow_cast=True)
