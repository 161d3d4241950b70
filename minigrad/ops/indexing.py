"""Indexing: ``x[0]`` (select), ``x[1:]`` (slice), ``x[[0, 2]]`` / ``x[mask]`` (index), and
assignment into them (``x[0] = v``).

Basic indexing gives views, one select/slice node per indexed dim, as in PyTorch; integer and
boolean arrays give copies (``IndexBackward0``). The backward of all of them scatters the
gradient into zeros of the input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import index_error, normalize_dim, runtime_error
from .._tensor import Tensor
from ..autograd.function import Function
from .shape import Alias, Unsqueeze


class Scatter(Function):
    """zeros(shape) with ``grad`` written (or, for repeated array indices, added) at ``key``."""

    node_name, inputs = "IndexBackwardBackward0", 1

    @staticmethod
    def forward(ctx: Any, grad: Tensor, shape: tuple, key: Any) -> np.ndarray:
        ctx.key = key
        out = np.zeros(shape, grad._data.dtype)
        if _is_advanced(key):
            np.add.at(out, key, grad._data)
        else:
            out[key] = grad._data
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return Index.apply(grad, ctx.key), None, None


class Select(Function):
    node_name, inputs, is_view = "SelectBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int, index: int) -> np.ndarray:
        ctx.shape, ctx.key = x._data.shape, (slice(None),) * dim + (index, Ellipsis)
        return x._data[ctx.key]

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return Scatter.apply(grad, ctx.shape, ctx.key), None, None


class Unbind(Select):
    """``unbind``'s outputs: ``select`` views under PyTorch's node name. (PyTorch makes one node
    with an output per slice, minigrad one node per slice; ``split`` likewise.)"""

    node_name = "UnbindBackward0"
    multi_output_view = "Unbind"  # see inplace.check_multi_output_view


class SplitPiece(Function):
    """Output ``i`` of ``split``: the view ``x`` narrowed to ``sl`` along ``dim``."""

    node_name, inputs, is_view = "SplitBackward0", 1, True
    multi_output_view = "Split"

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int, sl: slice, i: int) -> np.ndarray:
        ctx.shape, ctx.key = x._data.shape, (slice(None),) * dim + (sl, Ellipsis)
        return x._data[ctx.key]

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return Scatter.apply(grad, ctx.shape, ctx.key), None, None, None


class SplitWithSizesPiece(SplitPiece):
    node_name = "SplitWithSizesBackward0"
    multi_output_view = "SplitWithSizes"


class Slice(Function):
    node_name, inputs, is_view = "SliceBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int, sl: slice) -> np.ndarray:
        ctx.shape, ctx.key = x._data.shape, (slice(None),) * dim + (sl, Ellipsis)
        return x._data[ctx.key]

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return Scatter.apply(grad, ctx.shape, ctx.key), None, None


class Index(Function):
    node_name, inputs = "IndexBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, key: Any) -> np.ndarray:
        ctx.shape, ctx.key = x._data.shape, key
        return np.asarray(x._data[key])

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return Scatter.apply(grad, ctx.shape, ctx.key), None


class IndexSelect(Index):
    node_name = "IndexSelectBackward0"


def _is_advanced(key: Any) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) for k in items)


def _convert(item: Any) -> Any:
    """Tensors and lists in a key become numpy index arrays; 0-dim integer tensors ints."""
    if isinstance(item, Tensor):
        d = item._data
        if d.dtype.kind == "f":
            raise index_error(
                "tensors used as indices must be long, int, byte or bool tensors",
                "convert the index first: idx.long().",
            )
        if d.ndim == 0 and d.dtype.kind in "iu":
            return int(d)
        return d
    if isinstance(item, list):
        arr = np.asarray([_convert(i) for i in item])
        if arr.dtype.kind == "f":
            raise index_error("tensors used as indices must be long, int, byte or bool tensors")
        return arr
    if isinstance(item, (np.integer,)):
        return int(item)
    return item


def _check_index(i: int, dim: int, size: int) -> int:
    if not -size <= i < size:
        raise index_error(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return i % size


def _normalize_key(x: Tensor, key: Any) -> tuple:
    items = key if isinstance(key, tuple) else (key,)
    return tuple(_convert(k) for k in items)


def _advanced_key(x: Tensor, items: tuple) -> tuple:
    """Check bounds and shapes of array indices so numpy never raises on the user."""
    dim = 0
    for k in items:
        if k is None:
            continue
        if k is Ellipsis:
            dim = x.ndim - sum(_consumes(j) for j in items if j is not Ellipsis)
            continue
        if isinstance(k, np.ndarray) and k.dtype == np.bool_:
            want = x.shape[dim : dim + k.ndim]
            if k.shape != tuple(want):
                raise index_error(
                    f"The shape of the mask {list(k.shape)} at index {dim} does not match the "
                    f"shape of the indexed tensor {list(x.shape)} at index {dim}"
                )
            dim += k.ndim
            continue
        if dim >= x.ndim:
            raise index_error(f"too many indices for tensor of dimension {x.ndim}")
        if isinstance(k, np.ndarray) and k.size:
            bad = k[(k >= x.shape[dim]) | (k < -x.shape[dim])]
            if bad.size:
                raise index_error(
                    f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size "
                    f"{x.shape[dim]}"
                )
        elif isinstance(k, int):
            _check_index(k, dim, x.shape[dim])
        dim += 1
    return items


def _consumes(k: Any) -> int:
    if k is None:
        return 0
    if isinstance(k, np.ndarray) and k.dtype == np.bool_:
        return k.ndim
    return 1


def getitem(x: Tensor, key: Any) -> Tensor:
    items = _normalize_key(x, key)
    if any(isinstance(k, np.ndarray) for k in items):
        return Index.apply(x, _advanced_key(x, items))
    if sum(_consumes(k) for k in items if k is not Ellipsis) > x.ndim:
        if x.ndim == 0 and any(isinstance(k, int) and not isinstance(k, bool) for k in items):
            raise index_error(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise index_error(f"too many indices for tensor of dimension {x.ndim}")
    if sum(k is Ellipsis for k in items) > 1:
        raise index_error("an index can only have a single ellipsis ('...')")
    out, dim, touched = x, 0, False
    for k in items:
        if k is None:
            out, dim, touched = Unsqueeze.apply(out, dim), dim + 1, True
        elif k is Ellipsis:
            dim = out.ndim - sum(_consumes(j) for j in items[items.index(Ellipsis) + 1 :])
        elif isinstance(k, bool):
            raise index_error("boolean scalar indices are not supported")
        elif isinstance(k, int):
            size = out.shape[dim]
            out, touched = Select.apply(out, dim, _check_index(k, dim, size)), True
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            out, dim, touched = Slice.apply(out, dim, k), dim + 1, True
        else:
            raise index_error(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                "are valid indices (got " + type(k).__name__ + ")"
            )
    return out if touched else Alias.apply(x)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    d = normalize_dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise index_error(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {d}"
        )
    return Select.apply(input, d, index % size)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    d = normalize_dim(dim, input.ndim)
    idx = index._data
    if idx.dtype not in (np.int64, np.int32):
        raise runtime_error("index_select(): Expected dtype int32 or int64 for index")
    if idx.size and (idx.min() < -input.shape[d] or idx.max() >= input.shape[d]):
        raise index_error("index out of range in self")
    return IndexSelect.apply(input, (slice(None),) * d + (idx,))


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    d = normalize_dim(dim, input.ndim)
    size = input.shape[d]
    if start < 0:
        start += size
    if start + length > size:
        raise runtime_error(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(input, d, slice(start, start + length))


class IndexPut(Function):
    """``x[mask] = v`` / ``x[[0, 2]] = v`` as a function of x and v."""

    node_name, inputs = "IndexPutBackward0", 2

    @staticmethod
    def forward(ctx: Any, x: Tensor, value: Any, key: Any) -> np.ndarray:
        ctx.key = key
        out = x._data.copy()
        try:
            out[key] = value._data if isinstance(value, Tensor) else value
        except ValueError:
            raise runtime_error(
                f"shape mismatch: value tensor of shape {list(np.shape(_raw(value)))} cannot be "
                f"broadcast to indexing result of shape {list(np.shape(x._data[key]))}"
            ) from None
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        from .pointwise import keep_grad

        keep = np.ones(grad.shape, bool)
        keep[ctx.key] = False
        return keep_grad(grad, keep), Index.apply(grad, ctx.key), None


def _raw(v: Any) -> Any:
    return v._data if isinstance(v, Tensor) else v


def setitem(x: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value``: a copy into the view ``x[key]``, or an index_put for array keys."""
    from .inplace import copy_, inplace

    if not isinstance(value, (Tensor, int, float, bool, np.number, np.bool_)):
        from .._errors import type_error

        kind = ("numpy." if isinstance(value, np.ndarray) else "") + type(value).__name__
        raise type_error(
            f"can't assign a {kind} to a minigrad.{x.dtype._tensor_type}",
            "wrap the values first: x[key] = minigrad.tensor(values).",
        )
    items = _normalize_key(x, key)
    if any(isinstance(k, np.ndarray) for k in items):
        inplace(x, IndexPut, value, _advanced_key(x, items), allow_cast=True)
        return
    view = getitem(x, key)
    if isinstance(value, Tensor) and value.shape != view.shape:
        from .shape import expand

        expand(Tensor._wrap(value._data), view.shape)  # PyTorch's error if it does not fit
    copy_(view, value)
