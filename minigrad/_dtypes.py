"""dtype objects and PyTorch's type-promotion rules.

PyTorch promotes in three tiers: tensors with dimensions win over 0-dim tensors, which win over
Python numbers, *unless* a lower tier brings a higher category (bool < integer < floating); then
the lower tier's dtype (or, for a Python number, the default dtype of its category) is used.
So ``int_tensor + 0.5`` is float32 and ``float32_tensor + float64_scalar_tensor`` stays float32.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dtype", "float32", "float64", "int64", "int32", "bool_", "get_default_dtype"]


class dtype:
    """A tensor element type; prints as ``minigrad.float32`` (PyTorch: ``torch.float32``)."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize", "_rank", "_tensor_type",
                 "scalar_name", "c_name")  # fmt: skip

    def __init__(self, name: str, np_dtype: type, rank: int, tensor_type: str,
                 c_name: str) -> None:  # fmt: skip
        self.name = name
        # how PyTorch's messages name it: "Float" (scalar type) and "float" (C++ type)
        self.scalar_name = tensor_type.removesuffix("Tensor")
        self.c_name = c_name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.itemsize = self.np.itemsize
        self._rank = rank
        self._tensor_type = tensor_type

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __reduce__(self) -> str:
        return self.name

    @property
    def is_signed(self) -> bool:
        return self.name != "bool"


bool_ = dtype("bool", np.bool_, 0, "BoolTensor", "bool")
int32 = dtype("int32", np.int32, 1, "IntTensor", "int")
int64 = dtype("int64", np.int64, 2, "LongTensor", "long int")
float32 = dtype("float32", np.float32, 3, "FloatTensor", "float")
float64 = dtype("float64", np.float64, 4, "DoubleTensor", "double")

ALL = (bool_, int32, int64, float32, float64)
_BY_NUMPY = {d.np: d for d in ALL}
_ORDER = sorted(ALL, key=lambda d: d._rank)
_default_float = float32


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Only float32 and float64 may be the default, as in PyTorch."""
    global _default_float
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    d = _BY_NUMPY.get(np_dtype)
    if d is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).name}. The only "
            "supported types are: float64, float32, int64, int32, and bool."
        )
    return d


def to_numpy_dtype(d: dtype | None) -> np.dtype | None:
    return None if d is None else d.np


def category(d: dtype) -> int:
    """0 bool, 1 integer, 2 floating."""
    return 0 if d is bool_ else (2 if d.is_floating_point else 1)


def promote_types(a: dtype, b: dtype) -> dtype:
    return a if a._rank >= b._rank else b


def scalar_dtype(value: object) -> dtype:
    """The dtype a Python number takes when it meets a tensor."""
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    return _default_float


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands: object) -> dtype:
    """PyTorch's ``torch.result_type`` for tensors and Python numbers."""
    dim = zero = wrapped = None
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            if op.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            s = scalar_dtype(op)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    return _combine(dim, _combine(zero, wrapped))
