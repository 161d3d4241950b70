"""Known-wrong answers to assignment 1, each a whole replacement of one solution cell."""

from __future__ import annotations

from textwrap import dedent

from . import Mutant


def _fn(name: str, forward: str, backward: str) -> str:
    """A Function class with the given forward and backward bodies."""
    ind = " " * 8
    fwd = "\n".join(ind + line for line in dedent(forward).strip().splitlines())
    bwd = "\n".join(ind + line for line in dedent(backward).strip().splitlines())
    return (
        f"class {name}(Function):\n    @staticmethod\n    def forward(ctx, *args):\n{fwd}\n\n"
        f"    @staticmethod\n    def backward(ctx, grad_output):\n{bwd}\n"
    )


MUL_FWD = "a, b = args\nctx.save_for_backward(a, b)\nreturn a * b"
DIV_FWD = "a, b = args\nctx.save_for_backward(a, b)\nreturn a / b"

MUTANTS = [
    Mutant(
        "mul_no_unbroadcast",
        "mul",
        "mul",
        _fn("Mul", MUL_FWD, "a, b = ctx.saved_tensors\nreturn grad_output * b, grad_output * a"),
        r"missing un-broadcast",
    ),
    Mutant(
        "mul_swapped",
        "mul",
        "mul",
        _fn(
            "Mul",
            MUL_FWD,
            "a, b = ctx.saved_tensors\n"
            "return unbroadcast(grad_output * a, a.shape), unbroadcast(grad_output * b, b.shape)",
        ),
        r"wrong place",
    ),
    Mutant(
        "div_sign",
        "div",
        "div",
        _fn(
            "Div",
            DIV_FWD,
            "a, b = ctx.saved_tensors\n"
            "return (unbroadcast(grad_output / b, a.shape),\n"
            "        unbroadcast(grad_output * a / (b * b), b.shape))",
        ),
        r"sign error",
    ),
    Mutant(
        "exp_factor2",
        "exp",
        "exp",
        _fn(
            "Exp",
            "(x,) = args\ny = x.exp()\nctx.save_for_backward(y)\nreturn y",
            "(y,) = ctx.saved_tensors\nreturn 2 * grad_output * y",
        ),
        r"constant factor: it is 2 times",
    ),
    Mutant(
        "sigmoid_ignores_upstream",
        "sigmoid",
        "sigmoid",
        _fn(
            "Sigmoid",
            "(x,) = args\ns = x.sigmoid()\nctx.save_for_backward(s)\nreturn s",
            "(s,) = ctx.saved_tensors\nreturn s * (1 - s)",
        ),
        r"ignores the incoming gradient",
    ),
    Mutant(
        "pow_nan",
        "pow",
        "pow",
        _fn(
            "Pow",
            "x, n = args\nctx.save_for_backward(x)\nctx.n = n\nreturn x ** n",
            "(x,) = ctx.saved_tensors\n"
            "return grad_output * ctx.n * ((ctx.n - 1) * x.log()).exp(), None",
        ),
        r"NaN or inf",
    ),
    Mutant(
        "tanh_uses_input",
        "tanh",
        "tanh",
        _fn(
            "Tanh",
            "(x,) = args\nctx.save_for_backward(x)\nreturn x.tanh()",
            "(x,) = ctx.saved_tensors\nreturn grad_output * (1 - x * x)",
        ),
        r"wrong values",
    ),
    Mutant(
        "exp_mutates_input",
        "exp",
        "exp",
        _fn(
            "Exp",
            "(x,) = args\ny = x.detach().exp_()\nctx.save_for_backward(y)\nreturn y.clone()",
            "(y,) = ctx.saved_tensors\nreturn grad_output * y",
        ),
        r"changes its input x in place|forward",
    ),
    Mutant(
        "sin_view_noncontig",
        "sin",
        "sin",
        _fn(
            "Sin",
            "(x,) = args\nctx.save_for_backward(x)\nreturn x.sin()",
            "(x,) = ctx.saved_tensors\nreturn grad_output * x.view(-1).cos().view(x.shape)",
        ),
        r"non-contiguous",
    ),
    Mutant(
        "pow_returns_one_grad",
        "pow",
        "pow",
        _fn(
            "Pow",
            "x, n = args\nctx.save_for_backward(x)\nctx.n = n\nreturn x ** n",
            "(x,) = ctx.saved_tensors\nreturn grad_output * ctx.n * x ** (ctx.n - 1)",
        ),
        r"one gradient per forward argument",
    ),
    Mutant(
        "unbroadcast_identity",
        "unbroadcast",
        "unbroadcast",
        "def unbroadcast(grad, shape):\n    return grad\n",
        r"shape unchanged",
    ),
    Mutant(
        "unbroadcast_drops_dims",
        "unbroadcast",
        "unbroadcast",
        "def unbroadcast(grad, shape):\n"
        "    lead = grad.dim() - len(shape)\n"
        "    if lead > 0:\n"
        "        grad = grad.sum(dim=tuple(range(lead)))\n"
        "    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
        "    return grad.sum(dim=dims) if dims else grad\n",
        r"keepdim",
    ),
]

# Answers that call minigrad's own implementation of the op: they must earn nothing.
CHEATS = [
    Mutant(
        "mul_subclasses_library",
        "mul",
        "mul",
        "class Mul(torch.ops.arithmetic.Mul):\n    pass\n",
        r"minigrad's own implementation",
    ),
    Mutant(
        "mul_calls_library_backward",
        "mul",
        "mul",
        _fn("Mul", MUL_FWD, "return torch.ops.arithmetic.Mul.backward(ctx, grad_output)"),
        r"minigrad's own",
    ),
    Mutant(
        "mul_uses_autograd",
        "mul",
        "mul",
        _fn(
            "Mul",
            MUL_FWD,
            "a, b = ctx.saved_tensors\n"
            "with torch.enable_grad():\n"
            "    a2, b2 = a.detach().requires_grad_(), b.detach().requires_grad_()\n"
            "    return torch.autograd.grad(a2 * b2, (a2, b2), grad_output)",
        ),
        r"runs minigrad's autograd|minigrad's own",
    ),
    Mutant(
        "unbroadcast_is_sum_to",
        "unbroadcast",
        "unbroadcast",
        "from minigrad.autograd.engine import sum_to as unbroadcast\n",
        r"minigrad's own implementation",
    ),
]
