"""Adam (Kingma & Ba), step for step as PyTorch computes it (bias-corrected moments)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._errors import value_error
from .._tensor import Tensor
from .optimizer import Optimizer


class Adam(Optimizer):
    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:  # fmt: skip
        if lr < 0:
            raise value_error(f"Invalid learning rate: {lr}")
        if eps < 0:
            raise value_error(f"Invalid epsilon value: {eps}")
        for i, b in enumerate(betas):
            if not 0.0 <= b < 1.0:
                raise value_error(f"Invalid beta parameter at index {i}: {b}")
        if weight_decay < 0:
            raise value_error(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))  # fmt: skip

    def _update(self, p: Tensor, grad: np.ndarray, group: dict, state: dict) -> None:
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p._data
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p._data)
            state["exp_avg_sq"] = np.zeros_like(p._data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p._data)
        beta1, beta2 = group["betas"]
        state["step"] += 1
        step = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (grad - m) * (1 - beta1)  # lerp, as PyTorch writes it
        v *= beta2
        v += (1 - beta2) * grad * grad
        step_size = group["lr"] / (1 - beta1**step)
        bias_correction2_sqrt = math.sqrt(1 - beta2**step)
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            denom = np.sqrt(state["max_exp_avg_sq"]) / bias_correction2_sqrt + group["eps"]
        else:
            denom = np.sqrt(v) / bias_correction2_sqrt + group["eps"]
        p._data -= (step_size * (m / denom)).astype(p._data.dtype, copy=False)
