"""Loss functions as single ops, as PyTorch has them (MseLossBackward0, NllLossBackward0, ...).

Each takes a ``reduction``: 'mean' (default), 'sum' or 'none'. Their backward is the textbook
derivative: for MSE ``2 (x - y) / n``; for binary cross-entropy ``(x - y) / (x (1 - x)) / n``;
with logits ``(sigmoid(x) - y) / n``; for NLL ``-1/n`` at each target class.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._errors import runtime_error, value_error
from .._tensor import Tensor
from ..autograd.function import Function


def check_reduction(reduction: str) -> str:
    if reduction not in ("mean", "sum", "none"):
        raise value_error(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "none":
        return values
    return np.asarray(values.sum() if reduction == "sum" else values.mean(), values.dtype)


def _scale(grad: Tensor, shape: tuple, reduction: str, count: int) -> Tensor:
    """The upstream gradient of the reduced loss, spread back over the elements."""
    if reduction == "mean":
        return grad / count
    return grad


def warn_if_broadcast(input: Tensor, target: Tensor, name: str) -> None:
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


class MseLoss(Function):
    node_name, inputs = "MseLossBackward0", 2

    @staticmethod
    def forward(ctx: Any, x: Tensor, y: Tensor, reduction: str) -> np.ndarray:
        try:
            diff = x._data - y._data.astype(x._data.dtype, copy=False)
        except ValueError:
            from ._common import broadcast_error

            raise broadcast_error(x, y) from None
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.count = reduction, diff.size
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        x, y = ctx.saved_tensors
        g = _scale(grad, x.shape, ctx.reduction, ctx.count) * 2 * (x - y)
        need_x, need_y = ctx.needs_input_grad[:2]
        return (g if need_x else None, -g if need_y else None, None)


class BinaryCrossEntropy(Function):
    node_name, inputs = "BinaryCrossEntropyBackward0", 2

    @staticmethod
    def forward(ctx: Any, x: Tensor, y: Tensor, weight: Any, reduction: str) -> np.ndarray:
        p, t = x._data, y._data.astype(x._data.dtype, copy=False)
        if ((p < 0) | (p > 1)).any():
            raise runtime_error(
                "all elements of input should be between 0 and 1",
                "BCELoss expects probabilities: apply sigmoid first, or use BCEWithLogitsLoss "
                "on the raw scores (it is also more accurate).",
            )
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)  # PyTorch clamps the logs at -100
            log_q = np.maximum(np.log1p(-p), -100)
        losses = -(t * log_p + (1 - t) * log_q)
        w = None if weight is None else weight._data
        if w is not None:
            losses = losses * w
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.count, ctx.w = reduction, losses.size, w
        return _reduce(losses.astype(p.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        """d/dx = (x - y) / (x (1 - x)); the loss is linear in the target (soft targets can be
        learned): d/dy = -logit(x) = log(1 - x) - log(x), unclamped as in PyTorch."""
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        g = _scale(grad, x.shape, ctx.reduction, ctx.count)
        if ctx.w is not None:
            g = g * Tensor._wrap(ctx.w)
        gx = gy = None
        if need_x:
            eps = 1e-12  # PyTorch's EPSILON in binary_cross_entropy_backward
            gx = g * ((x - y) / (x * (1 - x)).clamp(min=eps))
        if need_y:
            gy = g * ((1 - x).log() - x.log())
        return gx, gy, None, None


class BinaryCrossEntropyWithLogits(Function):
    node_name, inputs = "BinaryCrossEntropyWithLogitsBackward0", 2

    @staticmethod
    def forward(ctx: Any, x: Tensor, y: Tensor, weight: Any, pos_weight: Any,
                reduction: str) -> np.ndarray:  # fmt: skip
        z, t = x._data, y._data.astype(x._data.dtype, copy=False)
        log_sig = -np.logaddexp(0, -z)  # log(sigmoid(z)), stable
        log_one_minus = -np.logaddexp(0, z)  # log(1 - sigmoid(z))
        pw = 1 if pos_weight is None else pos_weight._data
        losses = -(pw * t * log_sig + (1 - t) * log_one_minus)
        w = None if weight is None else weight._data
        if w is not None:
            losses = losses * w
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.count, ctx.w, ctx.pw = reduction, losses.size, w, pos_weight
        return _reduce(losses.astype(z.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        """d/dx = (pw y + 1 - y) sigmoid(x) - pw y. The loss is linear in the target (soft
        targets can be learned): d/dy = -(pw log sigmoid(x) - log(1 - sigmoid(x)))
        = -x - (pw - 1) log sigmoid(x)."""
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        g = _scale(grad, x.shape, ctx.reduction, ctx.count)
        if ctx.w is not None:
            g = g * Tensor._wrap(ctx.w)
        pw = 1 if ctx.pw is None else ctx.pw
        gx = gy = None
        if need_x:
            s = x.sigmoid()
            gx = g * (s - y if ctx.pw is None else (pw * y + 1 - y) * s - pw * y)
        if need_y:
            local = -x
            if ctx.pw is not None:  # log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)), stably
                local = local - (pw - 1) * (x.clamp(max=0) - (-x.abs()).exp().log1p())
            gy = g * local
        return gx, gy, None, None, None


class NllLoss(Function):
    """Negative log-likelihood of class indices, given log-probabilities of shape (N, C)."""

    node_name, inputs = "NllLossBackward0", 1

    @staticmethod
    def forward(ctx: Any, logp: Tensor, target: Tensor, weight: Any, ignore_index: int,
                reduction: str) -> np.ndarray:  # fmt: skip
        lp, t = logp._data, target._data
        if lp.ndim == 1:
            lp, t = lp[None], t.reshape(1)
        n, c = lp.shape[0], lp.shape[1]
        valid = t != ignore_index
        safe = np.where(valid, t, 0)
        if ((safe < 0) | (safe >= c)).any():
            bad = int(safe[(safe < 0) | (safe >= c)][0])
            raise IndexError(f"Target {bad} is out of bounds.")
        w = np.ones(c, lp.dtype) if weight is None else weight._data
        wt = np.where(valid, w[safe], 0).astype(lp.dtype)
        picked = np.take_along_axis(lp, safe.reshape(n, 1, *safe.shape[1:]), axis=1)[:, 0]
        losses = -picked * wt
        ctx.shape, ctx.safe, ctx.wt, ctx.reduction = logp._data.shape, safe, wt, reduction
        ctx.total = wt.sum()
        if reduction == "none":
            return losses.reshape(target._data.shape)
        if reduction == "sum":
            return np.asarray(losses.sum(), lp.dtype)
        return np.asarray(losses.sum() / ctx.total, lp.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        shape = ctx.shape if len(ctx.shape) > 1 else (1, *ctx.shape)
        n = shape[0]
        onehot = np.zeros(shape, grad._data.dtype)
        idx = ctx.safe.reshape(n, 1, *ctx.safe.shape[1:])
        np.put_along_axis(onehot, idx, -ctx.wt.reshape(idx.shape), axis=1)
        if ctx.reduction == "mean":
            onehot = onehot / ctx.total
        g = grad
        if ctx.reduction == "none":
            g = grad.reshape(n, 1, *ctx.safe.shape[1:])
        out = g * Tensor._wrap(onehot.astype(grad._data.dtype))
        return out.reshape(ctx.shape), None, None, None, None
