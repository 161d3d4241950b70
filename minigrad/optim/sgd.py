"""Stochastic gradient descent, with PyTorch's momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._errors import value_error
from .._tensor import Tensor
from .optimizer import Optimizer


class SGD(Optimizer):
    """``p -= lr * g``; with momentum ``b = momentum * b + (1 - dampening) * g`` and the step
    uses ``b`` (or ``g + momentum * b`` with Nesterov)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:  # fmt: skip
        if lr < 0:
            raise value_error(f"Invalid learning rate: {lr}")
        if momentum < 0:
            raise value_error(f"Invalid momentum value: {momentum}")
        if weight_decay < 0:
            raise value_error(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise value_error("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))  # fmt: skip

    def _update(self, p: Tensor, grad: np.ndarray, group: dict, state: dict) -> None:
        d_p = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            d_p = d_p + group["weight_decay"] * p._data
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d_p, copy=True)
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * d_p
            d_p = d_p + momentum * buf if group["nesterov"] else buf
        p._data -= group["lr"] * d_p
