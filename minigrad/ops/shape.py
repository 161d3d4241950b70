"""Shape ops: view reshape flatten t transpose permute squeeze unsqueeze expand, cat stack
split, clone contiguous and dtype casts.

Views (``is_view = True``) share memory and the version counter with their input, like
PyTorch's; their backward only rearranges the gradient back into the input's shape.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._errors import normalize_dim, runtime_error
from .._tensor import Tensor
from ..autograd.function import Function, FunctionCtx


def _sizes(args: tuple, fn: str = "reshape", arg: str = "shape") -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` / ``f([2, 3])`` / ``f(Size)`` alike."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            from .._errors import type_error

            raise type_error(
                f"{fn}(): argument '{arg}' (position 1) must be tuple of ints, not "
                f"{type(a).__name__}"
            )
    return tuple(int(a) for a in args)


def infer_shape(shape: tuple[int, ...], numel: int) -> tuple[int, ...]:
    for i, s in enumerate(shape):
        if s < -1:
            raise runtime_error(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    if shape.count(-1) > 1:
        raise runtime_error("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise runtime_error(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise runtime_error(
            f"shape '{list(shape)}' is invalid for input of size {numel}",
            "the new shape must hold exactly as many elements as the tensor has.",
        )
    return shape


class View(Function):
    node_name, inputs, is_view = "ViewBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x._data.shape
        try:
            return x._data.reshape(shape, copy=False)
        except ValueError:
            raise runtime_error(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
                "view() never copies; this tensor's memory is not laid out in the new order "
                "(e.g. after .t()), so use .reshape() or .contiguous().view().",
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.reshape(ctx.in_shape), None


class UnsafeView(Function):
    """reshape() that had to copy (PyTorch: clone, then ``_unsafe_view``)."""

    node_name, inputs = "UnsafeViewBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, shape: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x._data.shape
        return x._data.reshape(shape)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.reshape(ctx.in_shape), None


def view(input: Tensor, *shape: Any) -> Tensor:
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)):
        return input.to(shape[0])  # view(dtype)
    return View.apply(input, infer_shape(_sizes(shape, "view", "size"), input._data.size))


def reshape(input: Tensor, *shape: Any) -> Tensor:
    new = infer_shape(_sizes(shape), input._data.size)
    if new == input._data.shape and input._data.ndim:
        return View.apply(input, new)
    try:
        input._data.reshape(new, copy=False)
    except ValueError:
        return UnsafeView.apply(clone(input), new)
    return View.apply(input, new)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if input.ndim == 0:
        return reshape(input, 1)
    s, e = normalize_dim(start_dim, input.ndim), normalize_dim(end_dim, input.ndim)
    if s > e:
        raise runtime_error("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input.shape
    return reshape(input, shape[:s] + (math.prod(shape[s : e + 1]),) + shape[e + 1 :])


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    d = normalize_dim(dim, input.ndim)
    shape = input.shape
    return view(input, shape[:d] + tuple(sizes) + shape[d + 1 :])


class Permute(Function):
    node_name, inputs, is_view = "PermuteBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: tuple[int, ...]) -> np.ndarray:
        ctx.dims = dims
        return x._data.transpose(dims)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.permute(tuple(np.argsort(ctx.dims))), None


class Transpose(Function):
    node_name, inputs, is_view = "TransposeBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, d0: int, d1: int) -> np.ndarray:
        ctx.d0, ctx.d1 = d0, d1
        return x._data.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.transpose(ctx.d0, ctx.d1), None, None


class T(Transpose):
    node_name = "TBackward0"


def permute(input: Tensor, *dims: Any) -> Tensor:
    dims_t = tuple(normalize_dim(d, input.ndim) for d in _sizes(dims, "permute", "dims"))
    if sorted(dims_t) != list(range(input.ndim)):
        raise runtime_error(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{input.ndim} is not equal to len(dims) = {len(dims_t)}"
        )
    return Permute.apply(input, dims_t)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    n = input.ndim
    return Transpose.apply(input, normalize_dim(dim0, n), normalize_dim(dim1, n))


def t(input: Tensor) -> Tensor:
    n = input._data.ndim
    if n > 2:
        raise runtime_error(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return T.apply(input, 0, n - 1) if n == 2 else T.apply(input, 0, 0)


def T_property(input: Tensor) -> Tensor:
    """``x.T`` reverses all dims (PermuteBackward0)."""
    return Permute.apply(input, tuple(range(input.ndim - 1, -1, -1)))


def mT(input: Tensor) -> Tensor:
    return transpose(input, -2, -1)


class Squeeze(Function):
    node_name, inputs, is_view = "SqueezeBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: tuple[int, ...]) -> np.ndarray:
        ctx.in_shape = x._data.shape
        return np.squeeze(x._data, axis=dims)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.reshape(ctx.in_shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


class SqueezeInplaceDim(Squeeze):
    """The node PyTorch's ``squeeze_(dim)`` leaves (e.g. in ``vector @ matrix``)."""

    node_name = "SqueezeBackward4"


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    shape = input.shape
    if dim is None:
        return Squeeze.apply(input, tuple(i for i, n in enumerate(shape) if n == 1))
    fn = SqueezeDims if isinstance(dim, (tuple, list)) else SqueezeDim
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims_t = tuple(normalize_dim(d, input.ndim) for d in dims)
    if input.ndim == 0:
        return fn.apply(input, ())
    return fn.apply(input, tuple(d for d in dims_t if shape[d] == 1))


class Unsqueeze(Function):
    node_name, inputs, is_view = "UnsqueezeBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, dim: int) -> np.ndarray:
        ctx.dim = dim
        return np.expand_dims(x._data, dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad.squeeze(ctx.dim), None


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, normalize_dim(dim, input.ndim + 1))


class Expand(Function):
    """A broadcast view, read-only where elements repeat (writing there is an error, as in
    PyTorch); the engine sums the gradient back to the input's shape."""

    node_name, inputs, is_view = "ExpandBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor, shape: tuple[int, ...]) -> np.ndarray:
        out = np.broadcast_to(x._data, shape)
        if out.size == x._data.size and x._data.flags.writeable:  # nothing repeated
            out = np.lib.stride_tricks.as_strided(x._data, shape, out.strides, writeable=True)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad, None


def expand(input: Tensor, *sizes: Any) -> Tensor:
    shape = _sizes(sizes, "expand", "size")
    if len(shape) < input.ndim:
        raise runtime_error(
            f"expand(minigrad.{input.dtype._tensor_type}{{{list(input.shape)}}}, "
            f"size={list(shape)}): the number "
            "of sizes provided "
            f"({len(shape)}) must be greater or equal to the number of dimensions in the tensor "
            f"({input.ndim})"
        )
    lead = len(shape) - input.ndim
    full = tuple(input.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(shape))
    for i, s in enumerate(input.shape):
        if s != 1 and s != full[i + lead]:
            raise runtime_error(
                f"The expanded size of the tensor ({full[i + lead]}) must match the existing "
                f"size ({s}) at non-singleton dimension {i + lead}.  Target sizes: "
                f"{list(shape)}.  Tensor sizes: {list(input.shape)}"
            )
    return Expand.apply(input, full)


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape: Any) -> Tensor:
    return expand(input, shape)


class Alias(Function):
    node_name, inputs, is_view = "AliasBackward0", 1, True

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        return x._data.view()

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad


class AsStrided(Function):
    """The node a view gets when its base was changed in place: it reads the view's values
    out of the base's new history."""

    node_name, inputs = "AsStridedBackward0", 1

    @staticmethod
    def forward(ctx: Any, base: Tensor, chain: tuple, view_data: np.ndarray) -> np.ndarray:
        ctx.chain, ctx.shape = chain, base._data.shape
        return view_data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        # Where each element of the view sits in the base: replay the view on positions. The
        # gradient is scattered there with a Function (Scatter, summing repeats), not written
        # into a numpy buffer, so that create_graph=True can differentiate it again.
        from .indexing import Scatter

        positions = np.arange(math.prod(ctx.shape)).reshape(ctx.shape)
        where = replay_view(Tensor._wrap(positions), ctx.chain)._data.reshape(-1)
        full = Scatter.apply(grad.reshape(-1), (positions.size,), (where,))
        return full.reshape(ctx.shape), None, None


def replay_view(t: Tensor, chain: tuple, record: bool = False) -> Tensor:
    """Apply a view's recorded chain of view ops to ``t`` (its base or a same-shaped tensor)."""
    for fn, params in chain:
        t = fn.apply(t, *params) if record else Tensor._wrap(fn.forward(FunctionCtx(), t, *params))
    return t


def as_strided_view(base: Tensor, view: Tensor) -> Any:
    """The regenerated grad_fn of ``view`` after its base's history changed."""
    src = Tensor._wrap(base._data)
    src._grad_fn, src._requires_grad, src._output_nr = base._grad_fn, True, base._output_nr
    from ..autograd.grad_mode import enable_grad

    with enable_grad():
        return AsStrided.apply(src, view._view_chain, view._data)._grad_fn


class Cat(Function):
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx: Any, dim: int, *tensors: Tensor) -> np.ndarray:
        ctx.dim = dim
        ctx.sizes = [t.shape[dim] if t.ndim else 0 for t in tensors]
        arrays = [t._data for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]
        from .._dtypes import result_type

        dt = result_type(*tensors).np
        return np.concatenate([a.astype(dt, copy=False) for a in arrays] or [tensors[0]._data],
                              axis=dim)  # fmt: skip

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return (None, *grad.split(ctx.sizes, ctx.dim))


def _tensor_list(tensors: Any, name: str) -> list[Tensor]:
    from .._errors import type_error, value_error

    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise type_error(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}",
            f"pass a list: minigrad.{name}([a, b]).",
        )
    if not tensors:  # PyTorch's two texts
        if name == "stack":
            raise runtime_error("stack expects a non-empty TensorList")
        raise value_error(f"minigrad.{name}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise type_error(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return list(tensors)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    ts = _tensor_list(tensors, "cat")
    ref = next((t for t in ts if not (t.ndim == 1 and t.shape[0] == 0)), ts[0])
    if ref.ndim == 0:
        raise runtime_error("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = normalize_dim(dim, ref.ndim)
    for i, t in enumerate(ts):
        if t.ndim == 1 and t.shape[0] == 0:
            continue
        if t.ndim != ref.ndim:
            raise runtime_error(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and t.shape[k] != ref.shape[k]:
                raise runtime_error(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list."
                )
    return Cat.apply(d, *ts)


def stack(tensors: Any, dim: int = 0) -> Tensor:
    ts = _tensor_list(tensors, "stack")
    for i, t in enumerate(ts):
        if t.shape != ts[0].shape:
            raise runtime_error(
                f"stack expects each tensor to be equal size, but got {list(ts[0].shape)} at "
                f"entry 0 and {list(t.shape)} at entry {i}"
            )
    d = normalize_dim(dim, ts[0].ndim + 1)
    return Stack.apply(d, *ts)


class Stack(Function):
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx: Any, dim: int, *tensors: Tensor) -> np.ndarray:
        ctx.dim = dim
        from .._dtypes import result_type

        dt = result_type(*tensors).np
        return np.stack([t._data.astype(dt, copy=False) for t in tensors], axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return (None, *grad.unbind(ctx.dim))


def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    d = normalize_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise runtime_error(f"split_size can only be 0 if dimension size is 0, but got "
                                f"dimension size of {n}")  # fmt: skip
        sizes = tuple(min(step, n - i) for i in range(0, n, step)) or (0,)
        from .indexing import SplitPiece as fn
    else:
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != n:
            raise runtime_error(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at dimension {d}), but got split_sizes={list(sizes)}"
            )
        from .indexing import SplitWithSizesPiece as fn
    starts = np.cumsum((0, *sizes))
    return tuple(fn.apply(input, d, slice(int(starts[i]), int(starts[i + 1])), i)
                 for i in range(len(sizes)))  # fmt: skip


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    if chunks <= 0:
        raise runtime_error(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[normalize_dim(dim, input.ndim)]
    return split(input, max(1, -(-n // chunks)), dim)


def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """Views ``input.select(dim, i)``, with PyTorch's node name (UnbindBackward0; there it is one
    node with one output per slice, here one node per slice)."""
    d = normalize_dim(dim, input.ndim)
    from .indexing import Unbind

    return tuple(Unbind.apply(input, d, i) for i in range(input.shape[d]))


class Clone(Function):
    node_name, inputs = "CloneBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> np.ndarray:
        return x._data.copy()

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        return grad


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    return Clone.apply(input)


def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    return input if input._data.flags.c_contiguous else Clone.apply(input)


class ToCopy(Function):
    """A dtype cast; the gradient is cast back by the engine."""

    node_name, inputs = "ToCopyBackward0", 1

    @staticmethod
    def forward(ctx: Any, x: Tensor, np_dtype: Any) -> np.ndarray:
        d = x._data
        if np_dtype.kind in "iu" and d.dtype.kind == "f":
            with np.errstate(invalid="ignore"):
                return np.trunc(d).astype(np_dtype)
        return d.astype(np_dtype)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        return grad, None


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(other)``; returns ``input`` itself when nothing
    changes (as PyTorch does), a copy when ``copy=True``."""
    from .._device import check_device
    from .._dtypes import dtype as DType

    target = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    device = kwargs.pop("device", None)
    for a in args:
        if isinstance(a, DType):
            target = a
        elif isinstance(a, Tensor):
            target = a.dtype
        elif a is not None:
            device = a
    if device is not None:
        check_device(device)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if target is None or target.np == input._data.dtype:
        return ToCopy.apply(input, input._data.dtype) if copy else input
    return ToCopy.apply(input, target.np)
