"""+ - * / ** and negation, each a Function with its forward and backward side by side.

Gradients may come out broadcast (``grad * b`` has the output's shape); the engine sums them
back to each input's shape, so no op repeats that bookkeeping.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from ._common import as_tensor_arg, binary, data


class Add(Function):
    node_name, inputs = "AddBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        return binary(np.add, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad, grad


def _check_bool_sub(a: Any, b: Any) -> None:
    """PyTorch refuses ``-`` as soon as one operand (Python bools included) is boolean."""
    is_bool = [
        x._data.dtype == np.bool_ if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_))
        for x in (a, b)
    ]
    if all(is_bool):
        from .._errors import runtime_error

        raise runtime_error(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    if any(is_bool):
        from .._errors import runtime_error

        raise runtime_error(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


class Sub(Function):
    node_name, inputs = "SubBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        _check_bool_sub(a, b)
        return binary(np.subtract, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad, -grad if ctx.needs_input_grad[1] else None


class Rsub(Function):
    """``number - tensor``."""

    node_name, inputs = "RsubBackward1", 1

    @staticmethod
    def forward(ctx: Any, a: Tensor, number: Any) -> np.ndarray:
        _check_bool_sub(number, a)
        return binary(np.subtract, number, a)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return -grad, None


class Mul(Function):
    node_name, inputs = "MulBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return binary(np.multiply, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None, grad * a if need_b else None)


class Div(Function):
    node_name, inputs = "DivBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a if ctx.needs_input_grad[1:2] == (True,) else None, b)
        x, y = data(a), data(b)
        if _is_integral(x) and _is_integral(y):  # true division of integers gives floats
            a, b = _as_default_float(a), _as_default_float(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return binary(np.true_divide, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None, -grad * a / (b * b) if need_b else None)


class Neg(Function):
    node_name, inputs = "NegBackward0", 1

    @staticmethod
    def forward(ctx: Any, a: Tensor) -> np.ndarray:
        if a._data.dtype == np.bool_:
            from .._errors import runtime_error

            raise runtime_error(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                "to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return np.negative(a._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return -grad


class Reciprocal(Function):
    node_name, inputs = "ReciprocalBackward0", 1

    @staticmethod
    def forward(ctx: Any, a: Tensor) -> np.ndarray:
        x = _as_default_float(a)._data if _is_integral(a._data) else a._data
        with np.errstate(divide="ignore"):
            out = np.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (r,) = ctx.saved_tensors
        return -grad * r * r


class Pow(Function):
    """``tensor ** number``."""

    node_name, inputs = "PowBackward0", 1

    @staticmethod
    def forward(ctx: Any, a: Tensor, exponent: Any) -> np.ndarray:
        ctx.save_for_backward(a, exponent)
        if _is_integral(a._data) and isinstance(exponent, int) and exponent < 0:
            from .._errors import runtime_error

            raise runtime_error("Integers to negative integer powers are not allowed.")
        with np.errstate(divide="ignore", invalid="ignore"):
            return binary(np.power, a, exponent)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, exponent = ctx.saved_tensors
        if exponent == 0:
            return Tensor._wrap(np.zeros_like(grad._data)), None  # +0, as PyTorch
        return grad * exponent * a ** (exponent - 1), None


class PowTensor(Function):
    """``tensor ** tensor``."""

    node_name, inputs = "PowBackward1", 2

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = binary(np.power, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad * b * a ** (b - 1) if need_a else None
        grad_b = None
        if need_b:  # d/db a**b = a**b * log(a), taken as 0 where a == 0 and b >= 0
            mask = Tensor._wrap((a._data == 0) & (b._data >= 0))
            grad_b = (grad * out * a.log()).masked_fill(mask, 0.0)
        return grad_a, grad_b


class RPow(Function):
    """``number ** tensor``."""

    node_name, inputs = "PowBackward2", 1

    @staticmethod
    def forward(ctx: Any, exponent: Tensor, base: Any) -> np.ndarray:
        out = binary(np.power, base, exponent)
        ctx.save_for_backward(out, base)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        out, base = ctx.saved_tensors
        return grad * out * float(np.log(base)), None


def _is_integral(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "biu"
    return isinstance(x, (int, np.integer, bool))


def _as_default_float(x: Any) -> Any:
    from .._dtypes import get_default_dtype

    if isinstance(x, Tensor) and x._data.dtype.kind in "biu":
        return Tensor._wrap(x._data.astype(get_default_dtype().np))
    return float(x) if isinstance(x, (int, np.integer, bool)) else x


# ----- the public functions (torch.add, Tensor.__add__, ...) -----------------------------------
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    other = as_tensor_arg(other)
    if alpha != 1:
        other = mul(other, alpha)
    return Add.apply(input, other)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    other = as_tensor_arg(other)
    if alpha != 1:
        other = mul(other, alpha)
    return Sub.apply(input, other)


def rsub(input: Tensor, other: Any) -> Tensor:
    other = as_tensor_arg(other)
    if isinstance(other, Tensor):
        return Sub.apply(other, input)
    return Rsub.apply(input, other)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, as_tensor_arg(other))


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    other = as_tensor_arg(other)
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode == "trunc":
        q = Div.apply(input, other).detach()
        out = Tensor._wrap(np.trunc(q._data))
        return out.to(_result_dtype(input, other))
    from .._errors import runtime_error

    raise runtime_error(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


def rdiv(input: Tensor, other: Any) -> Tensor:
    """``number / tensor`` is ``reciprocal(tensor) * number`` (PyTorch: MulBackward0)."""
    other = as_tensor_arg(other)
    if isinstance(other, Tensor):
        return Div.apply(other, input)
    return Mul.apply(Reciprocal.apply(input), other)


def neg(input: Tensor) -> Tensor:
    return Neg.apply(input)


def reciprocal(input: Tensor) -> Tensor:
    return Reciprocal.apply(input)


def pow(input: Any, exponent: Any) -> Tensor:
    exponent = as_tensor_arg(exponent, "exponent")
    if not isinstance(input, Tensor):
        return RPow.apply(exponent, input)
    if isinstance(exponent, Tensor):
        return PowTensor.apply(input, exponent)
    return Pow.apply(input, exponent)


def rpow(input: Tensor, other: Any) -> Tensor:
    return pow(as_tensor_arg(other), input)


def square(input: Tensor) -> Tensor:
    return Pow.apply(input, 2)


def floor_divide(input: Any, other: Any) -> Tensor:
    """Not differentiable (PyTorch has no derivative for it either)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return Tensor._wrap(binary(np.floor_divide, input, as_tensor_arg(other)))


def rfloordiv(input: Tensor, other: Any) -> Tensor:
    return floor_divide(as_tensor_arg(other), input)


class Remainder(Function):
    """``tensor % tensor`` (``x % 2``, with a number, is RemainderScalar)."""

    node_name, inputs = "RemainderBackward1", 2

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return binary(_remainder, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_b = ctx.needs_input_grad[1]
        return grad, (-grad * floor_divide(a, b)) if need_b else None


def _remainder(x: Any, y: Any) -> Any:
    """PyTorch's float remainder: fmod, shifted by y when the signs differ, so an exact zero
    keeps x's sign (``-1.5 % 0.5`` is -0.); numpy's takes y's sign."""
    m = np.fmod(x, y)
    if np.asarray(m).dtype.kind != "f":
        return np.remainder(x, y)
    return np.where((m != 0) & ((np.asarray(y) < 0) != (m < 0)), m + y, m)


class RemainderScalar(Remainder):
    node_name = "RemainderBackward0"


def remainder(input: Any, other: Any) -> Tensor:
    other = as_tensor_arg(other)
    fn = Remainder if isinstance(other, Tensor) else RemainderScalar
    return fn.apply(input, other)


def rmod(input: Tensor, other: Any) -> Tensor:
    return remainder(as_tensor_arg(other), input)


def _result_dtype(a: Any, b: Any) -> Any:
    from .._dtypes import result_type

    return result_type(a, b)
