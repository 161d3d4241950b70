"""Making tensors: from data (tensor, as_tensor, from_numpy), from a shape (zeros, ones, ...),
ranges (arange, linspace) and random numbers (rand, randn, manual_seed)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _dtypes
from ._device import check_device
from ._dtypes import dtype as DType
from ._errors import runtime_error, type_error, value_error
from ._tensor import Tensor

_FLOAT_ONLY = "Only Tensors of floating point and complex dtype can require gradients"


def _finish(data: np.ndarray, requires_grad: bool, device: Any = None) -> Tensor:
    if device is not None:
        check_device(device)
    t = Tensor._wrap(data)
    if requires_grad:
        if data.dtype.kind != "f":
            raise runtime_error(_FLOAT_ONLY, "use float values (1. instead of 1) or dtype=float.")
        t._requires_grad = True
    return t


def _unwrap_nested(data: Any) -> Any:
    """Lists may hold tensors (0-dim or not): take their values."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    return data


def _infer_dtype(data: Any) -> DType | None:
    """PyTorch's rule: the promotion of every element's own type (Python bool -> bool, int ->
    int64, float -> default float; numpy scalars/arrays and tensors keep their dtype), so
    ``[np.float64(1), 2.0]`` is float64 and ``[np.int32(1), 2]`` int64. None for no elements."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return _dtypes.from_numpy_dtype(data.dtype)  # raises the unsupported-type error
    if isinstance(data, (list, tuple)):
        out = None
        for d in data:
            t = _infer_dtype(d)
            if t is not None:
                out = t if out is None else _dtypes.promote_types(out, t)
        return out
    if isinstance(data, (bool, int, float)):
        return _dtypes.scalar_dtype(data)
    return None


def to_array(data: Any, dtype: DType | None = None) -> np.ndarray:
    """A fresh numpy array of ``data`` in the dtype PyTorch would infer (or ``dtype``)."""
    if isinstance(data, Tensor):
        arr = data._data
        return arr.astype(dtype.np if dtype else arr.dtype, copy=True)
    if data is None:
        raise runtime_error("Could not infer dtype of NoneType")
    if isinstance(data, str):
        raise type_error(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.array(_unwrap_nested(data))
    except ValueError as e:
        raise value_error(_ragged_message(data), "every row must have the same length.") from e
    if arr.dtype == object or arr.dtype.kind in "USV":
        bad = _first_bad(data)
        raise type_error(
            f"new(): invalid data type '{type(bad).__name__}'",
            "tensor() takes numbers, nested lists of numbers, numpy arrays or tensors.",
        )
    if dtype is None:
        dtype = _infer_dtype(data) or _dtypes.get_default_dtype()
    target = dtype.np
    if target.kind in "iu" and arr.dtype.kind == "f":
        return np.trunc(arr).astype(target)
    return arr.astype(target, copy=False)


def _first_bad(data: Any) -> Any:
    if isinstance(data, (list, tuple)):
        for d in data:
            bad = _first_bad(d)
            if bad is not None:
                return bad
        return None
    return None if isinstance(data, (int, float, bool, np.number, np.bool_, Tensor)) else data


def _ragged_message(data: Any) -> str:
    def walk(x: Any, dim: int) -> str | None:
        if not isinstance(x, (list, tuple)) or not x:
            return None
        lens = [len(e) if isinstance(e, (list, tuple)) else None for e in x]
        first = lens[0]
        for n in lens[1:]:
            if n != first:
                return f"expected sequence of length {first} at dim {dim + 1} (got {n})"
        for e in x:
            msg = walk(e, dim + 1)
            if msg:
                return msg
        return None

    return walk(data, 0) or "could not convert data to a tensor (ragged nested sequence)"


def tensor(data: Any, dtype: DType | None = None, device: Any = None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:  # fmt: skip
    """A new tensor holding a copy of ``data``."""
    return _finish(to_array(data, dtype), requires_grad, device)


def as_tensor(data: Any, dtype: DType | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a numpy array (or returns the tensor itself)."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype, device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with the array: changes to one show in the other."""
    if not isinstance(ndarray, np.ndarray):
        raise type_error(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtypes.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray)


def _shape(size: tuple, negative: str | None = None) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise type_error(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element "
                f"of type {type(s).__name__} at pos 0"
            )
        if s < 0 and negative:
            raise runtime_error(negative)
        if s < 0:
            raise runtime_error(
                f"Trying to create tensor with negative dimension {s}: {list(size)}"
            )
    return tuple(int(s) for s in size)


def _np(dtype: DType | None) -> np.dtype:
    return (dtype or _dtypes.get_default_dtype()).np


def zeros(*size: Any, dtype: DType | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    shape = _shape(size, "zeros: Dimension size must be non-negative.")  # PyTorch's own text
    return _finish(np.zeros(shape, _np(dtype)), requires_grad, device)


def ones(*size: Any, dtype: DType | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    return _finish(np.ones(_shape(size), _np(dtype)), requires_grad, device)


def empty(*size: Any, dtype: DType | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Uninitialised in PyTorch; zeros here, so results never depend on leftover memory."""
    return _finish(np.zeros(_shape(size), _np(dtype)), requires_grad, device)


def full(size: Any, fill_value: Any, *, dtype: DType | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    if not isinstance(fill_value, (int, float, bool, np.number, np.bool_)):
        raise type_error(
            f"full(): argument 'fill_value' (position 2) must be Number, not "
            f"{type(fill_value).__name__}"
        )
    if dtype is None:
        dtype = _dtypes.scalar_dtype(fill_value)
    return _finish(np.full(_shape((size,)), fill_value, dtype.np), requires_grad, device)


def eye(n: int, m: int | None = None, *, dtype: DType | None = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:  # fmt: skip
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise runtime_error(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, n if m is None else m, dtype=_np(dtype)), requires_grad, device)


def _like(fn: Any) -> Any:
    def like(input: Tensor, *, dtype: DType | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:  # fmt: skip
        return fn(input.shape, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad)  # fmt: skip

    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape (and dtype) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(input: Tensor, fill_value: Any, *, dtype: DType | None = None,
              requires_grad: bool = False) -> Tensor:  # fmt: skip
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: DType | None = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    if end is None:
        start, end = 0, start
    if step == 0:
        raise runtime_error("step must be nonzero")
    if (end - start) * step < 0:
        raise runtime_error("upper bound and lower bound inconsistent with step sign")
    integral = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                   for v in (start, end, step))  # fmt: skip
    target = dtype or (_dtypes.int64 if integral else _dtypes.get_default_dtype())
    n = max(0, math.ceil((end - start) / step))
    data = start + np.arange(n, dtype=np.float64 if not integral else np.int64) * step
    return _finish(data.astype(target.np), requires_grad, device)


def linspace(start: float, end: float, steps: int, *, dtype: DType | None = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise type_error(
            f"linspace(): argument 'steps' (position 3) must be int, not {type(steps).__name__}"
        )
    if steps < 0:
        raise runtime_error("number of steps must be non-negative")
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    data = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    if steps == 1:
        data = np.full(1, start, np.float64)
    return _finish(data.astype(_np(dtype)), requires_grad, device)


# ----- random numbers (numpy's PCG64: the values differ from PyTorch's generator) -------------
class _Random:
    rng = np.random.default_rng()


def manual_seed(seed: int) -> Any:
    _Random.rng = np.random.default_rng(int(seed))
    return _Random


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def rand(*size: Any, dtype: DType | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:  # fmt: skip
    d = _np(dtype)
    return _finish(_Random.rng.random(_shape(size), dtype=d), requires_grad, device)


def randn(*size: Any, dtype: DType | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:  # fmt: skip
    d = _np(dtype)
    return _finish(_Random.rng.standard_normal(_shape(size), dtype=d), requires_grad, device)


def randint(low: int, high: int | None = None, size: Any = None, *,
            dtype: DType | None = None, requires_grad: bool = False) -> Tensor:  # fmt: skip
    if high is None:
        low, high = 0, low
    if size is None:
        raise type_error('randint() missing 1 required positional arguments: "size"')
    data = _Random.rng.integers(low, high, _shape((size,)))
    return _finish(data.astype((dtype or _dtypes.int64).np), requires_grad)


def randperm(n: int, *, dtype: DType | None = None) -> Tensor:
    return _finish(_Random.rng.permutation(n).astype((dtype or _dtypes.int64).np), False)


def rand_like(input: Tensor, *, dtype: DType | None = None, requires_grad: bool = False) -> Tensor:
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype: DType | None = None,
               requires_grad: bool = False) -> Tensor:  # fmt: skip
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def normal(mean: float, std: float, size: Any, *, dtype: DType | None = None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    data = _Random.rng.normal(mean, std, _shape((size,))).astype(_np(dtype))
    return _finish(data, requires_grad)
