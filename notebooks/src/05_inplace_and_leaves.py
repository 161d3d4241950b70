# Chapter 5 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 5: In-place operations and leaves
#
# An **in-place** operation changes a tensor's numbers where they are, instead of making a new
# tensor. It saves memory, and it is how weights get updated; but autograd may still need the
# old numbers for the backward pass. This chapter shows which operations are in-place, which
# ones PyTorch refuses and why, how slices share memory with their tensor, and how to read and
# fix the errors you will meet. At the end, we draw graphs.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`: the code is
# PyTorch code, and prints what PyTorch prints. Cells starting with `# NBVAL_CHECK_OUTPUT` are
# checked by the course's tests.

# %%
import time

from selfcheck import answer

import minigrad as torch

nn = torch.nn

# %% [markdown]
# ## 1. Which operations are in-place?
#
# * methods whose name ends with an **underscore**: `add_`, `mul_`, `zero_`, `fill_`,
#   `requires_grad_`, ... (`add` without it returns a new tensor);
# * the augmented assignments `+=`, `-=`, `*=`, `/=`;
# * assignment into an index or a slice: `t[0] = 5.`, `t[1:] = ...`.
#
# Python's `id()` tells whether a name still refers to the same object: in-place operations
# keep it; `x = x + 1` makes a new tensor and moves the name `x` to it.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1)
id0 = id(x)
x += 1
print(x, id(x) == id0)
x.add_(1)
print(x, id(x) == id0)
x = x + 1
print(x, id(x) == id0)

# %% [markdown]
# In-place methods return the tensor itself (so `t.add_(1).mul_(2)` chains). That is why the
# `print` below shows the same, final tensor three times: the arguments are all `t`, evaluated
# before printing, and `t` has been through all three changes by then.

# %%
# NBVAL_CHECK_OUTPUT
t = torch.tensor([1.0, 2.0, 3.0])
print(t.add_(1), t.mul_(2), t.sub_(0.5))
r = t.zero_()
print(r is t, t)

# %% [markdown]
# **Self-check 5.1.** Starting each time from a fresh `x = torch.ones(3)`, which of these keep
# `id(x)` unchanged: `x.mul_(2)`, `x *= 2`, `x = x * 2`, `x = x.mul(2)`? Answer with four
# booleans.

# %%
answer("5.1", ...)

# %% [verify]
import selfcheck


def _same_id(step):
    x = torch.ones(3)
    before = id(x)
    return id(step(x)) == before


selfcheck.expect(
    "5.1",
    (
        _same_id(lambda x: x.mul_(2)),
        _same_id(lambda x: x.__imul__(2)),
        _same_id(lambda x: x * 2),
        _same_id(lambda x: x.mul(2)),
    ),
)
del _same_id

# %% [markdown]
# ## 2. A leaf that requires grad cannot be changed in place
#
# This cell fails on purpose:

# %% tags=["raises-exception"]
w = torch.tensor(1.0, requires_grad=True)
w += 1

# %% [markdown]
# Why? A leaf that requires grad is something you want $\partial\,\text{loss}/\partial w$ for.
# Any operation that used `w` may have saved its value for the backward pass, and the `.grad`
# that lands in `w` is meant for the value it had. If `w` could change in place while being
# recorded, that change would itself have to be part of the graph, and a leaf has no history to
# attach it to. So PyTorch refuses, with every in-place method, and leaves `w` unchanged:

# %%
# NBVAL_CHECK_OUTPUT
for op in ["add_", "mul_", "fill_"]:
    try:
        getattr(w, op)(2)
    except RuntimeError as e:
        print(op, "->", e)
print(w)

# %% [markdown]
# The fix depends on what you meant:
#
# * **updating a weight** (an optimisation step): do it where nothing is recorded, inside
#   `torch.no_grad()`; `w` stays the same leaf (chapter 4);
# * **computing something new from `w`**: write it out of place, `w2 = w + 1`.

# %%
# NBVAL_CHECK_OUTPUT
w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w * w).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w)
print(w.is_leaf, w.requires_grad, w.grad_fn)

# %% [markdown]
# ### `y = x` is not a copy
#
# Assignment gives the same tensor a second name. `y *= 1` changes `x`'s memory, so it is the
# same forbidden operation on the same leaf. This cell fails on purpose:

# %% tags=["raises-exception"]
x = torch.tensor(1.0, requires_grad=True)
y = x
print(y is x)
y *= 1

# %% [markdown]
# ## 3. In-place on non-leaves is allowed, until a saved value is overwritten
#
# A computed tensor can be changed in place: the operation is recorded like any other, and
# becomes the tensor's new `grad_fn`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
y = 2 * x
print(y, y.is_leaf)
y += 2
print(y)
y.log_()
print(y)
y.backward()
print(x.grad)  # d log(2x + 2)/dx = 2 / (2x + 2) = 0.5

# %% [markdown]
# But autograd may have **saved** the old value. To differentiate `z = y * y` it needs `y`; if
# `y` changes before `backward()`, the saved value is gone. Every tensor carries a **version
# counter** (`t._version`) that each in-place operation increases; autograd remembers the
# version of each value it saves, and refuses to go on if it changed:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y * y  # saves y (version 0)
print(y._version)
y.add_(1)
print(y._version)

# %% [markdown]
# This cell fails on purpose:

# %% tags=["raises-exception"]
z.sum().backward()

# %% [markdown]
# Read the message piece by piece:
#
# * `[minigrad.FloatTensor [2]]` (`torch.FloatTensor` in PyTorch): the saved tensor's type and
#   shape, here our `y`;
# * "which is output 0 of Add": the operation that now produces it, our `add_`;
# * "is at version 1; expected version 0": it was changed once after being saved.
#
# The fix is to not overwrite what is still needed: write `y = y + 1` (a new tensor), or change
# a `clone()` instead.
#
# An in-place change of a value that nothing saved is fine: `b = a + 1` does not need `a` to
# compute its gradient.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
a = x * 3
b = a + 1
a.add_(10)
b.sum().backward()
print(x.grad)
print(a, b)

# %% [markdown]
# ## 4. Reassigning a leaf's name loses the leaf
#
# `x = x + 1` is not in-place: it makes a new tensor and moves the *name* `x` to it. The leaf
# still exists (the graph keeps it) and receives the gradient; but your name now points at a
# non-leaf, whose `.grad` stays `None`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
old = x
x = x + 1
print(x.is_leaf, old.is_leaf, x is old)
x = x * 2
x.sum().backward()
print(old.grad)
print(type(x.grad_fn).__name__)

# %% [markdown]
# **Self-check 5.2.** After `a = torch.tensor(3., requires_grad=True)`, `b = a`, `a = a * a`,
# `a.backward()`: what is `b.grad`?

# %%
answer("5.2", ...)

# %% [verify]
_a = torch.tensor(3.0, requires_grad=True)
_b = _a
_a = _a * _a
_a.backward()
selfcheck.expect("5.2", _b.grad)
del _a, _b

# %% [markdown]
# ## 5. Slices share memory
#
# Indexing with integers and slices, `view`, `reshape` (when it can) and `detach()` return
# **views**: new tensor objects that look at the same memory. Writing through a view changes
# the original.

# %%
# NBVAL_CHECK_OUTPUT
t = torch.arange(6.0)
v = t.view(2, 3)
row = v[1]
row[0] = 100.0
print(t)
print(v)
c = t.clone()  # a real copy
c[0] = -1.0
print(t[0], c[0])

# %% [markdown]
# So a slice of a leaf that requires grad is part of that leaf, and changing the slice in place
# changes the leaf. This cell fails on purpose:

# %% tags=["raises-exception"]
x = torch.ones(2, 2, requires_grad=True)
x[0].add_(1)

# %% [markdown]
# ### Assigning into a leaf's slice
#
# `w[0] = 1.` is an in-place change of `w` through a slice: refused on a leaf that requires
# grad (this cell fails on purpose)...

# %% tags=["raises-exception"]
w = torch.ones(3, requires_grad=True)
w[0] = 1.0

# %% [markdown]
# ... and, like any weight update, fine under `no_grad`:

# %%
# NBVAL_CHECK_OUTPUT
with torch.no_grad():
    w[0] = 5.0
print(w)
print(w.is_leaf, w.grad_fn)

# %% [markdown]
# ## 6. Filling a tensor with values that require grad: `CopySlices`
#
# Assigning a value that requires grad into a plain tensor is allowed, and recorded: the tensor
# becomes a non-leaf whose `grad_fn` is `CopySlices` ("copied into a slice"), and gradients
# flow back to what was written into it.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.zeros(4, 3)
print(y.requires_grad, y.is_leaf)
for i in range(4):
    y[i] = x**i
print(y)
print(y.is_leaf, type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad)  # d/dx (1 + x + x^2 + x^3) = 1 + 2x + 3x^2

# %% [markdown]
# ### The `CopySlices` error, and the `clone()` fix
#
# Now a trap. We compute the second element of `s` from its first: `s[1] = s[0] * x`. This cell
# fails on purpose (at `backward()`):

# %% tags=["raises-exception"]
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0] * x
print(s)
s.sum().backward()

# %% [markdown]
# What happened: `s[0]` is a *view* of `s`. To differentiate `s[0] * x` with respect to `x`,
# autograd saved that view (the gradient of `x` is `s[0]` times the incoming gradient). Then the
# assignment `s[1] = ...` wrote into `s`, which bumped the version of `s` and of all its views,
# including the saved `s[0]`. At `backward()`, the saved view's version (1) no longer matches
# (0). The message calls the view "output 0 of AsStrided", the generic name of a view, with
# shape `[]`: a single element.
#
# The value of `s[0]` did not even change, but autograd only counts versions; it does not look
# at the numbers. The fix: multiply by a **copy** of `s[0]`, which `s[1] = ...` does not touch.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0].clone() * x
print(s)
s.sum().backward()
print(x.grad)
print(type(s.grad_fn).__name__, s.is_leaf, s.requires_grad)

# %% [markdown]
# **Self-check 5.3.** With `x = torch.tensor(2., requires_grad=True)`, `s = torch.ones(3)`,
# `s[1] = s[0].clone() * x`, `s[2] = s[1].clone() * x`: what is `x.grad` after
# `s.sum().backward()`? ($s = [1, x, x^2]$.)

# %%
answer("5.3", ...)

# %% [verify]
_x = torch.tensor(2.0, requires_grad=True)
_s = torch.ones(3)
_s[1] = _s[0].clone() * _x
_s[2] = _s[1].clone() * _x
_s.sum().backward()
selfcheck.expect("5.3", _x.grad)
del _x, _s

# %% [markdown]
# ## 7. Building a tensor by slice assignment is slow; `cat` and `stack` are fast
#
# Filling a tensor row by row works, but each assignment adds a `CopySlices` node, and in the
# backward pass every one of them handles the gradient of the **whole** tensor: for $n$ rows
# that is about $n^2$ rows of work instead of $n$. Collecting the rows in a list and joining
# them once with `torch.stack` (or `torch.cat`) records a single node. Both give the same values
# and gradients:


# %%
# NBVAL_CHECK_OUTPUT
def by_slices(x, n):
    out = torch.zeros(n, x.shape[0])
    for i in range(n):
        out[i] = x * i
    return out


def by_stack(x, n):
    return torch.stack([x * i for i in range(n)])


x1 = torch.ones(3, requires_grad=True)
x2 = torch.ones(3, requires_grad=True)
a, b = by_slices(x1, 4), by_stack(x2, 4)
print(torch.equal(a, b), type(a.grad_fn).__name__, type(b.grad_fn).__name__)
a.sum().backward()
b.sum().backward()
print(x1.grad, x2.grad)

# %% [markdown]
# Now time forward plus backward for growing $n$ (rows of 1000 numbers; the best of 2 runs).
# The numbers depend on your computer (and on what else it is doing), so this output is not
# checked; what matters is the trend: the slices' time grows roughly like $n^2$, the stack's
# like $n$, so the ratio grows with $n$.


# %%
def timed(build, n, d=1000, repeat=2):
    best = float("inf")
    for _ in range(repeat):
        x = torch.ones(d, requires_grad=True)
        start = time.perf_counter()
        build(x, n).sum().backward()
        best = min(best, time.perf_counter() - start)
    return best


for n in (100, 200, 400):
    slow, fast = timed(by_slices, n), timed(by_stack, n)
    ratio = slow / fast
    print(f"n = {n}: slices {slow * 1e3:6.1f} ms, stack {fast * 1e3:5.1f} ms, ratio {ratio:4.1f}")

# %% [markdown]
# ## 8. Seeing the graph
#
# A picture makes in-place operations easier to follow. The `torchviz` package's `make_dot`
# draws PyTorch graphs with Graphviz; minigrad has its own `make_dot` with the same call, and
# `draw`, which both render in the notebook without installing Graphviz. (`minigrad.viz` is
# minigrad's; with PyTorch write `from torchviz import make_dot`.) Here is torchviz's own
# example: a small network, drawn with its parameters named.

# %%
from minigrad.viz import draw, make_dot

torch.manual_seed(0)
model = nn.Sequential()
model.add_module("W0", nn.Linear(8, 16))
model.add_module("tanh", nn.Tanh())
model.add_module("W1", nn.Linear(16, 1))

x = torch.randn(1, 8)
y = model(x)
make_dot(y.mean(), params=dict(model.named_parameters()))

# %% [markdown]
# Blue boxes are the parameters (leaves) with their shapes, yellow boxes the backward nodes
# (`AddmmBackward0` is a linear layer: a matrix product plus the bias; `TBackward0` the
# transposed weight it uses), and the green box the output. `make_dot(...).source` is the DOT text, for anyone who has Graphviz.
#
# `draw` shows values and gradients as well. Here is the fixed `CopySlices` example: the
# assignment into `s` is a node of its own (`CopySlices`, with `CopyBackwards` for the copy of
# the value into the slice), and `x`'s gradient arrives through it.

# %%
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0].clone() * x
total = s.sum()
total.backward()
draw(total, names={"x": x, "s": s, "total": total})

# %% [markdown]
# ## Summary
#
# * In-place operations: trailing underscore, `+=` and friends, index/slice assignment. They
#   keep the tensor's identity (`id`) and bump its version counter.
# * A leaf that requires grad (or a view of it) cannot be changed in place while recording:
#   update weights under `no_grad`. `y = x` is the same tensor, not a copy.
# * Non-leaves may be changed in place, unless autograd saved the old value for `backward()`:
#   then the version check stops you. Write out of place or `clone()` first.
# * `x = x + 1` moves the name, and the leaf's gradient goes to the old tensor.
# * Slices and views share memory. `s[1] = s[0] * x` trips the version check through the
#   view; `s[0].clone()` fixes it.
# * Build tensors with `torch.stack`/`torch.cat`, not with slice assignment in a loop.
#
# Chapter 6 puts everything together and trains a small network; chapter 7 opens minigrad to
# show how all this is implemented.
