# %% [markdown]
# # Assignment 2: reductions, the matrix product, and the backward engine
#
# In assignment 1 every op kept the shape of its input. This time you write the backward of ops
# that change shapes, then the engine that runs all the backward passes of a graph in the right
# order:
#
# 1. reductions `Sum`, `Mean` (over any dims, with or without `keepdim`) and `Max` (over a dim);
# 2. the matrix product `MatMul`, also on batches;
# 3. `SoftmaxCrossEntropy`, the loss of a classifier, with its famous fused gradient;
# 4. `backward(root)`: the engine itself.
#
# **Rules** (as before). Write each derivative yourself with tensor operations. A backward that
# calls minigrad's own implementation of its op, or runs `backward()` / `autograd.grad`, earns
# no points. Do not change the cells that contain the checks.
#
# The check cells run *visible checks*; the teacher's grader also runs hidden ones (other
# shapes and dims, non-contiguous tensors, other graphs) and gives partial credit per property,
# with a sentence naming the mistake.

# %% [locked] id=setup

import minigrad as torch
from autograder import check, run_node
from minigrad.autograd import Function


def reduced_dims(dim, ndim):
    """The dims a reduction over `dim` removes (None: all of them), sorted and non-negative:
    reduced_dims(-1, 3) == (2,), reduced_dims((2, 0), 3) == (0, 2)."""
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(sorted(d % ndim for d in dims))


def unbroadcast(grad, shape):
    """Assignment 1's answer: sum `grad` back to `shape` (after broadcasting)."""
    lead = grad.dim() - len(shape)
    if lead > 0:
        grad = grad.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad


# %% [markdown]
# ## 1. Reductions
#
# `Sum.apply(x, dim, keepdim)` adds up the elements of `x` over `dim`: `None` (all of them), an
# int (possibly negative, counting from the end) or a tuple of ints. Every element of `x`
# contributes once to one output element, so the gradient of each element of `x` is the
# upstream gradient of the output element it went into: `grad_output`, *spread back* over the
# reduced dimensions.
#
# `grad_output` has the output's shape. With `keepdim=True` the reduced dimensions are still
# there with size 1, and `grad_output.expand(x_shape)` spreads it. With `keepdim=False` they are
# gone, and must be put back first (`.unsqueeze(d)`, in increasing order of `d`), or the
# expansion lines the dimensions up wrongly. The given `reduced_dims(dim, x.dim())` turns any
# `dim` into a sorted tuple of non-negative dims.
#
# Write `restore(grad, shape, dims, keepdim)` (it does exactly that) and `Sum`. A backward
# returns one gradient per forward argument: here the gradient for `x`, then `None` for `dim`
# and `None` for `keepdim`.


# %% [solution] id=sum
def restore(grad, shape, dims, keepdim):
    """`grad` (the output's shape) with the reduced `dims` put back, expanded to `shape`."""
    ### BEGIN SOLUTION
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)
    ### END SOLUTION


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
        return x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        return restore(grad_output, ctx.shape, ctx.dims, ctx.keepdim), None, None
        ### END SOLUTION


# %% [tests] id=test_sum
check("sum", Sum)
### BEGIN HIDDEN TESTS
check("sum", Sum, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Mean` is a sum divided by the number of elements that were averaged together: the product
# of the sizes of the reduced dimensions (which is `x.numel()` only when every dimension is
# reduced).


# %% [solution] id=mean
class Mean(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
        ctx.count = 1
        for d in ctx.dims:
            ctx.count *= x.shape[d]
        return x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        return restore(grad_output / ctx.count, ctx.shape, ctx.dims, ctx.keepdim), None, None
        ### END SOLUTION


# %% [tests] id=test_mean
check("mean", Mean)
### BEGIN HIDDEN TESTS
check("mean", Mean, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Max.apply(x, dim, keepdim)` returns the largest value along one `dim` (an int). Only the
# element that *is* the maximum influences the output, so it receives the whole upstream
# gradient and every other element gets 0. `x.max(dim=dim, keepdim=True).values` gives the
# maxima with the dimension kept, and `x == values` marks where they are (the checks never have
# ties). Multiplying a float tensor by a boolean one keeps the float values where it is `True`.


# %% [solution] id=max
class Max(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        values = x.max(dim=dim, keepdim=True).values
        ctx.save_for_backward(x == values)
        ctx.dim, ctx.keepdim = dim, keepdim
        return values if keepdim else values.squeeze(dim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (is_max,) = ctx.saved_tensors
        g = grad_output if ctx.keepdim else grad_output.unsqueeze(ctx.dim)
        return g * is_max, None, None
        ### END SOLUTION


# %% [tests] id=test_max
check("max", Max)
### BEGIN HIDDEN TESTS
check("max", Max, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The matrix product
#
# For `out = a @ b` with `a` of shape `(m, k)` and `b` of shape `(k, n)`:
# $\frac{\partial L}{\partial a} = \frac{\partial L}{\partial \text{out}}\, b^T$ and
# $\frac{\partial L}{\partial b} = a^T \frac{\partial L}{\partial \text{out}}$. The shapes only
# fit one way, which is a good way to remember it.
#
# `MatMul` must also work on batches: `a` of shape `(batch, m, k)` with `b` of shape
# `(batch, k, n)`, or with `b` of shape `(k, n)` (the same matrix for every element of the
# batch). Use `.transpose(-1, -2)` (it swaps the last two dims of any tensor), and remember what
# assignment 1 taught about an input that was broadcast: the given `unbroadcast` sums a
# gradient back to an input's shape.


# %% [solution] id=matmul
class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a @ b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        grad_a = grad_output @ b.transpose(-1, -2)
        grad_b = a.transpose(-1, -2) @ grad_output
        return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)
        ### END SOLUTION


# %% [tests] id=test_matmul
check("matmul", MatMul)
### BEGIN HIDDEN TESTS
check("matmul", MatMul, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Softmax and cross-entropy
#
# A classifier outputs `logits` of shape `(N, C)`: one score per example and class. With
# `target` the correct class of each example (an int tensor of shape `(N,)`), the loss is the
# mean over the batch of $-\log \text{softmax}(z_i)_{t_i}$.
#
# Computed together, the two have a famously simple gradient with respect to the logits:
# $\frac{1}{N}(\text{softmax}(z) - \text{onehot}(t))$, times `grad_output`. `target` gets no
# gradient (`None`).
#
# Mind the numbers: `exp(1000)` is `inf` in floating point. Softmax does not change when the
# same number is subtracted from every logit of a row, so subtract each row's maximum first.
# Useful: `z.max(dim=1, keepdim=True).values`, `.exp()`, `.log()`, `.sum(dim=1, keepdim=True)`,
# `torch.arange(N)`, and indexing with two index tensors: `logp[torch.arange(N), target]` picks
# one element per row (it also works on the left of `=`).


# %% [solution] id=softmax_cross_entropy
class SoftmaxCrossEntropy(Function):
    @staticmethod
    def forward(ctx, logits, target):
        ### BEGIN SOLUTION
        shifted = logits - logits.max(dim=1, keepdim=True).values
        logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        n = logits.shape[0]
        ctx.save_for_backward(logp.exp(), target)
        return -logp[torch.arange(n), target].mean()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        probs, target = ctx.saved_tensors
        n = probs.shape[0]
        onehot = torch.zeros_like(probs)
        onehot[torch.arange(n), target] = 1.0
        return grad_output * (probs - onehot) / n, None
        ### END SOLUTION


# %% [tests] id=test_softmax_cross_entropy
check("softmax_cross_entropy", SoftmaxCrossEntropy)
### BEGIN HIDDEN TESTS
check("softmax_cross_entropy", SoftmaxCrossEntropy, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The backward engine
#
# `loss.backward()` walks the graph that the forward pass recorded, from the loss back to the
# leaves. Each tensor made by an op knows the node that made it, `t.grad_fn`; each node knows
# the nodes of its inputs, `node.next_functions`: a tuple of `(input_node, 0)` pairs, with
# `None` in place of the node for an input that needs no gradient. A leaf that requires grad
# has a node too, an `AccumulateGrad`, whose `.variable` is the leaf tensor (the only node that
# has a `variable` attribute). The given `run_node(node, grad)` runs one node's backward and
# returns the gradients for its inputs as `(input_node, gradient)` pairs (`help(run_node)`).
#
# Write `backward(root)` for a root with one element: afterwards every leaf that requires grad
# has `.grad` increased by d root / d leaf, and nothing else has a `.grad`. Your engine must
#
# - run each node **once**, and only after **every** node that uses its result has run (a
#   *topological order*): when a tensor is used twice, its node must first receive both
#   gradients and run once on their **sum**;
# - start from `torch.ones_like(root)` as the root's gradient;
# - add to a leaf's `.grad` when it already has one (`leaf.grad = leaf.grad + g`), as
#   `backward()` does;
# - work on a chain of 10,000 nodes: Python stops recursive functions at a depth of 1,000, so
#   use a loop and a list as a stack, not recursion.
#
# One way: a depth-first search that appends a node to a list once all its inputs' nodes have
# been appended (post-order) gives an order where every node comes after its inputs; walk it
# backwards, keeping a dictionary from node to the sum of the gradients it has received.


# %% [solution] id=engine
def backward(root):
    ### BEGIN SOLUTION
    order, seen = [], set()
    stack = [(root.grad_fn, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)  # after every node it depends on
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                stack.append((child, False))
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
    ### END SOLUTION


# %% [tests] id=test_engine
check("engine", backward)
### BEGIN HIDDEN TESTS
check("engine", backward, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# `a` is used twice below. Your engine and minigrad's should agree:

# %% id=try
x = torch.tensor(0.5, requires_grad=True)
a = x.sin()
backward(a * a.exp() + a)
print(x.grad)

x2 = torch.tensor(0.5, requires_grad=True)
a2 = x2.sin()
(a2 * a2.exp() + a2).backward()
print(x2.grad)
