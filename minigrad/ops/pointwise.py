"""Comparisons and selection: eq gt ... (not differentiable), where, maximum, masked_fill."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtypes import result_type
from .._errors import runtime_error
from .._tensor import Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import _State
from ._common import as_tensor_arg, binary, broadcast_error, data


def _compare(ufunc: Any) -> Any:
    def compare(input: Any, other: Any) -> Tensor:
        return Tensor._wrap(binary(ufunc, input, as_tensor_arg(other)))

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Element-wise ``{ufunc.__name__}``; returns a bool tensor (no gradient)."
    return compare


eq = _compare(np.equal)
ne = _compare(np.not_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)


def _logical(ufunc: Any, name: str) -> Any:
    def logical(input: Any, other: Any) -> Tensor:
        other = as_tensor_arg(other)
        dt = result_type(input, other)
        if dt.is_floating_point:
            kind = "Double" if dt.itemsize == 8 else "Float"
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{kind}'")
        return Tensor._wrap(binary(ufunc, input, other))

    return logical


bitwise_and = _logical(np.bitwise_and, "bitwise_and")
bitwise_or = _logical(np.bitwise_or, "bitwise_or")
bitwise_xor = _logical(np.bitwise_xor, "bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    if input._data.dtype.kind == "f":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return Tensor._wrap(np.invert(input._data))


def logical_not(input: Tensor) -> Tensor:
    return Tensor._wrap(np.logical_not(input._data))


def logical_and(input: Tensor, other: Any) -> Tensor:
    return Tensor._wrap(np.logical_and(input._data, data(other)))


def logical_or(input: Tensor, other: Any) -> Tensor:
    return Tensor._wrap(np.logical_or(input._data, data(other)))


def isnan(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isnan(input._data))


def isinf(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isinf(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isfinite(input._data))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and values."""
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
             equal_nan: bool = False) -> bool:  # fmt: skip
    return bool(np.allclose(input._data, other._data, rtol, atol, equal_nan))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8,
            equal_nan: bool = False) -> Tensor:  # fmt: skip
    return Tensor._wrap(np.isclose(input._data, data(other), rtol, atol, equal_nan))


class Where(Function):
    node_name, inputs = "WhereBackward0", 3

    @staticmethod
    def forward(ctx: Any, cond: Tensor, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(cond)
        x, y = _promote_pair(a, b)
        try:
            return np.asarray(np.where(cond._data, x, y))
        except ValueError:
            raise broadcast_error(a, b) from None

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        (cond,) = ctx.saved_tensors
        keep = np.broadcast_to(cond._data, grad.shape)
        return None, keep_grad(grad, keep), keep_grad(grad, ~keep)


def _promote_pair(a: Any, b: Any) -> tuple[Any, Any]:
    from ._common import promote

    return promote(a, b)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """``where(cond, a, b)`` picks from a where cond holds, else b; ``where(cond)`` gives the
    indices of true elements."""
    if input is None and other is None:
        return tuple(Tensor._wrap(i) for i in np.nonzero(condition._data))
    if condition._data.dtype != np.bool_:
        raise runtime_error(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype.scalar_name}"
        )
    return Where.apply(condition, as_tensor_arg(input), as_tensor_arg(other))


class Maximum(Function):
    """Element-wise max of two tensors; ties split the gradient in half (as PyTorch does)."""

    node_name, inputs = "MaximumBackward0", 2
    _pick = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx: Any, a: Tensor, b: Tensor) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return binary(cls._pick, a, b)

    @classmethod
    def backward(cls, ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        x, y = np.broadcast_arrays(a._data, b._data)
        wins = cls._pick(x, y) == x
        tie = x == y
        half = Tensor._wrap(np.where(tie, 0.5, 1.0).astype(grad._data.dtype))
        g = grad * half if tie.any() else grad
        return keep_grad(g, wins | tie), keep_grad(g, ~wins | tie)


class Minimum(Maximum):
    node_name = "MinimumBackward0"
    _pick = staticmethod(np.minimum)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return Maximum.apply(input, as_tensor_arg(other))


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return Minimum.apply(input, as_tensor_arg(other))


class MaskedFill(Function):
    node_name, inputs = "MaskedFillBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, mask: Tensor, value: Any) -> np.ndarray:
        ctx.save_for_backward(mask)
        try:
            out = np.where(mask._data, np.asarray(data(value), x._data.dtype), x._data)
        except ValueError:
            raise broadcast_error(mask, x) from None
        if out.shape != x._data.shape:
            raise runtime_error(
                f"masked_fill_ only supports a mask that broadcasts to the tensor's shape "
                f"{list(x.shape)}, got {list(mask.shape)}"
            )
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        (mask,) = ctx.saved_tensors
        return keep_grad(grad, ~np.broadcast_to(mask._data, grad.shape)), None, None


def keep_grad(grad: Tensor, keep: np.ndarray) -> Tensor:
    """``grad`` where ``keep`` holds, +0 elsewhere. ``grad * keep`` would leave -0 under negative
    gradients (printed ``-0.``); PyTorch's masked backward formulas (relu, clamp, where, max,
    masked_fill, index_put ...) use ``where`` and never do. Differentiable in ``grad``."""
    if not _State.enabled:  # plain backward: one numpy call
        return Tensor._wrap(np.where(keep, grad._data, grad._data.dtype.type(0)))
    return MaskedFill.apply(grad, Tensor._wrap(~np.broadcast_to(keep, grad.shape)), 0.0)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    if mask._data.dtype != np.bool_:
        raise runtime_error(
            f"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.c_name}"
        )
    return MaskedFill.apply(input, mask, value)
