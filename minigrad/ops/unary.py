"""Element-wise functions: abs sqrt exp log sin cos tanh sigmoid relu clamp and friends.

Each backward is the local derivative times the incoming gradient, written with minigrad ops
so that ``create_graph=True`` can differentiate it again. Functions whose derivative is easiest
in terms of their result (exp, tanh, sigmoid, sqrt, relu) save the output instead of the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtypes import get_default_dtype
from .._tensor import Tensor
from ..autograd.function import Function
from .pointwise import keep_grad


def floating(x: Tensor) -> np.ndarray:
    """Integer and bool inputs of math functions compute in the default float dtype."""
    d = x._data
    return d if d.dtype.kind == "f" else d.astype(get_default_dtype().np)


def _ufunc(fn: Any, x: Tensor, via_float64: bool = True) -> np.ndarray:
    """exp, sin, cos, tanh of float32 values are evaluated in float64 and rounded once: measured
    against PyTorch 2.13, that agrees to the last bit 95-99.9% of the time, numpy's float32
    kernels only 60-85%. (For log, numpy's float32 kernel agrees on the course's examples.)"""
    d = floating(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if via_float64 and d.dtype == np.float32:
            return np.asarray(fn(d.astype(np.float64))).astype(np.float32)
        return np.asarray(fn(d))


class Abs(Function):
    node_name, inputs = "AbsBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.abs(x._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sqrt(Function):
    node_name, inputs = "SqrtBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        out = _ufunc(np.sqrt, x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Exp(Function):
    node_name, inputs = "ExpBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        out = _ufunc(np.exp, x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    node_name, inputs = "LogBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        ctx.save_for_backward(x)
        return _ufunc(np.log, x, via_float64=False)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / x


class Sin(Function):
    node_name, inputs = "SinBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        ctx.save_for_backward(x)
        return _ufunc(np.sin, x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Function):
    node_name, inputs = "CosBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        ctx.save_for_backward(x)
        return _ufunc(np.cos, x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -grad * x.sin()


class Tanh(Function):
    node_name, inputs = "TanhBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        out = _ufunc(np.tanh, x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) in the input's precision, as PyTorch computes it (exp(-x) may
    overflow to inf, which correctly gives 0)."""
    e = _ufunc(np.exp, Tensor._wrap(-x))
    one = x.dtype.type(1)
    return one / (one + e)


class Sigmoid(Function):
    node_name, inputs = "SigmoidBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        out = _sigmoid(floating(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Relu(Function):
    node_name, inputs = "ReluBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        out = np.maximum(x._data, 0, dtype=x._data.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return keep_grad(grad, out._data > 0)  # relu'(0) = 0, as in PyTorch


class LeakyRelu(Function):
    node_name, inputs = "LeakyReluBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, slope: float) -> np.ndarray:
        ctx.save_for_backward(x, slope)
        return np.where(x._data > 0, x._data, x._data * np.asarray(slope, x._data.dtype))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        x, slope = ctx.saved_tensors
        local = np.where(x._data > 0, 1, slope).astype(x._data.dtype)
        return grad * Tensor._wrap(local), None


class Clamp(Function):
    """``clamp(min, max)``; the gradient passes where min <= x <= max (boundaries included)."""

    node_name, inputs = "ClampBackward1", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, low: Any, high: Any) -> np.ndarray:
        from .._dtypes import result_type

        ctx.save_for_backward(x, low, high)
        dt = result_type(x, *(b for b in (low, high) if b is not None)).np  # int.clamp(0.5): float
        return np.asarray(np.clip(x._data.astype(dt, copy=False), low, high), dt)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        x, low, high = ctx.saved_tensors
        d = x._data
        inside = np.ones(d.shape, bool)
        if low is not None:
            inside &= d >= low
        if high is not None:
            inside &= d <= high
        return keep_grad(grad, inside), None, None


class ClampMin(Clamp):
    node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    node_name = "ClampMaxBackward0"


class ClampTensor(Function):
    """``clamp`` with tensor bounds (PyTorch's ``clamp.Tensor``). ``x`` gets the gradient where
    min <= x <= max; a bound gets it where it was the one picked."""

    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx: Any, x: Tensor, low: Any, high: Any) -> np.ndarray:
        from .._dtypes import result_type
        from ._common import broadcast_error, data

        ctx.save_for_backward(x, low, high)
        dt = result_type(*(t for t in (x, low, high) if t is not None)).np
        out = x._data.astype(dt, copy=False)
        try:
            if low is not None:
                out = np.maximum(out, np.asarray(data(low), dt))
            if high is not None:
                out = np.minimum(out, np.asarray(data(high), dt))
        except ValueError:
            raise broadcast_error(x, low if low is not None else high) from None
        return np.asarray(out)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        from ._common import data

        x, low, high = ctx.saved_tensors
        d, lo, hi = x._data, data(low), data(high)
        if low is not None and high is not None:
            inside, pick_low, pick_high = (
                (d >= lo) & (d <= hi),
                (d < lo) & (lo < hi),
                (hi < lo) | (d > hi),
            )
        elif low is not None:
            inside, pick_low, pick_high = d >= lo, d < lo, None
        else:
            inside, pick_low, pick_high = d <= hi, None, d > hi
        need_low, need_high = ctx.needs_input_grad[1:3]
        return (
            keep_grad(grad, inside),
            keep_grad(grad, pick_low) if need_low else None,
            keep_grad(grad, pick_high) if need_high else None,
        )


class Rsqrt(Function):
    node_name, inputs = "RsqrtBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        d = floating(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.asarray(d.dtype.type(1) / np.sqrt(d))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return -0.5 * grad * out**3


class Sign(Function):
    node_name, inputs = "SignBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        return np.sign(x._data)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return Tensor._wrap(np.zeros_like(grad._data))  # +0 (grad * 0 gives -0 for grad < 0)


class Log1p(Function):
    node_name, inputs = "Log1PBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        ctx.save_for_backward(x)
        return _ufunc(np.log1p, x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


# ----- public functions ------------------------------------------------------------------------
def abs(input: Tensor) -> Tensor:
    return Abs.apply(input)


def sqrt(input: Tensor) -> Tensor:
    return Sqrt.apply(input)


def rsqrt(input: Tensor) -> Tensor:
    return Rsqrt.apply(input)


def exp(input: Tensor) -> Tensor:
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    return Log.apply(input)


def log1p(input: Tensor) -> Tensor:
    return Log1p.apply(input)


def sin(input: Tensor) -> Tensor:
    return Sin.apply(input)


def cos(input: Tensor) -> Tensor:
    return Cos.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(input)


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return LeakyRelu.apply(input, negative_slope)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


def clamp_args(min: Any, max: Any) -> tuple[type[Function], Any, Any]:
    """The Function behind ``clamp(min, max)`` (also used by ``clamp_``) and its bounds."""
    if min is None and max is None:
        from .._errors import runtime_error

        raise runtime_error("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        wrap = lambda v: v if v is None or isinstance(v, Tensor) else Tensor._wrap(np.asarray(v))
        return ClampTensor, wrap(min), wrap(max)
    return Clamp, min, max


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    fn, low, high = clamp_args(min, max)
    return fn.apply(input, low, high)


def clamp_min(input: Tensor, min: Any) -> Tensor:
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return ClampMin.apply(input, min, None)


def clamp_max(input: Tensor, max: Any) -> Tensor:
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return ClampMax.apply(input, None, max)
