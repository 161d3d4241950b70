"""Reductions: sum mean max min (whole tensor or along dims), softmax and log_softmax.

The backward of a reduction spreads the gradient back over the reduced dimensions: put the
removed dims back (size 1) and broadcast, which is all ``sum``'s backward is; ``mean`` also
divides by the count, ``max`` sends it only to the winners.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from .._errors import normalize_dim, runtime_error
from .._tensor import Tensor
from ..autograd.function import Function


def dims_of(dim: Any, ndim: int) -> tuple[int, ...]:
    """``dim`` (None, an int, or a sequence of ints) as sorted non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        out = tuple(normalize_dim(d, ndim) for d in dim)
        if len(set(out)) != len(out):
            raise runtime_error(f"dim {out[0]} appears multiple times in the list of dims")
        return tuple(sorted(out)) if ndim else ()
    d = normalize_dim(dim, ndim)
    return (d,) if ndim else ()  # a 0-dim tensor accepts dim 0 / -1 and has nothing to reduce


def _expand_back(grad: Tensor, shape: tuple[int, ...], dims: tuple[int, ...],
                 keepdim: bool) -> Tensor:  # fmt: skip
    """The reduced gradient back in the input's shape (a broadcast view, no copy)."""
    if not keepdim and dims:
        kept = list(shape)
        for d in dims:
            kept[d] = 1
        grad = grad.reshape(tuple(kept))
    return grad.expand(shape)


class Sum(Function):
    node_name, inputs = "SumBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: Any, keepdim: bool) -> np.ndarray:
        ctx.shape, ctx.dims, ctx.keepdim = x._data.shape, dims, keepdim
        d = x._data
        out_dtype = np.int64 if d.dtype.kind in "biu" else d.dtype
        return np.asarray(d.sum(axis=dims, keepdims=keepdim, dtype=out_dtype))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim), None, None


class SumDim(Sum):
    node_name = "SumBackward1"


class Mean(Function):
    node_name, inputs = "MeanBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: Any, keepdim: bool) -> np.ndarray:
        d = x._data
        if d.dtype.kind != "f":
            kind = {"b": "Bool", "i": "Long" if d.dtype.itemsize == 8 else "Int"}[d.dtype.kind]
            raise runtime_error(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {kind}",
                "convert first: x.float().mean().",
            )
        ctx.shape, ctx.dims, ctx.keepdim = d.shape, dims, keepdim
        ctx.count = d.size if dims is None else int(np.prod([d.shape[i] for i in dims]))
        if ctx.count == 0:  # nan, like PyTorch, without numpy's "Mean of empty slice" warning
            return np.full(np.sum(d, axis=dims, keepdims=keepdim).shape, np.nan, d.dtype)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(d.mean(axis=dims, keepdims=keepdim))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return _expand_back(grad / ctx.count, ctx.shape, ctx.dims, ctx.keepdim), None, None


class MeanDim(Mean):
    node_name = "MeanBackward1"


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Sum.apply(input, None, False)
    return SumDim.apply(input, dims_of(dim, input.ndim), keepdim)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return Mean.apply(input, None, False)
    return MeanDim.apply(input, dims_of(dim, input.ndim), keepdim)


class MaxAll(Function):
    """Max of all elements; ties share the gradient evenly (PyTorch's rule)."""

    node_name, inputs = "MaxBackward1", 1
    _reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx: Any, x: Tensor) -> np.ndarray:
        if x._data.size == 0:
            raise runtime_error(
                f"{cls.__name__[:3].lower()}(): Expected reduction dim to be specified for "
                "input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )
        out = np.asarray(cls._reduce(x._data))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        x, out = ctx.saved_tensors
        from .pointwise import keep_grad

        winners = x._data == out._data
        n = int(winners.sum())
        return keep_grad((grad / n if n > 1 else grad).expand(x.shape), winners)


class MinAll(MaxAll):
    node_name = "MinBackward1"
    _reduce = staticmethod(np.min)


class MaxDim(Function):
    """Max along a dim, given the winning indices; the gradient goes to those only."""

    node_name, inputs = "MaxBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int, keepdim: bool, idx: np.ndarray) -> np.ndarray:
        ctx.shape, ctx.dim, ctx.keepdim = x._data.shape, dim, keepdim
        ctx.save_for_backward(idx)
        if x._data.ndim == 0:
            return x._data.copy()
        out = np.take_along_axis(x._data, idx, axis=dim)
        return out if keepdim else np.squeeze(out, axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        (idx,) = ctx.saved_tensors
        from .pointwise import keep_grad

        if ctx.shape == ():
            return grad, None, None, None
        onehot = np.zeros(ctx.shape, bool)
        np.put_along_axis(onehot, idx._data, True, axis=ctx.dim)
        g = grad if ctx.keepdim else grad.unsqueeze(ctx.dim)
        return keep_grad(g.expand(ctx.shape), onehot), None, None, None


class MinDim(MaxDim):
    node_name = "MinBackward0"


def _reduce_dim(kind: str, input: Tensor, dim: int, keepdim: bool) -> Any:
    d = normalize_dim(dim, input.ndim)
    fn = MaxDim if kind == "max" else MinDim
    if input.ndim == 0:
        idx = np.zeros((), np.int64)
        return getattr(return_types, kind)(fn.apply(input, d, keepdim, idx), Tensor._wrap(idx))
    data = input._data
    if data.shape[d] == 0:
        raise index_error_empty(kind, d)
    idx = np.expand_dims((np.argmax if kind == "max" else np.argmin)(data, axis=d), d)
    values = fn.apply(input, d, keepdim, idx)
    indices = Tensor._wrap(idx if keepdim else np.squeeze(idx, axis=d))
    return getattr(return_types, kind)(values, indices)


def index_error_empty(kind: str, dim: int) -> IndexError:
    from .._errors import index_error

    return index_error(f"{kind}(): Expected reduction dim {dim} to have non-zero size.")


def _extreme(kind: str, input: Tensor, dim: Any, keepdim: bool) -> Any:
    if isinstance(dim, Tensor):
        from .pointwise import maximum, minimum

        return (maximum if kind == "max" else minimum)(input, dim)
    if dim is None:
        return (MaxAll if kind == "max" else MinAll).apply(input)
    return _reduce_dim(kind, input, dim, keepdim)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """``max()`` of all elements, ``max(dim)`` -> (values, indices), ``max(a, b)`` element-wise."""
    return _extreme("max", input, dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """``min()`` of all elements, ``min(dim)`` -> (values, indices), ``min(a, b)`` element-wise."""
    return _extreme("min", input, dim, keepdim)


def _arg(fn: Any, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    if dim is None:
        out = fn(input._data.reshape(-1))
        return Tensor._wrap(np.asarray(out, np.int64).reshape((1,) * input.ndim if keepdim
                                                               else ()))  # fmt: skip
    d = normalize_dim(dim, input.ndim)
    out = fn(input._data, axis=d, keepdims=keepdim) if input.ndim else fn(input._data)
    return Tensor._wrap(np.asarray(out, np.int64))


def argmax(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmax, input, dim, keepdim)


def argmin(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _arg(np.argmin, input, dim, keepdim)


def _bool_reduce(fn: Any, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    axis = None if dim is None else dims_of(dim, input.ndim)
    return Tensor._wrap(np.asarray(fn(input._data, axis=axis, keepdims=keepdim)))


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _bool_reduce(np.any, input, dim, keepdim)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _bool_reduce(np.all, input, dim, keepdim)


class Softmax(Function):
    node_name, inputs = "SoftmaxBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int) -> np.ndarray:
        d = x._data
        e = np.exp(d - np.max(d, axis=dim, keepdims=True))
        out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(ctx.dim, keepdim=True)), None


class LogSoftmax(Function):
    node_name, inputs = "LogSoftmaxBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int) -> np.ndarray:
        d = x._data
        shifted = d - np.max(d, axis=dim, keepdims=True)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        (out,) = ctx.saved_tensors
        return grad - out.exp() * grad.sum(ctx.dim, keepdim=True), None


def _softmax_input(input: Tensor, dim: Any, dtype: Any, name: str) -> tuple[Tensor, int]:
    if dim is None:
        raise runtime_error(
            "softmax() missing the dim argument",
            "say which dimension sums to 1, e.g. softmax(x, dim=-1) for a batch of rows.",
        )
    if dtype is not None:
        input = input.to(dtype)
    d = normalize_dim(dim, input.ndim)
    if input._data.dtype.kind != "f":
        kernel = f"{name}_lastdim_kernel_impl" if d >= input.ndim - 1 else f"{name}_kernel_impl"
        kind = input.dtype.scalar_name
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{kind}'")
    return input, d


def softmax(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    input, d = _softmax_input(input, dim, dtype, "softmax")
    return Softmax.apply(input, d)


def log_softmax(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    input, d = _softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, d)


class LogSumExp(Function):
    node_name, inputs = "LogsumexpBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: tuple, keepdim: bool) -> np.ndarray:
        d = x._data
        m = np.max(d, axis=dims, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(d - m), axis=dims, keepdims=True)) + m
        result = out if keepdim else np.squeeze(out, axis=dims)
        # save the returned array itself: saved as this node's output, it keeps its history, so
        # the backward stays differentiable (create_graph) also when keepdim=False
        ctx.save_for_backward(x, result)
        ctx.kept_shape = out.shape
        return result

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        x, out = ctx.saved_tensors
        out, g = out.reshape(ctx.kept_shape), grad.reshape(ctx.kept_shape)
        return g * (x - out).exp(), None, None


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return LogSumExp.apply(input, dims_of(dim, input.ndim), keepdim)


def var(input: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:  # fmt: skip
    """Variance, composed of differentiable ops (its grad_fn differs from PyTorch's)."""
    corr = (1 if unbiased else 0) if correction is None else correction
    dims = dims_of(dim, input.ndim)
    n = int(np.prod([input.shape[i] for i in dims])) if dims else 1
    centered = input - input.mean(dims, keepdim=True)
    return (centered * centered).sum(dims, keepdim=keepdim) / (n - corr if n > corr else 0)


class Std(Function):
    """The square root of a variance. Where the std is 0 (constant values) the gradient is 0, as
    in PyTorch's std backward, instead of 0 * inf = nan from sqrt's."""

    node_name, inputs = "StdBackward0", 1

    @staticmethod
    def forward(ctx: Any, variance: Tensor) -> np.ndarray:
        out = np.sqrt(variance._data)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return (grad / (2 * out)).masked_fill(Tensor._wrap(out._data == 0), 0.0)


def std(input: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
        correction: Any = None) -> Tensor:  # fmt: skip
    return Std.apply(var(input, dim, unbiased, keepdim, correction=correction))
