"""Known-wrong answers to assignment 3, each a whole replacement of one solution cell."""

from __future__ import annotations

from textwrap import dedent, indent

from . import Mutant
from .reductions import _cls

LINEAR_FWD = """x, weight, bias
ctx.save_for_backward(x, weight)
return x @ weight.t() + bias
"""
BCE_FWD = """logits, target
ctx.save_for_backward(logits, target)
softplus = logits.clamp(min=0) + (-logits.abs()).exp().log1p()
return (softplus - target * logits).mean()
"""
MLP_CALL = """
    def parameters(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x):
        h = LinearFunction.apply(x, self.w1, self.b1).tanh()
        return LinearFunction.apply(h, self.w2, self.b2)
"""


def _mlp(init: str) -> str:
    body = indent(dedent(init).strip(), " " * 8)
    return f"class MLP:\n    def __init__(self, n_in, n_hidden, n_out):\n{body}\n{MLP_CALL}"


def _fn(signature: str, body: str) -> str:
    return f"def {signature}:\n" + indent(dedent(body).strip(), " " * 4) + "\n"


TRAIN = """
model = MLP(2, 16, 1)
for _ in range(500):
    loss = BCEWithLogits.apply(model(X).squeeze(1), y)
    for p in model.parameters():
        p.grad = None
    loss.backward()
    sgd_step(model.parameters(), 1.0)
return model
"""

MUTANTS = [
    Mutant(
        "linear_bias_not_summed",
        "linear",
        "linear",
        _cls(
            "LinearFunction",
            LINEAR_FWD,
            "x, weight = ctx.saved_tensors\n"
            "return grad_output @ weight, grad_output.t() @ x, grad_output",
        ),
        r"missing un-broadcast",
    ),
    Mutant(
        "linear_weight_transposed",
        "linear",
        "linear",
        _cls(
            "LinearFunction",
            LINEAR_FWD,
            "x, weight = ctx.saved_tensors\n"
            "return grad_output @ weight, x.t() @ grad_output, grad_output.sum(dim=0)",
        ),
        r"missing transpose",
    ),
    Mutant(
        "bce_sign",
        "bce",
        "bce",
        _cls(
            "BCEWithLogits",
            BCE_FWD,
            "logits, target = ctx.saved_tensors\n"
            "return grad_output * (target - logits.sigmoid()) / logits.numel(), None",
        ),
        r"sign error",
    ),
    Mutant(
        "bce_unstable",
        "bce",
        "bce",
        _cls(
            "BCEWithLogits",
            """logits, target
            ctx.save_for_backward(logits, target)
            return ((1 + logits.exp()).log() - target * logits).mean()
            """,
            "logits, target = ctx.saved_tensors\n"
            "return grad_output * (logits.sigmoid() - target) / logits.numel(), None",
        ),
        r"not numerically stable",
    ),
    Mutant(
        "sgd_without_no_grad",
        "sgd",
        "sgd",
        _fn("sgd_step(params, lr)", "for p in params:\n    p -= lr * p.grad"),
        r"inside `with torch.no_grad\(\):`",
    ),
    Mutant(
        "sgd_rebinds",
        "sgd",
        "sgd",
        _fn(
            "sgd_step(params, lr)",
            "with torch.no_grad():\n    for p in params:\n        p = p - lr * p.grad",
        ),
        r"leaves the parameters unchanged",
    ),
    Mutant(
        "sgd_uphill",
        "sgd",
        "sgd",
        _fn(
            "sgd_step(params, lr)",
            "with torch.no_grad():\n    for p in params:\n        p += lr * p.grad",
        ),
        r"up the gradient",
    ),
    Mutant(
        "init_zeros",
        "mlp",
        "init",
        _mlp(
            """
            self.w1 = torch.zeros(n_hidden, n_in, requires_grad=True)
            self.b1 = torch.zeros(n_hidden, requires_grad=True)
            self.w2 = torch.zeros(n_out, n_hidden, requires_grad=True)
            self.b2 = torch.zeros(n_out, requires_grad=True)
            """
        ),
        r"symmetric initialisation",
    ),
    Mutant(
        "init_not_leaves",
        "mlp",
        "init",
        _mlp(
            """
            self.w1 = torch.randn(n_hidden, n_in, requires_grad=True) / n_in**0.5
            self.b1 = torch.zeros(n_hidden, requires_grad=True)
            self.w2 = torch.randn(n_out, n_hidden, requires_grad=True) / n_hidden**0.5
            self.b2 = torch.zeros(n_out, requires_grad=True)
            """
        ),
        r"w1 is not a leaf",
    ),
    Mutant(
        "init_transposed",
        "mlp",
        "init",
        _mlp(
            """
            self.w1 = (torch.randn(n_in, n_hidden) / n_in**0.5).requires_grad_()
            self.b1 = torch.zeros(n_hidden, requires_grad=True)
            self.w2 = (torch.randn(n_out, n_hidden) / n_hidden**0.5).requires_grad_()
            self.b2 = torch.zeros(n_out, requires_grad=True)
            """
        ),
        r"parameters\(\) returns shapes \[\(2, 16\)",
    ),
    Mutant(
        "init_too_large",
        "mlp",
        "init",
        _mlp(
            """
            self.w1 = (torch.randn(n_hidden, n_in) * 100).requires_grad_()
            self.b1 = torch.zeros(n_hidden, requires_grad=True)
            self.w2 = (torch.randn(n_out, n_hidden) / n_hidden**0.5).requires_grad_()
            self.b2 = torch.zeros(n_out, requires_grad=True)
            """
        ),
        r"w1 is too large",
    ),
    Mutant(
        "train_without_squeeze",
        "train",
        "training",
        _fn("train(X, y)", TRAIN.replace("model(X).squeeze(1)", "model(X)")),
        r"classifies \d+% of the test points",
    ),
    Mutant(
        "train_too_few_steps",
        "train",
        "training",
        _fn("train(X, y)", TRAIN.replace("range(500)", "range(3)")),
        r"classifies \d+% of the test points",
    ),
]

CHEATS = [
    Mutant(
        "train_is_reference",
        "train",
        "training",
        "from autograder.reference_mlp import train\n",
        r"minigrad's own implementation",
    ),
    Mutant(
        "linear_calls_library_backward",
        "linear",
        "linear",
        _cls(
            "LinearFunction",
            LINEAR_FWD,
            "return torch.ops.linalg.Addmm.backward(ctx, grad_output)",
        ),
        r"minigrad's own",
    ),
]
