"""``torch.nn.functional``: stateless layers, activations and losses."""

from __future__ import annotations

from .._errors import runtime_error, value_error
from .._tensor import Tensor
from ..ops import loss as L
from ..ops.linalg import linear
from ..ops.reduction import log_softmax, softmax
from ..ops.unary import leaky_relu, relu, sigmoid, tanh

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout",
    "l1_loss", "leaky_relu", "linear", "log_softmax", "mse_loss", "nll_loss", "one_hot", "relu",
    "sigmoid", "softmax", "tanh",
]  # fmt: skip


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    L.warn_if_broadcast(input, target, "mse_loss")
    return L.MseLoss.apply(input, target, L.check_reduction(reduction))


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    L.warn_if_broadcast(input, target, "l1_loss")
    losses = (input - target).abs()
    r = L.check_reduction(reduction)
    return losses if r == "none" else losses.sum() if r == "sum" else losses.mean()


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:  # fmt: skip
    if input.shape != target.shape:
        raise value_error(
            f"Using a target size ({target.shape!r}) that is different to the input size "
            f"({input.shape!r}) is deprecated. Please ensure they have the same size."
        )
    return L.BinaryCrossEntropy.apply(input, target, weight, L.check_reduction(reduction))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:  # fmt: skip
    if input.shape != target.shape:
        raise value_error(
            f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})"
        )
    return L.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight,
                                                L.check_reduction(reduction))  # fmt: skip


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:  # fmt: skip
    if target._data.dtype.kind not in "iu":
        raise runtime_error(
            f"expected scalar type Long but found {target.dtype.name.capitalize()}",
            "class targets are integer indices: use target.long().",
        )
    n_in = input.shape[0] if input.ndim > 1 else 1
    n_t = target.shape[0] if target.ndim else 1
    if n_in != n_t:
        raise value_error(f"Expected input batch_size ({n_in}) to match target batch_size ({n_t}).")
    return L.NllLoss.apply(input, target, weight, ignore_index, L.check_reduction(reduction))


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """log_softmax over the class dim, then NLL; targets are class indices or probabilities."""
    dim = 1 if input.ndim > 1 else 0
    logp = log_softmax(input, dim)
    if target.is_floating_point():  # class probabilities
        if target.shape != input.shape:
            raise runtime_error(
                f"Expected floating point type target to have the same shape as input "
                f"{list(input.shape)} but got {list(target.shape)}"
            )
        t = target if weight is None else target * weight
        losses = -(logp * t).sum(dim)
        r = L.check_reduction(reduction)
        return losses if r == "none" else losses.sum() if r == "sum" else losses.mean()
    if label_smoothing:
        raise NotImplementedError("label_smoothing is not supported by minigrad")
    return nll_loss(logp, target, weight, ignore_index, reduction)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    import numpy as np

    idx = tensor._data
    n = int(idx.max()) + 1 if num_classes < 0 else num_classes
    return Tensor._wrap(np.eye(n, dtype=np.int64)[idx])


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only)."""
    if not 0 <= p <= 1:
        raise value_error(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    from .._creation import _Random

    keep = (_Random.rng.random(input.shape) >= p).astype(input._data.dtype)
    scale = 0.0 if p == 1 else 1.0 / (1 - p)
    return input * Tensor._wrap(keep * scale)
