# Chapter 3 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 3: Autograd and `backward()`
#
# Training a network means nudging its numbers (weights) in the direction that lowers a loss.
# That direction comes from **derivatives** of the loss with respect to every weight, and
# computing them by hand for millions of weights is out of the question. PyTorch's **autograd**
# does it for you:
#
# 1. you mark the tensors you want derivatives for with `requires_grad=True`;
# 2. you compute with them as usual; PyTorch records every operation in a graph (chapter 2);
# 3. you call `.backward()` on the (scalar) result; PyTorch walks the graph backwards applying
#    the chain rule, and stores $\partial\,\text{result} / \partial\,t$ in `t.grad` for each
#    tensor `t` you marked.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`: the code is
# PyTorch code, and prints what PyTorch prints. Cells starting with `# NBVAL_CHECK_OUTPUT` are
# checked by the course's tests.

# %%
from selfcheck import answer

import minigrad as torch

# %% [markdown]
# ## 1. `requires_grad`, and how it spreads
#
# A tensor made with `requires_grad=True` asks autograd to track it. Any result computed from
# at least one such tensor requires grad too; results of tensors that don't, don't.

# %%
# NBVAL_CHECK_OUTPUT
a = torch.tensor([1.0, 2.0])
b = torch.tensor([3.0, 4.0], requires_grad=True)
print(a)
print(b)
print((a + a).requires_grad, (a + b).requires_grad, (b * 0).requires_grad)
print(a + b)
print(a.sum() + b.sum())

# %% [markdown]
# What to notice:
#
# * a tensor you made yourself with `requires_grad=True` prints `requires_grad=True`;
# * a tensor *computed* from it prints `grad_fn=<...>` instead: the name of the operation that
#   made it, which is also the step that will send gradients back;
# * `b * 0` still requires grad: autograd looks at where a value came from, not at the value.
#
# Only floating-point tensors can require gradients (derivatives need real numbers). This cell
# fails on purpose:

# %% tags=["raises-exception"]
torch.tensor([1, 2], requires_grad=True)

# %% [markdown]
# The fix is a float tensor: `torch.tensor([1., 2.], requires_grad=True)`.
#
# ## 2. `grad_fn` and `is_leaf`
#
# Every result remembers the operation that produced it in `.grad_fn`. Tensors you create
# yourself have `grad_fn = None` and are called **leaves**: they are where the graph starts, and
# the only tensors whose `.grad` is filled by `backward()`.

# %%
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
print(y)
print(y.grad_fn)  # a node object; the address differs every run

# %%
# NBVAL_CHECK_OUTPUT
print(x.grad_fn, type(y.grad_fn).__name__)
print(x.is_leaf, y.is_leaf)

# %% [markdown]
# A tensor that does not require grad is always a leaf, even if you computed it: there is
# nothing to track.
#
# **Self-check 3.1.** Below, which of `p, q, r, s, u` are leaves? Answer with five booleans in
# that order, e.g. `(True, False, True, False, True)`. Predict, then check with `.is_leaf`.

# %%
p = torch.tensor([1.0, 2.0], requires_grad=True)
q = torch.tensor([3.0, 4.0])
r = p * 2
s = q * 2
u = r.sum()
answer("3.1", ...)

# %% [verify]
import selfcheck

selfcheck.expect("3.1", (p.is_leaf, q.is_leaf, r.is_leaf, s.is_leaf, u.is_leaf))

# %% [markdown]
# ## 3. `backward()` and `.grad`: a first example
#
# Take $f(x, y) = (x + y)^2 + 2xy$ at $x = 2$, $y = -4$. By hand:
#
# $$\frac{\partial f}{\partial x} = 2(x + y) + 2y, \qquad
#   \frac{\partial f}{\partial y} = 2(x + y) + 2x.$$
#
# **Self-check 3.2.** What are $\partial f/\partial x$ and $\partial f/\partial y$ at
# $x = 2$, $y = -4$? Answer with a pair, before running the next cell.

# %%
answer("3.2", ...)

# %% [markdown]
# Now let autograd do it: mark `x` and `y`, compute `f` in one line, call `f.backward()`, read
# `x.grad` and `y.grad`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([2.0], requires_grad=True)
y = torch.tensor([-4.0], requires_grad=True)
f = (x + y) ** 2 + 2 * x * y
f.backward()
print(f)
print(x.data, x.grad)
print(y.data, y.grad)

# %% [verify]
selfcheck.expect("3.2", (x.grad, y.grad))

# %% [markdown]
# What to notice: `f` is $(-2)^2 + 2 \cdot 2 \cdot (-4) = -12$; `x.grad` is $-12$ and
# `y.grad` is $0$, as computed by hand. `x.data` is the value of `x` without the autograd
# bookkeeping (more on `.data` in chapter 4).
#
# ### The same computation, step by step
#
# Autograd does not know the formula; it knows the small steps. Split $f$ into named steps and
# it is the chain rule, one step at a time:
#
# | step | local derivatives | at $x = 2, y = -4$ |
# |---|---|---|
# | $a = x + y$ | $\partial a/\partial x = 1,\ \partial a/\partial y = 1$ | $a = -2$ |
# | $b = a^2$ | $\partial b/\partial a = 2a$ | $2a = -4$ |
# | $c = 2xy$ | $\partial c/\partial x = 2y,\ \partial c/\partial y = 2x$ | $-8,\ 4$ |
# | $f = b + c$ | $\partial f/\partial b = 1,\ \partial f/\partial c = 1$ | |
#
# $\partial f/\partial x = 1 \cdot 2a \cdot 1 + 1 \cdot 2y = -4 - 8 = -12$, and
# $\partial f/\partial y = 1 \cdot 2a \cdot 1 + 1 \cdot 2x = -4 + 4 = 0$: each path from `f`
# down to a leaf contributes the product of the local derivatives along it, and the paths add up.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([2.0], requires_grad=True)
y = torch.tensor([-4.0], requires_grad=True)
a = x + y
b = a**2
c = 2 * x * y
f = b + c
print(a, b, c)
print(f)
f.backward()
print(x.data, x.grad)
print(y.data, y.grad)
print([type(t.grad_fn).__name__ for t in (a, b, c, f)])

# %% [markdown]
# The names tell you which step each node is: `a**2` is a `PowBackward0` node, `2 * x * y` ends
# in a multiplication. Here is the graph with every value and gradient, drawn by minigrad
# (`minigrad.viz.draw` is minigrad's own; with PyTorch, the `torchviz` package draws similar
# pictures). Gradients flow from `f` at the bottom up to the leaves `x` and `y` at the top.

# %%
from minigrad.viz import draw

draw(f, names={"x": x, "y": y, "a": a, "b": b, "c": c, "f": f})

# %% [markdown]
# ### Step through it
#
# The `GraphExplorer` of chapter 2 replays this computation one node at a time. **Step** through
# the forward pass (values appear), then the backward pass: each node receives the gradient from
# below, multiplies it by its local derivative for each input (click the node to see the
# product), and sends the result up. Click `x` at the end: it received $-8$ through `2 * x` and
# $-4$ through `x + y`, and `x.grad` is their sum, $-12$.

# %%
from minigrad.widgets import GraphExplorer

GraphExplorer("f = (x + y) ** 2 + 2 * x * y", {"x": 2.0, "y": -4.0})

# %% [markdown]
# With 0-dimensional tensors (plain scalars) the printout has no brackets, and `.item()` gives a
# Python number:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(-4.0, requires_grad=True)
f = (x + y) ** 2 + 2 * x * y
f.backward()
print(f, x.grad, y.grad)
print(f.item(), x.grad.item(), y.grad.item())

# %% [markdown]
# ## 4. Tensors in, tensors out: `out = z.mean()` gives 4.5
#
# The classic example from PyTorch's tutorial: start from a 2 x 2 tensor of ones.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
print(y)
print(z, out)
out.backward()
print(x.grad)

# %% [markdown]
# Why 4.5? $\text{out} = \frac14 \sum_i 3 (x_i + 2)^2$, so
# $\frac{\partial\,\text{out}}{\partial x_i} = \frac14 \cdot 3 \cdot 2 (x_i + 2) = \frac32 (x_i + 2)
# = 4.5$ at $x_i = 1$. The gradient has the same shape as `x`: one partial derivative per
# element.
#
# **Self-check 3.3.** With `out = z.sum()` instead of `z.mean()`, what would `x.grad[0, 0]` be?

# %%
answer("3.3", ...)

# %% [verify]
_x = torch.ones(2, 2, requires_grad=True)
((_x + 2) * (_x + 2) * 3).sum().backward()
selfcheck.expect("3.3", _x.grad[0, 0])
del _x

# %% [markdown]
# ## 5. Switching tracking on later: `requires_grad_()`
#
# `t.requires_grad_(True)` turns tracking on for an existing leaf. The trailing underscore is
# PyTorch's convention for "changes the tensor itself" (an *in-place* method, chapter 5); it
# returns the same tensor, so it can be chained: `torch.tensor(3.).requires_grad_()`.

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
a = torch.randn(2, 2)
a = (a * 3) / (a - 1)
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad, a.is_leaf)
b = (a * a).sum()
print(type(b.grad_fn).__name__)

# %% [markdown]
# ## 6. Constants in a graph
#
# Tensors that do not require grad take part in the computation as **constants**: autograd uses
# their values but computes no gradient for them, so their `.grad` stays `None`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1, requires_grad=True)
a = torch.tensor(-4.0)
z = 8 * x + a
z.backward()
print(x, x.grad)
print(a, a.grad)
print(a.requires_grad, a.is_leaf, z.is_leaf)

# %% [markdown]
# With $z = b x^2 + a x + 5$, $\partial z / \partial x = 2bx + a$, which at $x = 1$, $a = -4$,
# $b = 3$ is $2$:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1, requires_grad=True)
a = torch.tensor([-4.0])
b = torch.tensor(3.0)
z = b * x * x + a * x + 5
z.backward()
print(z, x.grad)
print(a.grad, b.grad)

# %% [markdown]
# ## 7. Gradients accumulate: zero them
#
# `backward()` does not overwrite `.grad`, it **adds** to it. Run a backward pass three times
# and the gradients pile up:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(3.0, requires_grad=True)
for i in range(3):
    y = x * x  # d(x*x)/dx = 2x = 6
    y.backward()
    print(i, x.grad)

# %% [markdown]
# Accumulation is useful (a loss split into parts, or several small batches counted as one big
# batch, each add their share), but in an ordinary training loop every step needs a fresh
# gradient. Either zero it in place or drop it; `optimizer.zero_grad()` does the second.

# %%
# NBVAL_CHECK_OUTPUT
x.grad.zero_()
print(x.grad)
(x * 5).backward()
print(x.grad)
x.grad = None
print(x.grad)
(x * 7).backward()
print(x.grad)

# %% [markdown]
# **Self-check 3.4.** Starting from `x = torch.tensor(2., requires_grad=True)`, you run
# `(x ** 3).backward()` twice without zeroing. What is `x.grad`?

# %%
answer("3.4", ...)

# %% [verify]
_x = torch.tensor(2.0, requires_grad=True)
(_x**3).backward()
(_x**3).backward()
selfcheck.expect("3.4", _x.grad)
del _x

# %% [markdown]
# ## 8. A graph is used once: `retain_graph`
#
# To compute the derivative of `y * y`, autograd needs the value of `y`, so the forward pass
# *saves* it in the graph. `backward()` frees those saved values as soon as it has used them
# (they can be large). A second `backward()` through the same graph therefore fails. This cell
# fails on purpose:

# %% tags=["raises-exception"]
y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = (y * y).sum()
z.backward()
print(y.grad)
z.backward()

# %% [markdown]
# If you really need to go through the same graph twice, keep it with `retain_graph=True` on
# every backward but the last. Usually, though, the answer is to recompute the forward pass:
# that is what a training loop does anyway.

# %%
# NBVAL_CHECK_OUTPUT
y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = (y * y).sum()
z.backward(retain_graph=True)
print(y.grad)
z.backward()  # works, and accumulates
print(y.grad)

# %% [markdown]
# (A graph of only additions and sums saves nothing, so a second backward through it happens to
# work. Don't rely on it.)
#
# ## 9. Gradients of intermediate results: `retain_grad()`
#
# Only leaves get a `.grad`. An intermediate result's gradient is passed on and forgotten, to
# save memory; reading it gives `None`, and a warning explains why (the warning names a
# temporary file that changes from run to run, so this cell's output is not checked):

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x * x
z = 3 * y
z.backward()
print(x.grad, y.grad)

# %% [markdown]
# Ask for it *before* `backward()` with `retain_grad()`:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x * x
y.retain_grad()
z = 3 * y
z.retain_grad()
w = z + 1
w.backward()
print(x.grad, y.grad, z.grad)
print(y.retains_grad, x.retains_grad, y.is_leaf)

# %% [markdown]
# $\partial w/\partial z = 1$, $\partial w/\partial y = 3$, $\partial w/\partial x = 3 \cdot 2x = 12$.
#
# ## 10. `backward()` on a non-scalar: the vector-Jacobian product
#
# `backward()` with no argument only works on a scalar (a loss). For a vector result it does
# not know which combination of the outputs you want the gradient of. This cell fails on
# purpose:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.backward()

# %% [markdown]
# For $y = g(x)$ with $x \in \mathbb{R}^n$, $y \in \mathbb{R}^m$, all partial derivatives form
# the $m \times n$ **Jacobian** $J_{ij} = \partial y_i / \partial x_j$. Autograd never builds $J$.
# Given a vector $v$ of the output's shape, `y.backward(v)` computes the **vector-Jacobian
# product** $v^\top J$: the gradient of the scalar $\sum_i v_i y_i$. That is exactly what the
# chain rule needs when $v$ is the gradient of a loss with respect to $y$.
#
# Here $y = 2x$, so $J = 2I$ and $v^\top J = 2v$:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)

# %% [markdown]
# With $v$ all ones you get the gradient of `y.sum()`: `y.backward(torch.ones_like(y))` and
# `y.sum().backward()` do the same thing.

# %%
# NBVAL_CHECK_OUTPUT
x1 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x1**2).backward(torch.ones(3))
x2 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x2**2).sum().backward()
print(x1.grad, x2.grad)

# %% [markdown]
# **Self-check 3.5.** `x = torch.tensor([1., 2., 3.], requires_grad=True)`, `y = x ** 2`,
# `y.backward(torch.tensor([1., 0., 0.5]))`. What is `x.grad`?

# %%
answer("3.5", ...)

# %% [verify]
_x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(_x**2).backward(torch.tensor([1.0, 0.0, 0.5]))
selfcheck.expect("3.5", _x.grad)
del _x

# %% [markdown]
# ## Summary
#
# * `requires_grad=True` marks leaves to track; results computed from them require grad and
#   carry a `grad_fn`.
# * `backward()` on a scalar fills `.grad` of every leaf that requires grad with
#   $\partial\,\text{output}/\partial\,\text{leaf}$, by the chain rule over the recorded steps.
# * Tensors that don't require grad are constants: no `.grad`.
# * Gradients **accumulate**: zero them (`x.grad.zero_()` or `x.grad = None`) between steps.
# * `backward()` frees what the graph saved: a second pass needs `retain_graph=True` (or a new
#   forward pass).
# * Intermediate results keep their gradient only with `retain_grad()`.
# * For a non-scalar `y`, `y.backward(v)` computes the vector-Jacobian product $v^\top J$.
#
# Chapter 4 shows how to *stop* recording: `no_grad`, `detach` and friends.
