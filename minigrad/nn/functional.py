"""Stateless functions of ``torch.nn.functional`` (activations so far; losses come with nn)."""

from __future__ import annotations

from ..ops.reduction import log_softmax, softmax
from ..ops.unary import leaky_relu, relu, sigmoid, tanh

__all__ = ["leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "tanh"]
