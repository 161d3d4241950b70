# Chapter 4 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 4: Stopping the graph
#
# Autograd records every operation on tensors that require grad. Often you do **not** want
# that: when you evaluate a model, when you update the weights themselves, when you copy a value
# for plotting or logging, or when a value should count as a constant. This chapter shows the
# tools that stop the recording, and how they differ:
#
# * `torch.no_grad()`: a block of code that records nothing (and `torch.enable_grad()` to
#   switch recording back on inside it);
# * `t.detach()` and `t.data`: the same numbers, cut off from the graph;
# * `t.clone()`: a copy that stays *in* the graph, and `t.detach().clone()`: a copy that doesn't.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`: the code is
# PyTorch code, and prints what PyTorch prints. Cells starting with `# NBVAL_CHECK_OUTPUT` are
# checked by the course's tests.

# %%
from selfcheck import answer

import minigrad as torch

# %% [markdown]
# ## 1. `torch.no_grad()`
#
# Inside a `with torch.no_grad():` block, results are plain tensors: no `grad_fn`, no
# `requires_grad`, nothing recorded. Outside it, recording resumes.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
    print(torch.is_grad_enabled())
print(y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
z = x * 2
print(z, torch.is_grad_enabled())

# %% [markdown]
# ### Why evaluate under `no_grad`
#
# When you measure how well a model does on test data, you will never call `backward()` on the
# result. Recording anyway costs:
#
# * **memory**: every multiplication, activation, ... *saves* its inputs or outputs for the
#   backward pass, and they stay alive as long as the result does: on a big model and test set,
#   far more memory than the numbers you wanted;
# * **time**: building graph nodes on every operation;
# * **surprises**: a metric you keep (say, a running sum of losses) that still requires grad
#   drags every evaluation's graph along with it.
#
# So wrap evaluation in `no_grad`, or decorate the evaluation function with
# `@torch.no_grad()`:

# %%
# NBVAL_CHECK_OUTPUT
w = torch.tensor([[1.0, -1.0]], requires_grad=True)  # a tiny linear "model": out = inputs @ w.T


@torch.no_grad()
def evaluate(inputs):
    return inputs @ w.t()


out = evaluate(torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
print(out, out.requires_grad)
print(torch.is_grad_enabled())  # the decorator switched recording off only inside evaluate

# %% [markdown]
# ## 2. `enable_grad()` inside `no_grad()`
#
# `torch.enable_grad()` switches recording back on inside a `no_grad` block (useful in a helper
# that must compute a gradient even when called during evaluation). Blocks nest, and each
# restores the previous mode when it ends.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
with torch.no_grad():
    a = x * 2
    with torch.enable_grad():
        b = x * 2
        print(torch.is_grad_enabled())
    c = x * 2
print(a.requires_grad, b.requires_grad, c.requires_grad)
print(b)
b.backward()
print(x.grad)

# %% [markdown]
# `torch.set_grad_enabled(mode)` does the same with a flag you compute, e.g.
# `with torch.set_grad_enabled(is_training):`.
#
# ## 3. `.detach()` and `.data`
#
# `t.detach()` returns a tensor with the **same memory** as `t` that is not part of any graph:
# it does not require grad, is a leaf and has no `grad_fn`. Writing into it changes `t`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
d = x.detach()
print(d, d.requires_grad, d.is_leaf, d.grad_fn)
d[0] = 5.0  # same memory: x changes too
print(x)
print(x.data)  # .data: the same numbers, also without autograd

# %% [markdown]
# Two everyday uses. A tensor that requires grad cannot go to numpy (or to a plotting library)
# directly, because numpy cannot track gradients; this cell fails on purpose:

# %% tags=["raises-exception"]
x.numpy()

# %% [markdown]
# The message tells you the fix:

# %%
# NBVAL_CHECK_OUTPUT
print(x.detach().numpy())

# %% [markdown]
# Second, `detach()` inside a formula turns a factor into a **constant**: no gradient flows
# through the detached path.
#
# **Self-check 4.1.** With `x = torch.tensor(3., requires_grad=True)` and
# `y = x * x.detach()`, what is `x.grad` after `y.backward()`? (Without `detach` it would be
# $2x = 6$.)

# %%
x = torch.tensor(3.0, requires_grad=True)
y = x * x.detach()
y.backward()
answer("4.1", ...)

# %% [verify]
import selfcheck

selfcheck.expect("4.1", x.grad)

# %% [markdown]
# ### `.detach()` is safe, `.data` is not
#
# Both share memory, but only `detach()` keeps autograd informed. Autograd counts the in-place
# changes of every tensor (chapter 5); if a value it saved for the backward pass has changed
# since, `backward()` refuses to compute a wrong gradient. A change through `.detach()` is
# counted. This cell fails on purpose:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()  # saves its output y: d exp(x)/dx = exp(x) = y
y.detach().add_(1)
y.sum().backward()

# %% [markdown]
# A change through `.data` is *not* counted, so the same code through `.data` runs, and
# silently gives wrong gradients ($e^x + 1$ instead of $e^x = [2.7183, 7.3891]$):

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.data.add_(1)  # autograd does not notice
y.sum().backward()
print(x.grad)  # wrong!

# %% [markdown]
# `.data` is older than `.detach()` and still appears in older code; prefer `detach()` (or
# `no_grad()`).
#
# ## 4. Loops: rebuild the graph, or update a leaf under `no_grad`
#
# Each forward pass builds a fresh graph, and `backward()` frees it. A loop can either create
# new leaves every time:

# %%
# NBVAL_CHECK_OUTPUT
for i in range(4):
    x = torch.tensor(float(i), requires_grad=True)
    y = x**2 + 3 * x
    y.backward()
    print(i, y.item(), x.grad)  # dy/dx = 2x + 3

# %% [markdown]
# or keep **one** leaf and change its value in place. That is what training does with weights.
# Changing a leaf in place is only allowed where nothing is recorded, inside `no_grad` (chapter 5
# explains why); and since gradients accumulate, zero them each time:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(0.0, requires_grad=True)
for i in range(4):
    with torch.no_grad():
        x.fill_(i)
    y = x**3
    y.backward()
    print(i, x, x.grad)  # dy/dx = 3x^2
    x.grad.zero_()
print(x.is_leaf, x.requires_grad)

# %% [markdown]
# ### Gradient descent on one number
#
# Minimise $f(x) = (x - 2)^2$ from $x = 5$: step against the gradient, $x \leftarrow x - \eta\,
# f'(x)$ with learning rate $\eta = 0.25$. The update must not be recorded (it is not part of
# the function we differentiate), so it runs under `no_grad`, and `x` stays the same leaf.
#
# **Self-check 4.2.** $f'(x) = 2(x - 2)$. What is `x` after the first step? Predict, then run
# the loop.

# %%
answer("4.2", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(5.0, requires_grad=True)
lr = 0.25
for step in range(5):
    f = (x - 2) ** 2
    f.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    print(step, round(f.item(), 6), x)

# %% [verify]
_x = torch.tensor(5.0, requires_grad=True)
((_x - 2) ** 2).backward()
with torch.no_grad():
    _x -= 0.25 * _x.grad
selfcheck.expect("4.2", _x)
del _x

# %% [markdown]
# Each step halves the distance to the minimum at 2. Two ways to get this wrong:
#
# * `x -= lr * x.grad` **without** `no_grad` is an in-place change of a leaf that requires grad:
#   PyTorch refuses (chapter 5);
# * `x = x - lr * x.grad` runs, but makes `x` a new, **non-leaf** tensor computed from the old
#   one. Its `.grad` stays `None` at the next `backward()`, and the graph grows with every step.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(5.0, requires_grad=True)
f = (x - 2) ** 2
f.backward()
x = x - lr * x.grad  # runs, but...
print(x, x.is_leaf)

# %% [markdown]
# ### Watch it: the gradient-descent explorer
#
# minigrad's `GradientDescentExplorer` runs the same loop (with autograd) and draws it: the
# curve of $f$, the tangent at the current `x`, and the step it leads to. **Step** or **Play**
# through the run, and move the **learning-rate** slider: at 0.25 each step halves the distance
# to 2, as above; at 0.5 the first step lands on 2; between 0.5 and 1 the steps overshoot and
# zig-zag; above 1 they land further away each time and the run diverges. Chapter 6 comes back to
# learning rates.

# %%
from minigrad.widgets import GradientDescentExplorer

GradientDescentExplorer("(x - 2)**2", x0=5.0, lr=0.25)

# %% [markdown]
# ## 5. Five variants of `z = x + y * y`
#
# Here is a small puzzle that separates all these tools. In every variant,
# `x = torch.tensor(2., requires_grad=True)`, `z = x + y * y`, and we call `z.backward()`.
# Only the way `y` is made changes. Since $\partial z / \partial x = 1$ directly, and
# $\partial (y^2) / \partial y = 2y$, the answer depends on whether (and how) `y` is connected
# to `x`.
#
# **A. `y` is a separate leaf** that requires grad: two independent inputs.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0).requires_grad_(True)
z = x + y * y
z.backward()
print(x.grad, y.grad)  # 1 and 2y = 6
print(y.requires_grad, y.grad_fn)
print(z)

# %% [markdown]
# **B. `y = x`**: not a copy, just a second name for the same tensor, so
# $z = x + x^2$ and $\partial z / \partial x = 1 + 2x$.
#
# **Self-check 4.3.** What are `x.grad` and `y.grad` in variant B? Answer with a pair, then run.

# %%
answer("4.3", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x
z = x + y * y
z.backward()
print(x.grad, y.grad, y is x)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [verify]
selfcheck.expect("4.3", (x.grad, y.grad))

# %% [markdown]
# **C. `y` is a constant** (`requires_grad=False`): it gets no gradient.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(1.0)
z = x + y * y
z.backward()
print(x.grad, y.grad)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [markdown]
# **D. `y = x.detach().clone()`**: a copy of `x`'s *value*, cut off from the graph: a constant
# that happens to equal 2.
#
# **Self-check 4.4.** What is `x.grad` in variant D?

# %%
answer("4.4", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x.detach().clone()
z = x + y * y
z.backward()
print(x.grad, y.grad)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [verify]
selfcheck.expect("4.4", x.grad)

# %% [markdown]
# **E. `y = x.clone()`**: a copy in new memory that stays **in the graph**: `clone` is an
# operation like any other (`CloneBackward0`) whose derivative is 1, so gradients flow through
# `y` back to `x`.
#
# **Self-check 4.5.** What is `x.grad` in variant E?

# %%
answer("4.5", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x.clone()
z = x + y * y
z.backward()
print(x.grad)
print(y.requires_grad, y.is_leaf, y.grad_fn is not None, type(y.grad_fn).__name__)
print(z)

# %% [verify]
selfcheck.expect("4.5", x.grad)

# %% [markdown]
# In variant E, `y` is not a leaf, so `y.grad` is `None` (reading it warns, as in chapter 3):
# the gradient passed *through* `y` into `x`.
#
# | variant | `y` is | `x.grad` | `y.grad` | `y.requires_grad` | `y.grad_fn` |
# |---|---|---|---|---|---|
# | A | `torch.tensor(3.).requires_grad_(True)` | 1 | 6 | True | None |
# | B | `x` | 5 | 5 (it *is* `x`) | True | None |
# | C | `torch.tensor(1.)` | 1 | None | False | None |
# | D | `x.detach().clone()` | 1 | None | False | None |
# | E | `x.clone()` | 5 | None (non-leaf) | True | `CloneBackward0` |
#
# ## 6. Three copies of `x`
#
# `clone()` under `no_grad` records nothing, so it gives the same as `detach().clone()`: an
# independent constant. Plain `clone()` is a copy that gradients flow through. All three copies
# have their own memory: writing into them leaves `x` alone.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    a = x.clone()
b = x.detach().clone()
c = x.clone()
for name, t in [("a", a), ("b", b), ("c", c)]:
    fn = None if t.grad_fn is None else type(t.grad_fn).__name__
    print(name, t, t.requires_grad, t.is_leaf, fn)
a[0] = 10.0
b[0] = 20.0
print(x)
print(a, b)

# %% [markdown]
# | expression | own memory? | gradient flows back to `x`? | `requires_grad` |
# |---|---|---|---|
# | `x.detach()`, `x.data` | no, shares `x`'s | no | False |
# | `x.detach().clone()` | yes | no | False |
# | `x.clone()` under `no_grad` | yes | no | False |
# | `x.clone()` | yes | yes (`CloneBackward0`) | True |
#
# ## Summary
#
# * `with torch.no_grad():` (or `@torch.no_grad()`) records nothing: use it for evaluation and
#   for updating weights; `torch.enable_grad()` switches recording back on inside it.
# * `detach()` gives the same memory outside the graph; use it for numpy, plotting, and to make
#   a value a constant. Prefer it to `.data`, whose changes autograd cannot see.
# * Updating a leaf in place happens under `no_grad`, followed by zeroing its gradient;
#   `x = x - ...` silently turns `x` into a non-leaf.
# * `clone()` copies and stays in the graph; `detach().clone()` copies and leaves it.
#
# Chapter 5 looks at in-place operations in detail: which ones PyTorch allows, and why.
