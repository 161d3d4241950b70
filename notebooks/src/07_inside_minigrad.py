# Chapter 7 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 7: Inside minigrad
#
# So far autograd was a black box that fills `.grad`. This chapter opens it. minigrad is small
# enough to read, and built the way PyTorch is (on a much smaller scale), so what you see here
# is also how PyTorch works:
#
# 1. every operation is a **`Function`** with a `forward` and a `backward`;
# 2. calling it records a **node** (the `grad_fn`) linked to its inputs' nodes, and saves what
#    the backward pass will need on a context object, **`ctx`**;
# 3. `backward()` runs an **engine** that visits the nodes in the right order, passing
#    gradients from each node to its inputs.
#
# You will write your own `Function`, check it with `gradcheck`, and watch the engine's order.
# This is the bridge to the exercises, where you write the backward passes of minigrad's
# operations yourself.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`. Apart from the
# few cells that read minigrad's own source (marked *minigrad only*), the code runs unchanged on
# PyTorch. Cells starting with `# NBVAL_CHECK_OUTPUT` are checked by the course's tests.

# %%
import inspect

from selfcheck import answer, check_function

import minigrad as torch

Function = torch.autograd.Function

# %% [markdown]
# ## 1. The graph is made of nodes
#
# Each result's `grad_fn` is a node; `grad_fn.next_functions` lists the nodes of the
# operation's inputs, one `(node, index)` pair per input. A leaf that requires grad appears as
# an `AccumulateGrad` node (it will *accumulate* the gradient into the leaf's `.grad`); an input
# that does not require grad appears as `None`. Following `next_functions` from the output walks
# the whole graph:


# %%
# NBVAL_CHECK_OUTPUT
def show(node, depth=0):
    """Print the graph below `node`, one node per line, inputs indented."""
    name = "None (a constant)" if node is None else type(node).__name__
    print("    " * depth + name)
    if node is not None:
        for next_node, _ in node.next_functions:
            show(next_node, depth + 1)


x = torch.tensor(1.0, requires_grad=True)
a = x * 3
b = a**2
c = a + b
d = c * a
show(d.grad_fn)

# %% [markdown]
# What to notice: `a`'s node (`MulBackward0` above `AccumulateGrad`) appears three times,
# because `a` is used three times (by `b`, `c` and `d`). It is one node, reached along three
# paths: the graph is not a tree. `None` stands for the constant `3` in `x * 3`, an input that
# needs no gradient (the exponent of `a**2` is not listed at all: it is a plain number that
# `PowBackward0` keeps for itself). An `AccumulateGrad` node knows its leaf:

# %%
# NBVAL_CHECK_OUTPUT
acc = a.grad_fn.next_functions[0][0]
print(type(acc).__name__, acc.variable is x, acc.next_functions)

# %% [markdown]
# ## 2. An operation is a `Function`: `forward`, `backward`, `ctx`
#
# You define a new operation by subclassing `torch.autograd.Function` with two static methods:
#
# * `forward(ctx, *inputs)` computes the result. It runs with recording switched off, so the
#   operations inside it do not become nodes. Whatever `backward` will need, it saves with
#   `ctx.save_for_backward(...)` (tensors) or as attributes of `ctx` (plain numbers).
# * `backward(ctx, grad_output)` receives $\partial L / \partial\,\text{output}$ (the gradient
#   of the final result with respect to this operation's output) and returns
#   $\partial L / \partial\,\text{input}$ for each input: `grad_output` times the local
#   derivative (the chain rule, one link). It reads the saved tensors from `ctx.saved_tensors`.
#
# You call it with `Square.apply(x)`, never by calling `forward` directly: `apply` is what
# creates the node. Here is $x^2$, with prints to show when each half runs:


# %%
# NBVAL_CHECK_OUTPUT
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        print("forward: got", x, "| recording:", torch.is_grad_enabled())
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        print("backward: got", grad_output)
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = Square.apply(x)
print(y)
print("--- now backward")
y.sum().backward()
print(x.grad)

# %% [markdown]
# What to notice:
#
# * `forward` runs at once, with recording off; the result's `grad_fn` is a `SquareBackward`
#   node, named after your class;
# * `backward` runs only when `backward()` is called, and receives the gradient of `y.sum()`
#   with respect to `y`: all ones;
# * it returns $1 \cdot 2x = [2, 4, 6]$, which lands in `x.grad`.
#
# Every operation in minigrad is written exactly like this. Here is its multiplication
# (*minigrad only*; the output is minigrad's source code, and `binary` is a helper that
# multiplies the underlying numpy arrays). It saves each input only if the *other* input needs
# a gradient, since $\partial (ab)/\partial a = b$:

# %%
import minigrad.ops.arithmetic

print(inspect.getsource(minigrad.ops.arithmetic.Mul))

# %% [markdown]
# ## 3. Checking a backward pass: `gradcheck`
#
# A wrong `backward` does not crash; it silently gives wrong gradients. The standard test is to
# compare it with **finite differences**: nudge each input element by a tiny $\varepsilon$ and
# see how the output moves, $\frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}$.
# `torch.autograd.gradcheck(fn, inputs)` does this for every element and returns `True` when
# both agree. Use `float64` inputs: in `float32` the rounding errors of the finite differences
# are larger than the differences we are looking for.


# %%
# NBVAL_CHECK_OUTPUT
class Square(Function):  # the same, without the prints
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x


inputs = (torch.tensor([0.5, -1.25, 2.0], dtype=torch.float64, requires_grad=True),)
print(torch.autograd.gradcheck(Square.apply, inputs))

# %% [markdown]
# A backward with a mistake (here the factor 2 is forgotten) fails the check, and the error shows
# the two Jacobians side by side: the numerical one from finite differences, and the analytical
# one from your `backward`. This cell fails on purpose:


# %% tags=["raises-exception"]
class BadSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x  # forgot the 2


torch.autograd.gradcheck(BadSquare.apply, inputs)

# %% [markdown]
# ## 4. Saved tensors explain two errors you have met
#
# What `forward` saves is kept on the node until `backward()` has used it, then freed. That is
# the error of chapter 3: a second `backward()` through the same graph finds the saved tensors
# gone, unless the first used `retain_graph=True`.
#
# And each saved tensor is stored with its **version**: the error of chapter 5. If the input is
# changed in place after `Square.apply` saved it, `ctx.saved_tensors` refuses to hand it back.
# This cell fails on purpose:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1  # a non-leaf, so that it may be changed in place
z = Square.apply(y)
y.add_(1)  # version 0 -> 1
z.sum().backward()

# %% [markdown]
# Your own `Function` gets these protections for free, because they live in `apply` and in the
# saved-tensor mechanism, not in each operation.
#
# ## 5. The engine: in which order does `backward()` run the nodes?
#
# `backward()` must call every node's `backward` once, and only after the node has received the
# gradients from **all** the nodes that use its output: in our graph, `a` is used by `b`, `c`
# and `d`, so its node must wait for three contributions and add them up before passing
# anything on. minigrad's engine (like PyTorch's) does it in two steps:
#
# 1. **Count dependencies.** Walk the graph once from the output and count, for each node, how
#    many nodes will send it a gradient (for `a`'s node: 3).
# 2. **Run the ready nodes.** Start with the output's node and the gradient 1. Repeatedly take a
#    *ready* node (all its senders done), add up the gradients it received, call its
#    `backward`, pass each result to the corresponding input's node and decrease that node's
#    count; a node whose count reaches 0 becomes ready. When several nodes are ready, the
#    **newest** (created last in the forward pass) runs first. `AccumulateGrad` nodes add into
#    `.grad`.
#
# A loop and a counter, no recursion: graphs of a hundred thousand nodes are no problem.
#
# You can watch it: `grad_fn.register_prehook(f)` calls `f(grad_outputs)` just before that node
# runs, and a tensor hook (`x.register_hook`) receives the gradient arriving at a leaf.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
a = x * 3
b = a**2
c = a + b
d = c * a


def announce(name, t):
    label = f"{type(t.grad_fn).__name__} (makes {name})"
    t.grad_fn.register_prehook(lambda grads: print(f"{label:26} receives", grads[0]))


for name, t in [("a", a), ("b", b), ("c", c), ("d", d)]:
    announce(name, t)
x.register_hook(lambda grad: print(f"{'AccumulateGrad (x)':26} receives", grad))
d.backward()
print(x.grad)

# %% [markdown]
# Follow the numbers ($x = 1$, so $a = 3$, $b = 9$, $c = 12$, $d = 36$):
#
# * `d = c * a` receives 1 and sends $a = 3$ to `c`'s node and $c = 12$ to `a`'s node;
# * `c = a + b` sends its 3 on to both `a` and `b`;
# * `b = a ** 2` sends $3 \cdot 2a = 18$ to `a`;
# * only now has `a`'s node heard from all three users: it runs once with $12 + 3 + 18 = 33$
#   and sends $33 \cdot 3 = 99$ to `x`.
#
# Check: $d = (3x + 9x^2) \cdot 3x = 9x^2 + 27x^3$, so $d'(1) = 18 + 81 = 99$.
#
# **Self-check 7.1.** For `u = x * 2`, then `v = x ** 2`, then `out = u + v`, in which order do
# the three nodes run during `out.backward()`? Answer with their names as a list of strings,
# e.g. `["AddBackward0", "MulBackward0", "PowBackward0"]`, then add prehooks to check.

# %%
answer("7.1", ...)

# %% [verify]
import selfcheck


def _engine_order():
    order = []
    x = torch.tensor(1.0, requires_grad=True)
    u = x * 2
    v = x**2
    out = u + v
    for t in (u, v, out):
        name = type(t.grad_fn).__name__
        t.grad_fn.register_prehook(lambda grads, name=name: order.append(name))
    out.backward()
    return order


selfcheck.expect("7.1", _engine_order())
del _engine_order

# %% [markdown]
# Here is the summary at the top of minigrad's engine (*minigrad only*); the whole file is
# about 300 lines, worth reading once you have done the self-check above:

# %%
import minigrad.autograd.engine

print(minigrad.autograd.engine.__doc__)

# %% [markdown]
# ### Replay the engine
#
# The `GraphExplorer` of chapter 2 replays the engine on the graph of section 5, one node per
# step, in the order the prehooks printed. Click `a` and step through the backward pass: under
# *Gradients received* it lists the 12, 3 and 18 as they arrive and how many it is still waiting
# for (its dependency count); only when that reaches 0 does `a`'s node run, once, with the sum 33.
# The status line under the picture says which node ran and what it sent to which input.

# %%
from minigrad.widgets import GraphExplorer

GraphExplorer("a = x * 3\nb = a ** 2\nc = a + b\nd = c * a", {"x": 1.0})

# %% [markdown]
# ## 6. Your turn: `Cube`
#
# Write $x^3$ as a `Function`. Its derivative is $3x^2$. Decide what `forward` must save, and
# return `grad_output` times the local derivative from `backward`. Then run the check cell: it
# compares your forward with `x ** 3` and your backward with finite differences (using
# `gradcheck`).


# %%
class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        # your code here: save what backward needs, return x cubed
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        # your code here: read what forward saved, return grad_output times 3 x^2
        raise NotImplementedError


# %%
check_function(Cube, lambda x: x**3)

# %% [markdown]
# <details><summary>Show a solution (try first!)</summary>
#
# ```python
# class Cube(Function):
#     @staticmethod
#     def forward(ctx, x):
#         ctx.save_for_backward(x)
#         return x ** 3
#
#     @staticmethod
#     def backward(ctx, grad_output):
#         (x,) = ctx.saved_tensors
#         return grad_output * 3 * x ** 2
# ```
#
# Saving the output instead works too, with a different formula; saving `x` is the simplest.
# </details>


# %% [verify]
class _Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


class _WrongCube(_Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x


assert check_function(_Cube, lambda x: x**3)
assert not check_function(_WrongCube, lambda x: x**3)
assert not check_function(Cube, lambda x: x**3)
del _Cube, _WrongCube

# %% [markdown]
# ## 7. On to the exercises
#
# The exercises in the `exercises/` folder of the course are an **nbgrader** assignment: you
# write the backward passes of minigrad's own operations as `Function`s, exactly like `Cube`,
# and a grader checks them on inputs you do not see.
#
# * **Assignment 1, element-wise backward passes**: `Exp`, `Log`, `Sin`, `Sigmoid`, `Tanh`,
#   `Pow`; then `unbroadcast`, which sums a gradient back to the shape of an input that was
#   broadcast (chapter 1's broadcasting, in reverse: minigrad's engine normally does this for
#   every operation, in one place); then `Mul` and `Div` on broadcast shapes.
# * The check cells give you feedback at once, naming the typical mistake (a missing
#   un-broadcast, a sign or a factor error) in one sentence.
# * Later assignments go on with reductions (`Sum`, `Mean`, `Max`), the matrix product, and
#   the engine itself: section 5's algorithm, written by you.
#
# If your teacher has not handed the assignment out, make the student version yourself: in the
# `exercises/` folder, with the course's environment active, run
# `nbgrader generate_assignment 01_elementwise` and open
# `release/01_elementwise/01_elementwise.ipynb`.
#
# ## Summary
#
# * Each operation is a `Function`: `forward(ctx, ...)` computes and saves
#   (`ctx.save_for_backward`), `backward(ctx, grad_output)` returns one gradient per input.
# * `Function.apply` records a node (`grad_fn`) linked to the inputs' nodes (`next_functions`);
#   leaves appear as `AccumulateGrad`.
# * Saved tensors are freed by `backward()` (hence `retain_graph`) and carry a version (hence
#   the in-place errors).
# * The engine counts dependencies, runs each node once when all its gradients have arrived,
#   newest first, and accumulates into leaves.
# * Check every hand-written backward with `gradcheck`, in `float64`.
