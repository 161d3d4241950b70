"""Reference answers of assignment 3 (03_mlp), for isolation: while one of its tests runs, these
stand in for the student's *other* answers (the student's ``train`` is graded with this
``MLP``, ``LinearFunction``, ``BCEWithLogits`` and ``sgd_step``).

minigrad has no op with these exact signatures, so they live here; they are written like the
notebook's solution, with minigrad's public API only.
"""

from __future__ import annotations

from typing import Any

import minigrad as torch
from minigrad.autograd import Function

STEPS, LR = 500, 1.0


class LinearFunction(Function):
    """``x @ weight.T + bias`` for x of shape (N, in), weight (out, in), bias (out,)."""

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any, bias: Any) -> Any:
        ctx.save_for_backward(x, weight)
        return x @ weight.t() + bias

    @staticmethod
    def backward(ctx: Any, grad_output: Any) -> Any:
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.t() @ x, grad_output.sum(dim=0)


class BCEWithLogits(Function):
    """The mean binary cross-entropy of sigmoid(logits) against 0/1 targets, computed stably."""

    @staticmethod
    def forward(ctx: Any, logits: Any, target: Any) -> Any:
        ctx.save_for_backward(logits, target)
        softplus = logits.clamp(min=0) + (-logits.abs()).exp().log1p()  # log(1 + e^z)
        return (softplus - target * logits).mean()

    @staticmethod
    def backward(ctx: Any, grad_output: Any) -> Any:
        logits, target = ctx.saved_tensors
        return grad_output * (logits.sigmoid() - target) / logits.numel(), None


def sgd_step(params: list, lr: float) -> None:
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad


class MLP:
    """Two layers with tanh between them."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int) -> None:
        self.w1 = (torch.randn(n_hidden, n_in) / n_in**0.5).requires_grad_()
        self.b1 = torch.zeros(n_hidden, requires_grad=True)
        self.w2 = (torch.randn(n_out, n_hidden) / n_hidden**0.5).requires_grad_()
        self.b2 = torch.zeros(n_out, requires_grad=True)

    def parameters(self) -> list:
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x: Any) -> Any:
        h = LinearFunction.apply(x, self.w1, self.b1).tanh()
        return LinearFunction.apply(h, self.w2, self.b2)


def train(x: Any, y: Any) -> MLP:
    model = MLP(x.shape[1], 16, 1)
    for _ in range(STEPS):
        loss = BCEWithLogits.apply(model(x).squeeze(1), y)
        for p in model.parameters():
            p.grad = None
        loss.backward()
        sgd_step(model.parameters(), LR)
    return model
