"""``torch.nn.functional``: stateless layers, activations and losses."""

from __future__ import annotations

import math

from .._errors import runtime_error, value_error
from .._tensor import Tensor
from ..ops import linalg
from ..ops import loss as L
from ..ops.reduction import log_softmax, softmax
from ..ops.unary import leaky_relu, relu, sigmoid, tanh

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout",
    "l1_loss", "leaky_relu", "linear", "log_softmax", "mse_loss", "nll_loss", "one_hot", "relu",
    "sigmoid", "softmax", "tanh",
]  # fmt: skip


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, with PyTorch's checks in PyTorch's order (with a bias the
    dtypes are checked before the shapes, without one after)."""
    if input.ndim == 0 or weight.ndim == 0:
        raise runtime_error(
            "both arguments to linear need to be at least 1D, but they are "
            f"{input.ndim}D and {weight.ndim}D"
        )
    same_dtype = input._data.dtype == weight._data.dtype
    if bias is not None and not same_dtype:
        raise runtime_error(
            f"mat1 and mat2 must have the same dtype, but got {input.dtype.scalar_name} and "
            f"{weight.dtype.scalar_name}",
            "convert the input with x.float() (or the layer with .double()).",
        )
    if weight.ndim == 2 and input.shape[-1] != weight.shape[1]:
        rows = math.prod(input.shape[:-1])
        raise runtime_error(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1]}x{weight.shape[0]})",
            f"this layer expects inputs whose last dimension is {weight.shape[1]}.",
        )
    if not same_dtype:
        raise runtime_error(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{input.dtype.c_name} != {weight.dtype.c_name}",
            "convert the input with x.float() (or the layer with .double()).",
        )
    return linalg.linear(input, weight, bias)


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
    _check_nll_args(input, target, weight)
    return L.NllLoss.apply(input, target, weight, ignore_index, L.check_reduction(reduction))


def _check_nll_args(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """PyTorch's argument checks for class-index targets, in PyTorch's order (so that the same
    mistake gets the same message)."""
    if input.ndim < 1:
        raise value_error(f"Expected 1 or more dimensions (got {input.ndim})")
    n_t = target.shape[0] if target.ndim else 0
    if input.ndim != 1 and input.shape[0] != n_t:
        raise value_error(f"Expected input batch_size ({input.shape[0]}) to match target "
                          f"batch_size ({n_t}).")  # fmt: skip
    if input.ndim <= 2 and target.ndim > 1:
        raise runtime_error("0D or 1D target tensor expected, multi-target not supported")
    expected = [input.shape[0], *input.shape[2:]]
    if input.ndim > 2 and list(target.shape) != expected:
        raise runtime_error(f"Expected target size {expected}, got {list(target.shape)}")
    if target.dtype.name != "int64":
        raise runtime_error(
            f"expected target dtype to be Long or Byte, but got {target.dtype.scalar_name}",
            "class targets are integer indices: use target.long().",
        )
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise value_error(
            f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}"
        )
    if weight is None:
        return
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight.ndim != 1 or weight.shape[0] != n_classes:
        raise runtime_error(
            f"weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}"
            if input.ndim <= 2 else "weight tensor should be defined either for all or no classes"
        )  # fmt: skip
    if weight.dtype != input.dtype:
        raise runtime_error(
            f"expected scalar type {input.dtype.scalar_name} but found {weight.dtype.scalar_name}"
        )


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:  # fmt: skip
    """log_softmax over the class dim, then NLL. As in PyTorch, a target of the input's shape
    holds class probabilities; any other target holds class indices."""
    dim = 1 if input.ndim > 1 else 0
    if target.shape == input.shape:
        if not target.is_floating_point():
            raise runtime_error(
                "Expected floating point type for target with class probabilities, got "
                + target.dtype.scalar_name
            )
        if ignore_index >= 0:
            raise runtime_error("ignore_index is not supported for floating point target")
        r = L.check_reduction(reduction)
        if label_smoothing:
            raise NotImplementedError("label_smoothing is not supported by minigrad")
        t = target
        if weight is not None:
            t = target * weight.view(-1, *[1] * (input.ndim - dim - 1))
        weighted = log_softmax(input, dim) * t
        if r == "none":
            return -weighted.sum(dim)
        if r == "sum":
            return -weighted.sum()
        return -weighted.sum() / (input.numel() // input.shape[dim])
    if label_smoothing:
        raise NotImplementedError("label_smoothing is not supported by minigrad")
    return nll_loss(log_softmax(input, dim), target, weight, ignore_index, reduction)


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
