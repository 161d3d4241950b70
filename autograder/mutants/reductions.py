"""Known-wrong answers to assignment 2, each a whole replacement of one solution cell."""

from __future__ import annotations

from textwrap import dedent, indent

from . import Mutant


def _cls(name: str, forward: str, backward: str, before: str = "") -> str:
    """A Function class ``name(ctx, <forward's signature>)`` with the given bodies."""
    sig, _, body = dedent(forward).strip().partition("\n")
    return (
        f"{dedent(before).strip()}\n\n\n" * bool(before)
        + f"class {name}(Function):\n    @staticmethod\n    def forward(ctx, {sig}):\n"
        + indent(dedent(body).strip(), " " * 8)
        + "\n\n    @staticmethod\n    def backward(ctx, grad_output):\n"
        + indent(dedent(backward).strip(), " " * 8)
        + "\n"
    )


RESTORE = """
def restore(grad, shape, dims, keepdim):
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)
"""
SUM_FWD = """x, dim, keepdim
ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
return x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim)
"""
MEAN_FWD = """x, dim, keepdim
ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
ctx.n = x.numel()
return x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim)
"""
MAX_FWD = """x, dim, keepdim
values = x.max(dim=dim, keepdim=True).values
ctx.save_for_backward(x == values)
ctx.dim, ctx.keepdim, ctx.shape = dim, keepdim, x.shape
return values if keepdim else values.squeeze(dim)
"""
MM_FWD = """a, b
ctx.save_for_backward(a, b)
return a @ b
"""
XENT_FWD = """logits, target
shifted = logits - logits.max(dim=1, keepdim=True).values
logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
ctx.save_for_backward(logp.exp(), target)
return -logp[torch.arange(logits.shape[0]), target].mean()
"""
XENT_BWD = """
probs, target = ctx.saved_tensors
n = probs.shape[0]
onehot = torch.zeros_like(probs)
onehot[torch.arange(n), target] = 1.0
"""

# the reference's topological order, then a pass that the mutants below change
ORDER = """
order, seen = [], set()
stack = [(root.grad_fn, False)]
while stack:
    node, expanded = stack.pop()
    if expanded:
        order.append(node)
        continue
    if node in seen:
        continue
    seen.add(node)
    stack.append((node, True))
    for child, _ in node.next_functions:
        if child is not None and child not in seen:
            stack.append((child, False))
"""
PASS = """
grads = {root.grad_fn: torch.ones_like(root)}
for node in reversed(order):
    grad = grads.pop(node, None)
    if grad is None:
        continue
    if hasattr(node, "variable"):
        leaf = node.variable
        leaf.grad = grad.clone() if leaf.grad is None else leaf.grad + grad
        continue
    for child, g in run_node(node, grad):
        grads[child] = g if child not in grads else grads[child] + g
"""


def _engine(*parts: str) -> str:
    body = "\n".join(dedent(p).strip("\n") for p in parts)
    return "def backward(root):\n" + indent(body, " " * 4) + "\n"


MUTANTS = [
    Mutant(
        "sum_no_keepdim_restore",
        "sum",
        "sum",
        _cls(
            "Sum",
            SUM_FWD,
            "return grad_output.expand(ctx.shape), None, None",
            before=RESTORE,
        ),
        r"keepdim=False the reduced dimension\(s\) are gone",
    ),
    Mutant(
        "mean_divides_by_numel",
        "mean",
        "mean",
        _cls(
            "Mean",
            MEAN_FWD,
            "return restore(grad_output / ctx.n, ctx.shape, ctx.dims, ctx.keepdim), None, None",
        ),
        r"number of elements averaged",
    ),
    Mutant(
        "max_to_every_element",
        "max",
        "max",
        _cls(
            "Max",
            MAX_FWD,
            "g = grad_output if ctx.keepdim else grad_output.unsqueeze(ctx.dim)\n"
            "return g.expand(ctx.shape), None, None",
        ),
        r"sends the gradient to every element",
    ),
    Mutant(
        "matmul_untransposed",
        "matmul",
        "matmul",
        _cls(
            "MatMul",
            MM_FWD,
            "a, b = ctx.saved_tensors\n"
            "return unbroadcast(grad_output @ b, a.shape), unbroadcast(a @ grad_output, b.shape)",
        ),
        r"missing transpose",
    ),
    Mutant(
        "matmul_swapped",
        "matmul",
        "matmul",
        _cls(
            "MatMul",
            MM_FWD,
            "a, b = ctx.saved_tensors\n"
            "grad_a = unbroadcast(grad_output @ b.transpose(-1, -2), a.shape)\n"
            "grad_b = unbroadcast(a.transpose(-1, -2) @ grad_output, b.shape)\n"
            "return grad_b, grad_a",
        ),
        r"swapped gradients",
    ),
    Mutant(
        "matmul_no_unbroadcast",
        "matmul",
        "matmul",
        _cls(
            "MatMul",
            MM_FWD,
            "a, b = ctx.saved_tensors\n"
            "return grad_output @ b.transpose(-1, -2), a.transpose(-1, -2) @ grad_output",
        ),
        r"missing un-broadcast",
    ),
    Mutant(
        "xent_no_onehot",
        "softmax_cross_entropy",
        "softmax_cross_entropy",
        _cls(
            "SoftmaxCrossEntropy",
            XENT_FWD,
            XENT_BWD + "return grad_output * probs / n, None",
        ),
        r"leaves out the one-hot subtraction",
    ),
    Mutant(
        "xent_no_mean",
        "softmax_cross_entropy",
        "softmax_cross_entropy",
        _cls(
            "SoftmaxCrossEntropy",
            XENT_FWD,
            XENT_BWD + "return grad_output * (probs - onehot), None",
        ),
        r"divided by the batch size",
    ),
    Mutant(
        "xent_no_max_shift",
        "softmax_cross_entropy",
        "softmax_cross_entropy",
        _cls(
            "SoftmaxCrossEntropy",
            """logits, target
            e = logits.exp()
            probs = e / e.sum(dim=1, keepdim=True)
            ctx.save_for_backward(probs, target)
            return -probs.log()[torch.arange(logits.shape[0]), target].mean()
            """,
            XENT_BWD + "return grad_output * (probs - onehot) / n, None",
        ),
        r"not numerically stable",
    ),
    Mutant(
        "engine_dfs_preorder",
        "engine",
        "engine",
        _engine(
            """
            grads = {root.grad_fn: torch.ones_like(root)}
            stack, seen = [root.grad_fn], {root.grad_fn}
            while stack:  # runs a node as soon as it is found: too early in a diamond
                node = stack.pop()
                grad = grads.pop(node)
                if hasattr(node, "variable"):
                    leaf = node.variable
                    leaf.grad = grad if leaf.grad is None else leaf.grad + grad
                    continue
                for child, g in run_node(node, grad):
                    grads[child] = g if child not in grads else grads[child] + g
                    if child not in seen:
                        seen.add(child)
                        stack.append(child)
            """
        ),
        r"topological order",
    ),
    Mutant(
        "engine_overwrites",
        "engine",
        "engine",
        _engine(ORDER, PASS.replace("g if child not in grads else grads[child] + g", "g")),
        r"sum of both gradients",
    ),
    Mutant(
        "engine_once_per_path",
        "engine",
        "engine",
        _engine(
            """
            stack = [(root.grad_fn, torch.ones_like(root))]
            while stack:  # every path separately: correct sums, exponential work
                node, grad = stack.pop()
                if hasattr(node, "variable"):
                    leaf = node.variable
                    leaf.grad = grad if leaf.grad is None else leaf.grad + grad
                    continue
                for child, g in run_node(node, grad):
                    stack.append((child, g))
            """
        ),
        r"more than once",
    ),
    Mutant(
        "engine_recursive",
        "engine",
        "engine",
        _engine(
            """
            order, seen = [], set()

            def visit(node):
                seen.add(node)
                for child, _ in node.next_functions:
                    if child is not None and child not in seen:
                        visit(child)
                order.append(node)

            visit(root.grad_fn)
            """,
            PASS,
        ),
        r"recursion limit",
    ),
    Mutant(
        "engine_sets_root_grad",
        "engine",
        "engine",
        _engine(ORDER, PASS, "root.grad = torch.ones_like(root)"),
        r"not a leaf",
    ),
    Mutant(
        "engine_replaces_leaf_grad",
        "engine",
        "engine",
        _engine(
            ORDER,
            PASS.replace("grad.clone() if leaf.grad is None else leaf.grad + grad", "grad.clone()"),
        ),
        r"added to it",
    ),
]

# Answers that use minigrad's own implementation: they must earn nothing from the teacher's run.
CHEATS = [
    Mutant(
        "engine_calls_backward",
        "engine",
        "engine",
        _engine("root.backward()"),
        r"minigrad.s own engine",
    ),
    Mutant(
        "engine_is_library",
        "engine",
        "engine",
        "backward = torch.autograd.backward\n",
        r"minigrad's own implementation",
    ),
    Mutant(
        "sum_calls_library_backward",
        "sum",
        "sum",
        _cls(
            "Sum",
            SUM_FWD,
            "return torch.ops.reduction.Sum.backward(ctx, grad_output)",
            before=RESTORE,
        ),
        r"minigrad's own",
    ),
]

# Caught by the sandbox, where minigrad's own backward of every graded op is blocked before any
# cell runs; the in-notebook check (blocking only while it probes) cannot see it.
SANDBOX_ONLY_CHEATS = [
    Mutant(
        "matmul_captured_library_backward",
        "matmul",
        "matmul",
        "mm = type((torch.ones(2, 2, requires_grad=True) @ torch.ones(2, 2)).grad_fn)\n"
        "mm_backward = mm._function.backward  # captured now, before any check blocks it\n\n\n"
        + _cls("MatMul", MM_FWD, "return mm_backward(ctx, grad_output)"),
        r"minigrad's own",
    ),
]
