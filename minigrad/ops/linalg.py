"""Matrix products: mm, mv, dot, bmm and matmul's dispatch between them.

For ``C = A @ B`` the backward is ``dA = dC @ B.T`` and ``dB = A.T @ dC``: the shapes only fit
one way, which is why non-square test shapes catch transposition mistakes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import runtime_error
from .._tensor import Tensor
from ..autograd.function import Function


def _same_dtype(a: Tensor, b: Tensor, what: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise runtime_error(
            f"{what} must have the same dtype, but got {a.dtype.name.capitalize()} and "
            f"{b.dtype.name.capitalize()}",
            "convert one side, e.g. b.to(a.dtype).",
        )


def _check_dims(t: Tensor, n: int, name: str, op: str) -> None:
    if t.ndim != n:
        raise runtime_error(f"{name} must be a {n}D tensor" if op != "dot" else
                            f"1D tensors expected, but got {t.ndim}D and {n}D tensors")  # fmt: skip


class Mm(Function):
    node_name, inputs = "MmBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor) -> np.ndarray:
        if a._data.ndim != 2:
            raise runtime_error("self must be a matrix")
        if b._data.ndim != 2:
            raise runtime_error("mat2 must be a matrix")
        if a._data.shape[1] != b._data.shape[0]:
            raise runtime_error(
                f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                f"{b.shape[0]}x{b.shape[1]})",
                "for A @ B the number of columns of A must equal the number of rows of B.",
            )
        if a._data.dtype != b._data.dtype:
            raise runtime_error(
                f"expected m1 and m2 to have the same dtype, but got: {a.dtype.c_name} != "
                f"{b.dtype.c_name}"
            )
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a._data @ b._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad.mm(b.t()) if need_a else None, a.t().mm(grad) if need_b else None)


class Mv(Function):
    node_name, inputs = "MvBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Tensor, v: Tensor) -> np.ndarray:
        if a.ndim != 2 or v.ndim != 1:
            raise runtime_error("vector + matrix @ vector expected, got "
                                f"{v.ndim}, {a.ndim}, {v.ndim}")  # fmt: skip
        if a.shape[1] != v.shape[0]:
            raise runtime_error(
                f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), "
                f"vec ({v.shape[0]})"
            )
        _same_dtype(a, v, "expected m1 and m2")
        need_a, need_v = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_v else None, v if need_a else None)
        return a._data @ v._data

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, v = ctx.saved_tensors
        need_a, need_v = ctx.needs_input_grad
        return (grad.unsqueeze(1) * v if need_a else None, a.t().mv(grad) if need_v else None)


class Dot(Function):
    node_name, inputs = "DotBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor) -> np.ndarray:
        if a.ndim != 1 or b.ndim != 1:
            raise runtime_error(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
        if a.shape[0] != b.shape[0]:
            raise runtime_error(
                f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                f"[{b.shape[0]}] to have the same "
                f"number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
            )
        if a._data.dtype != b._data.dtype:
            raise runtime_error(
                "dot : expected both vectors to have same dtype, but found "
                f"{a.dtype.scalar_name} and {b.dtype.scalar_name}"
            )
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return np.asarray(np.dot(a._data, b._data))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None, grad * a if need_b else None)


class BatchedMatmul(Function):
    """``a @ b`` for 3-D and higher operands, with broadcast batch dims (the engine sums the
    gradient over broadcast batch dims)."""

    node_name, inputs = "BmmBackward0", 2

    @staticmethod
    def forward(ctx: Any, a: Tensor, b: Tensor) -> np.ndarray:
        if a.shape[-1] != b.shape[-2]:
            raise runtime_error(
                "Expected size for first two dimensions of batch2 tensor to be: "
                f"[{a.shape[0]}, {a.shape[-1]}] but got: [{b.shape[0]}, {b.shape[-2]}]."
            )
        _same_dtype(a, b, "expected scalar type")
        need_a, need_b = ctx.needs_input_grad or (False, False)
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        try:
            return np.matmul(a._data, b._data)
        except ValueError:
            from ._common import broadcast_error

            raise broadcast_error(
                Tensor._wrap(np.empty(a.shape[:-2])), Tensor._wrap(np.empty(b.shape[:-2]))
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            matmul(grad, b.transpose(-1, -2)) if need_a else None,
            matmul(a.transpose(-1, -2), grad) if need_b else None,
        )


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return Mm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    return Mv.apply(input, vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    return Dot.apply(input, other)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    if input.ndim != 3:
        raise runtime_error("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise runtime_error("batch2 must be a 3D tensor")
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise runtime_error(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return BatchedMatmul.apply(input, mat2)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """PyTorch's dispatch: dot, mv, mm, vector @ matrix, or batched with broadcasting."""
    for name, t in (("input", input), ("other", other)):
        if not isinstance(t, Tensor):
            from .._errors import type_error

            raise type_error(
                f"matmul(): argument '{name}' must be Tensor, not {type(t).__name__}",
                "wrap numbers with minigrad.tensor(...); use * for scaling.",
            )
    da, db = input.ndim, other.ndim
    if da == 0 or db == 0:
        raise runtime_error(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if da == 1 and db == 1:
        return Dot.apply(input, other)
    if da == 2 and db == 1:
        return Mv.apply(input, other)
    if da == 2 and db == 2:
        return Mm.apply(input, other)
    if da == 1 and db == 2:
        if input.shape[0] != other.shape[0]:
            raise runtime_error(
                f"mat1 and mat2 shapes cannot be multiplied (1x{input.shape[0]} and "
                f"{other.shape[0]}x{other.shape[1]})"
            )
        from .shape import SqueezeInplaceDim  # PyTorch: unsqueeze(0).mm(other).squeeze_(0)

        return SqueezeInplaceDim.apply(Mm.apply(input.unsqueeze(0), other), (0,))
    a = input.unsqueeze(0) if da == 1 else input
    b = other.unsqueeze(-1) if db == 1 else other
    if a.shape[-1] != b.shape[-2]:
        raise runtime_error(
            f"mat1 and mat2 shapes cannot be multiplied ({int(np.prod(a.shape[:-1]))}x"
            f"{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})"
        )
    out = BatchedMatmul.apply(a, b)
    if db == 1:
        out = out.squeeze(-1)
    if da == 1:
        out = out.squeeze(-2)
    return out


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    return input.unsqueeze(1) * vec2.unsqueeze(0)


class Addmm(Function):
    """``bias + x @ w`` in one op: what ``nn.Linear`` does for a batch (AddmmBackward0)."""

    node_name, inputs = "AddmmBackward0", 3

    @staticmethod
    def forward(ctx: Any, bias: Tensor, x: Tensor, w: Tensor) -> np.ndarray:
        if x._data.shape[1] != w._data.shape[0]:
            raise runtime_error(
                f"mat1 and mat2 shapes cannot be multiplied ({x.shape[0]}x{x.shape[1]} and "
                f"{w.shape[0]}x{w.shape[1]})",
                "for nn.Linear, the input's last dimension must equal in_features.",
            )
        need_b, need_x, need_w = ctx.needs_input_grad or (False, False, False)
        ctx.save_for_backward(x if need_w else None, w if need_x else None)
        out = x._data @ w._data
        out += bias._data
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        x, w = ctx.saved_tensors
        need_b, need_x, need_w = ctx.needs_input_grad
        return (
            grad if need_b else None,
            grad.mm(w.t()) if need_x else None,
            x.t().mm(grad) if need_w else None,
        )


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` with PyTorch's graph: AddmmBackward0 for a 2-D batch."""
    ndim = input._data.ndim
    if ndim == 2 and bias is not None:
        return Addmm.apply(bias, input, weight.t())
    if ndim == 1:
        return linear(input.unsqueeze(0), weight, bias).view(weight.shape[0])
    out = matmul(input, weight.t())
    return out if bias is None else out + bias
