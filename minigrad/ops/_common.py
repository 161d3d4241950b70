"""What every op module needs: operand promotion and PyTorch's broadcasting error."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtypes import result_type
from .._errors import runtime_error
from .._tensor import Tensor


def data(x: Any) -> Any:
    """The numpy array of a tensor, or the Python number itself."""
    return x._data if isinstance(x, Tensor) else x


def promote(a: Any, b: Any) -> tuple[Any, Any]:
    """Both operands as numpy values of PyTorch's result dtype (Python numbers stay numbers,
    which numpy treats as weakly typed, as PyTorch does)."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.dtype == b._data.dtype:
                return a._data, b._data
        elif type(b) is float and a._data.dtype.kind == "f":
            return a._data, b
        elif type(b) is int and a._data.dtype.kind in "fiu":
            return a._data, b
    dt = result_type(a, b).np
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    if isinstance(x, np.ndarray) and x.dtype != dt:
        x = x.astype(dt)
    if isinstance(y, np.ndarray) and y.dtype != dt:
        y = y.astype(dt)
    return x, y


def broadcast_error(a: Any, b: Any) -> RuntimeError:
    """``The size of tensor a (3) must match the size of tensor b (2) at non-singleton
    dimension 1`` for the first incompatible dimension, counted from the right."""
    sa, sb = np.shape(data(a)), np.shape(data(b))
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return runtime_error(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}",
                f"shapes {list(sa)} and {list(sb)} do not broadcast: dimensions are compared "
                "from the right and must be equal or 1.",
            )
    return runtime_error(f"shapes {list(sa)} and {list(sb)} cannot be broadcast together")


def binary(ufunc: Any, a: Any, b: Any) -> np.ndarray:
    x, y = promote(a, b)
    try:
        out = ufunc(x, y)
    except ValueError:
        raise broadcast_error(a, b) from None
    return np.asarray(out)


def as_tensor_arg(x: Any, name: str = "other") -> Any:
    """Accept tensors and Python numbers as operands; anything else is a clear TypeError."""
    if isinstance(x, (Tensor, bool, int, float, np.number, np.bool_)):
        return x
    if isinstance(x, np.ndarray):
        return Tensor._wrap(x)
    from .._errors import type_error

    raise type_error(
        f"unsupported operand: expected a Tensor or a number as {name}, got {type(x).__name__}",
        "wrap lists with minigrad.tensor(...) first.",
    )
