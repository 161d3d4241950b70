"""Where Tensor gets its operations: the one place that joins ``_tensor`` and ``ops``.

``Tensor`` is defined without knowing any op (the ops create Tensors, so importing them there
would be circular); this module attaches ``x.add``, ``x + y``, ``x.sum()``, ``x.add_()`` ... once,
when the package is imported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _creation
from ._device import check_device
from ._dtypes import bool_, float32, float64, int32, int64
from ._tensor import Tensor
from .autograd import engine
from .ops import arithmetic as ar
from .ops import indexing as ix
from .ops import inplace as ip
from .ops import linalg as la
from .ops import pointwise as pw
from .ops import reduction as rd
from .ops import shape as sh
from .ops import unary as un


def _backward(self: Tensor, gradient: Tensor | None = None, retain_graph: bool | None = None,
              create_graph: bool = False, inputs: Any = None) -> None:  # fmt: skip
    """Compute d(self)/d(leaf) for every leaf and add it to ``leaf.grad``."""
    engine.backward(self, gradient, retain_graph, create_graph, inputs)


def _cuda(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    check_device("cuda")
    return self


def _cast(d: Any) -> Any:
    def cast(self: Tensor, memory_format: Any = None) -> Tensor:
        return sh.to(self, d)

    return cast


def _inplace(fn: Any) -> Any:
    """``x.exp_()`` from the Function behind ``x.exp()``."""

    def method(self: Tensor, *args: Any) -> Tensor:
        return ip.inplace(self, fn, *args)

    return method


def _binary_inplace(fn: Any) -> Any:
    def method(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
        other = ar.as_tensor_arg(other)
        if alpha != 1:
            other = ar.mul(other, alpha)
        return ip.inplace(self, fn, other)

    return method


def _div_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    if rounding_mode is not None:
        return ip.copy_(self, ar.div(self, other, rounding_mode=rounding_mode))
    return ip.inplace(self, ar.Div, ar.as_tensor_arg(other))


def _pow_(self: Tensor, exponent: Any) -> Tensor:
    fn = ar.PowTensor if isinstance(exponent, Tensor) else ar.Pow
    return ip.inplace(self, fn, exponent)


def _clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    fn, low, high = un.clamp_args(min, max)
    if self.dtype.is_floating_point is False:
        from ._dtypes import category, result_type
        from ._errors import runtime_error

        res = result_type(self, *(b for b in (low, high) if b is not None))
        if category(res) > category(self.dtype):  # clamp_'s own wording of the cast error
            raise runtime_error(
                f"result type {res.scalar_name} can't be cast to the desired output "
                f"type {self.dtype.c_name}"
            )
    return ip.inplace(self, fn, low, high)


def _uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    vals = _creation._Random.rng.uniform(a, b, self.shape).astype(self._data.dtype)
    return ip.inplace(self, ip.Fill, vals, allow_cast=True)


def _normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    vals = _creation._Random.rng.normal(mean, std, self.shape).astype(self._data.dtype)
    return ip.inplace(self, ip.Fill, vals, allow_cast=True)


def _new(factory: Any) -> Any:
    def new(self: Tensor, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return factory(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    return new


def _new_tensor(self: Tensor, data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _creation.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _new_full(self: Tensor, size: Any, fill_value: Any, *, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _creation.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def _eq(self: Tensor, other: Any) -> Any:
    return False if other is None else pw.eq(self, other)


def _ne(self: Tensor, other: Any) -> Any:
    return True if other is None else pw.ne(self, other)


def _iop(method: Any) -> Any:
    """``x += y`` is ``x.add_(y)`` and keeps the same object."""

    def iop(self: Tensor, other: Any) -> Tensor:
        return method(self, other)

    return iop


METHODS: dict[str, Any] = {
    # arithmetic
    "add": ar.add, "__add__": ar.add, "__radd__": ar.add,
    "sub": ar.sub, "subtract": ar.sub, "__sub__": ar.sub, "__rsub__": ar.rsub,
    "mul": ar.mul, "multiply": ar.mul, "__mul__": ar.mul, "__rmul__": ar.mul,
    "div": ar.div, "divide": ar.div, "true_divide": ar.div, "__truediv__": ar.div,
    "__rtruediv__": ar.rdiv,
    "pow": ar.pow, "__pow__": ar.pow, "__rpow__": ar.rpow, "square": ar.square,
    "neg": ar.neg, "negative": ar.neg, "__neg__": ar.neg, "__pos__": lambda self: self,
    "reciprocal": ar.reciprocal,
    "floor_divide": ar.floor_divide, "__floordiv__": ar.floor_divide,
    "__rfloordiv__": ar.rfloordiv,
    "remainder": ar.remainder, "__mod__": ar.remainder, "__rmod__": ar.rmod,
    "__matmul__": la.matmul, "__rmatmul__": lambda self, other: la.matmul(other, self),
    # element-wise functions
    "abs": un.abs, "__abs__": un.abs, "absolute": un.abs, "sqrt": un.sqrt, "rsqrt": un.rsqrt,
    "exp": un.exp, "log": un.log, "log1p": un.log1p, "sin": un.sin, "cos": un.cos,
    "tanh": un.tanh, "sigmoid": un.sigmoid, "relu": un.relu, "sign": un.sign,
    "clamp": un.clamp, "clip": un.clamp, "clamp_min": un.clamp_min, "clamp_max": un.clamp_max,
    # comparisons and selection
    "eq": pw.eq, "__eq__": _eq, "ne": pw.ne, "__ne__": _ne, "gt": pw.gt, "__gt__": pw.gt,
    "ge": pw.ge, "__ge__": pw.ge, "lt": pw.lt, "__lt__": pw.lt, "le": pw.le, "__le__": pw.le,
    "greater": pw.gt, "less": pw.lt, "greater_equal": pw.ge, "less_equal": pw.le,
    "not_equal": pw.ne,
    "__and__": pw.bitwise_and, "__or__": pw.bitwise_or, "__xor__": pw.bitwise_xor,
    "__invert__": pw.bitwise_not, "logical_not": pw.logical_not, "logical_and": pw.logical_and,
    "logical_or": pw.logical_or, "isnan": pw.isnan, "isinf": pw.isinf, "isfinite": pw.isfinite,
    "equal": pw.equal, "allclose": pw.allclose, "isclose": pw.isclose,
    "maximum": pw.maximum, "minimum": pw.minimum, "masked_fill": pw.masked_fill,
    "where": lambda self, condition, other: pw.where(condition, self, other),
    # reductions
    "sum": rd.sum, "mean": rd.mean, "max": rd.max, "min": rd.min, "argmax": rd.argmax,
    "argmin": rd.argmin, "any": rd.any, "all": rd.all, "softmax": rd.softmax,
    "log_softmax": rd.log_softmax, "logsumexp": rd.logsumexp, "var": rd.var, "std": rd.std,
    # linear algebra
    "matmul": la.matmul, "mm": la.mm, "mv": la.mv, "dot": la.dot, "bmm": la.bmm,
    "outer": la.outer,
    # shapes
    "view": sh.view, "view_as": lambda self, other: sh.view(self, other.shape),
    "reshape": sh.reshape, "reshape_as": lambda self, other: sh.reshape(self, other.shape),
    "flatten": sh.flatten, "unflatten": sh.unflatten, "t": sh.t, "transpose": sh.transpose,
    "swapaxes": sh.transpose, "permute": sh.permute, "squeeze": sh.squeeze,
    "unsqueeze": sh.unsqueeze, "expand": sh.expand, "expand_as": sh.expand_as,
    "broadcast_to": sh.broadcast_to, "split": sh.split, "chunk": sh.chunk, "unbind": sh.unbind,
    "clone": sh.clone, "contiguous": sh.contiguous, "to": sh.to,
    "float": _cast(float32), "double": _cast(float64), "long": _cast(int64),
    "int": _cast(int32), "bool": _cast(bool_),
    "type_as": lambda self, other: sh.to(self, other.dtype),
    "cpu": lambda self: self, "cuda": _cuda,
    # indexing
    "__getitem__": ix.getitem, "__setitem__": ix.setitem, "select": ix.select,
    "index_select": ix.index_select, "narrow": ix.narrow,
    # in-place
    "add_": _binary_inplace(ar.Add), "sub_": _binary_inplace(ar.Sub),
    "mul_": _binary_inplace(ar.Mul), "div_": _div_, "pow_": _pow_,
    "neg_": _inplace(ar.Neg), "abs_": _inplace(un.Abs), "exp_": _inplace(un.Exp),
    "log_": _inplace(un.Log), "sqrt_": _inplace(un.Sqrt), "sin_": _inplace(un.Sin),
    "cos_": _inplace(un.Cos), "tanh_": _inplace(un.Tanh), "sigmoid_": _inplace(un.Sigmoid),
    "relu_": _inplace(un.Relu), "sign_": _inplace(un.Sign),
    "reciprocal_": _inplace(ar.Reciprocal), "clamp_": _clamp_, "clip_": _clamp_,
    "masked_fill_": lambda self, mask, value: ip.inplace(self, pw.MaskedFill, mask, value),
    "fill_": ip.fill_, "zero_": ip.zero_, "copy_": ip.copy_,
    "uniform_": _uniform_, "normal_": _normal_,
    "__iadd__": _iop(_binary_inplace(ar.Add)), "__isub__": _iop(_binary_inplace(ar.Sub)),
    "__imul__": _iop(_binary_inplace(ar.Mul)), "__itruediv__": _iop(_div_),
    "__ipow__": _iop(_pow_),
    # new tensors like this one
    "new_zeros": _new(_creation.zeros), "new_ones": _new(_creation.ones),
    "new_empty": _new(_creation.empty), "new_tensor": _new_tensor, "new_full": _new_full,
    # autograd
    "backward": _backward,
}  # fmt: skip

PROPERTIES: dict[str, Any] = {"T": sh.T_property, "mT": sh.mT}


# Python operators return NotImplemented for operands that are not tensors or numbers, so that
# ``x + "a"`` / ``x @ [1, 2]`` raise Python's own TypeError (``unsupported operand type(s) for
# +: 'Tensor' and 'str'``) and ``x == "a"`` is False, exactly as with PyTorch.
OPERATORS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
    "__rpow__", "__matmul__", "__rmatmul__", "__and__", "__or__", "__xor__", "__eq__", "__ne__",
    "__lt__", "__le__", "__gt__", "__ge__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
    "__ipow__",
}  # fmt: skip
_OPERANDS = (Tensor, bool, int, float, np.number, np.bool_, np.ndarray)


def _operator(fn: Any, operands: tuple = _OPERANDS) -> Any:
    def op(self: Tensor, other: Any) -> Any:
        if not isinstance(other, operands):
            return NotImplemented
        return fn(self, other)

    op.__name__ = getattr(fn, "__name__", "op")
    return op


def attach() -> None:
    for name, fn in METHODS.items():
        if name in ("__matmul__", "__rmatmul__"):  # numbers are no matrices: Python's TypeError
            fn = _operator(fn, (Tensor, np.ndarray))
        elif name in OPERATORS:
            fn = _operator(fn)
        setattr(Tensor, name, fn)
    for name, fn in PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    Tensor.__hash__ = lambda self: id(self)  # type: ignore[method-assign]
