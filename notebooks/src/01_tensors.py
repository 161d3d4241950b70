# Chapter 1 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 1: Tensors
#
# A **tensor** is a box of numbers arranged on a grid with any number of axes: one number, a
# row of numbers, a table, a stack of tables... Everything a neural network reads, computes and
# learns is stored in tensors, so this chapter is about making them, looking at them and
# combining them.
#
# **About `import minigrad as torch`.** This course uses *minigrad*, a small library written in
# plain numpy that copies PyTorch's interface. The first line of code below gives it the name
# `torch`, so every cell you see is ordinary PyTorch code. Replace that line with
# `import torch` and the same notebook runs on real PyTorch and prints the same results
# (minigrad writes its own name where PyTorch writes `torch.`, as in `minigrad.float32` for
# `torch.float32`: the one difference you will see everywhere; the few others, such as random
# numbers, are pointed out where they occur). What you learn here carries over unchanged; and
# because minigrad is small, you can later open it and read how it works (chapter 7).
#
# **How to use this notebook.** Run the cells from top to bottom (Shift+Enter). Change them,
# break them, run them again. Cells that start with `# NBVAL_CHECK_OUTPUT` are checked by the
# course's tests: what they print is exactly what PyTorch prints. A few cells fail *on purpose*
# to show you an error message; the explanation follows them.
#
# **Self-checks.** Now and then you are asked a question. Replace the `...` with your answer and
# run the cell: it says `Right!` or gives you a hint. The answers are stored as hashes, so
# peeking at `selfcheck.py` will not help you.

# %%
import numpy as np
from selfcheck import answer

import minigrad as torch

# %% [markdown]
# ## 1. Scalars, vectors, matrices and beyond
#
# `torch.tensor(data)` makes a tensor from Python numbers or (nested) lists. The number of
# axes is the tensor's **rank** (also called its number of dimensions, `dim()`):
#
# | rank | name | example |
# |---|---|---|
# | 0 | scalar | a loss value |
# | 1 | vector | one data point's features |
# | 2 | matrix | a table: rows of data points, or a layer's weights |
# | 3 and more | n-D tensor | a colour image, a batch of images, a batch of videos |

# %%
# NBVAL_CHECK_OUTPUT
s = torch.tensor(3.5)  # a scalar: rank 0
v = torch.tensor([1.0, 2.0, 3.0])  # a vector: rank 1
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # a matrix: rank 2
print(s)
print(v)
print(m)

# %% [markdown]
# Three words describe the grid:
#
# * **rank** (`t.dim()`, or `len(t.shape)`): how many axes there are;
# * **shape** (`t.shape`, or `t.size()`): how long each axis is;
# * **size** in the sense of *number of elements* (`t.numel()`): the product of the shape.
#
# Careful with the word "size": in PyTorch `t.size()` is the *shape*, not the number of elements.

# %%
# NBVAL_CHECK_OUTPUT
for name, t in [("s", s), ("v", v), ("m", m)]:
    print(name, "rank:", t.dim(), " shape:", t.shape, " elements:", t.numel())

# %% [markdown]
# A rank-3 tensor is a stack of matrices. `torch.arange(24.)` counts 0, 1, ..., 23 and
# `reshape(2, 3, 4)` arranges those numbers into 2 blocks of 3 rows of 4 columns. The axes are
# numbered from the outside in: axis 0 has length 2, axis 1 length 3, axis 2 length 4.

# %%
# NBVAL_CHECK_OUTPUT
t = torch.arange(24.0).reshape(2, 3, 4)
print(t)
print(t.shape, t.size(1), t.shape[-1], len(t))

# %% [markdown]
# What to notice:
#
# * printing shows the structure: a blank line separates the blocks of axis 0;
# * `t.size(1)` is the length of axis 1; negative axes count from the end (`-1` is the last);
# * `len(t)` is the length of the *first* axis only.
#
# **Self-check 1.1.** What are the rank and the number of elements of `torch.zeros(2, 3, 4, 5)`?
# Answer with a pair, e.g. `(7, 100)`.

# %%
answer("1.1", ...)

# %% [verify]
import selfcheck

_q = torch.zeros(2, 3, 4, 5)
selfcheck.expect("1.1", (_q.dim(), _q.numel()))
selfcheck.expect("1.1", [4, 120])
del _q

# %% [markdown]
# ## 2. Reshaping
#
# `reshape` lays the same elements out on a new grid; the number of elements cannot change.
# One axis may be given as `-1`: PyTorch works out its length from the others. `view` does the
# same when the data can be reused as it is (see chapter 5 for what "shares memory" means).

# %%
# NBVAL_CHECK_OUTPUT
r = torch.arange(12)
print(r.reshape(3, 4))
print(r.reshape(2, -1).shape, r.view(6, 2).shape, r.reshape(-1).shape)

# %% [markdown]
# Asking for a shape that does not hold the same number of elements fails. This cell fails on
# purpose:

# %% tags=["raises-exception"]
r.reshape(5, -1)

# %% [markdown]
# Read an error from the bottom: the last line is the message, and it says it all here: 12
# elements cannot be arranged into rows of 5. The lines above it show where in the library the
# error was raised; you rarely need them.
#
# ## 3. Image batches: `[batch, channels, height, width]`
#
# A colour image is three tables of pixel intensities (red, green, blue): shape
# `[3, height, width]`. Networks process many images at once, so a **batch** of images gets one
# more axis in front. PyTorch's convention is **`[batch, channels, height, width]`** (often
# written NCHW).

# %%
# NBVAL_CHECK_OUTPUT
images = torch.zeros(8, 3, 32, 32)  # 8 colour images of 32 x 32 pixels
print(images.shape, images.dim(), images.numel())
print(images[0].shape)  # one image
print(images[0, 0].shape)  # its red channel
print(images[:, 1].shape)  # the green channel of every image

# %% [markdown]
# **Self-check 1.2.** MNIST digits are grayscale (one channel) images of 28 x 28 pixels. What is
# the shape of a batch of 16 of them? Answer with a tuple.

# %%
answer("1.2", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.2", torch.zeros(16, 1, 28, 28).shape)

# %% [markdown]
# ## 4. Data types
#
# Every tensor has one **dtype** for all its elements. The default for real numbers is
# **`float32`** (single precision: about 7 significant digits, 4 bytes each), which is what
# neural networks use almost everywhere. Python integers give `int64`; `True`/`False` give
# `bool`.
#
# | dtype | alias | CPU tensor type | typical use | in minigrad |
# |---|---|---|---|---|
# | `torch.float32` | `torch.float` | `FloatTensor` | the default: data, weights, gradients | yes |
# | `torch.float64` | `torch.double` | `DoubleTensor` | precise checks (gradcheck) | yes |
# | `torch.float16` | `torch.half` | `HalfTensor` | fast GPU training | no |
# | `torch.bfloat16` | | `BFloat16Tensor` | fast GPU training | no |
# | `torch.int64` | `torch.long` | `LongTensor` | indices, class labels, counts | yes |
# | `torch.int32` | `torch.int` | `IntTensor` | | yes |
# | `torch.int16`, `torch.int8`, `torch.uint8` | `short`, -, - | `ShortTensor`, `CharTensor`, `ByteTensor` | raw image bytes | no |
# | `torch.bool` | | `BoolTensor` | masks, results of comparisons | yes |

# %%
# NBVAL_CHECK_OUTPUT
a = torch.tensor([1.0, 2.0])
b = torch.tensor([1, 2])
c = torch.tensor([True, False])
print(a.dtype, b.dtype, c.dtype)
print(a.dtype == torch.float, b.dtype == torch.long)
print(a.type(), b.type(), c.type())

# %% [markdown]
# Choose a dtype with `dtype=`, or convert with `.float()`, `.double()`, `.long()`, `.int()` or
# `.to(dtype)`. A tensor prints its dtype only when it is not one of the defaults (`float32`,
# `int64`, `bool`):

# %%
# NBVAL_CHECK_OUTPUT
d = torch.tensor([1.0, 2.0], dtype=torch.float64)
print(d)
print(b.float(), a.long(), a.to(torch.float64))
print(torch.tensor([1.7, -1.7]).long())  # converting to an integer cuts towards zero

# %% [markdown]
# Mixing dtypes in an operation **promotes** to the type that can hold the result: an integer
# tensor plus a Python float gives `float32`, and `/` always gives floats (true division).

# %%
# NBVAL_CHECK_OUTPUT
print(b + 0.5, (b + 0.5).dtype)
print(b / 2, (b / 2).dtype)
print(d + a)  # float64 + float32 -> float64

# %% [markdown]
# **Self-check 1.3.** What is the dtype of `torch.tensor([1, 2]) * 2.5`? (You may answer with a
# dtype object or its name as a string.)

# %%
answer("1.3", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.3", (torch.tensor([1, 2]) * 2.5).dtype)

# %% [markdown]
# ## 5. Creating tensors from data and from numpy
#
# Four ways to turn existing data into a tensor, and the question that matters: **does the new
# tensor have its own copy of the numbers, or does it share memory with the numpy array?**
#
# | call | dtype | copies? |
# |---|---|---|
# | `torch.tensor(data)` | inferred (`float64` from a float64 numpy array) | always copies |
# | `torch.Tensor(data)` | always `float32` (it is the class itself) | copies |
# | `torch.as_tensor(data)` | inferred | shares a numpy array's memory when it can |
# | `torch.from_numpy(array)` | the array's dtype | always shares |
#
# numpy's default float is `float64`, so tensors made from numpy arrays are often `float64`
# (watch for the `dtype=` in the printout).

# %%
# NBVAL_CHECK_OUTPUT
arr = np.array([1.0, 2.0, 3.0])
t_copy = torch.tensor(arr)
t_shared = torch.from_numpy(arr)
t_as = torch.as_tensor(arr)
arr[0] = 100.0  # change the numpy array after the tensors were made
print(t_copy)
print(t_shared)
print(t_as)

# %% [markdown]
# What to notice: only `from_numpy` and `as_tensor` see the change, because they are two views
# of the same memory as `arr`. Sharing is fast (no copy), and surprising when you forget it.
#
# The class constructor `torch.Tensor` converts to `float32`, and `torch.Tensor(2, 3)` (with
# sizes instead of data) makes a tensor of that shape whose values are whatever was in memory:
# never read them before writing.

# %%
# NBVAL_CHECK_OUTPUT
print(torch.Tensor([1, 2, 3]))
print(torch.Tensor(2, 3).shape)
print(torch.tensor(np.array([1, 2], dtype=np.float32)))

# %% [markdown]
# Going back, `t.numpy()` gives a numpy array that shares memory with the tensor.
#
# **Self-check 1.4.** After the cell below runs, what are `f[0].item()` and `g[0].item()`?
# Answer with a pair. Predict first, then run the cell and print them to see.

# %%
z = np.zeros(3)
f = torch.from_numpy(z)
g = torch.tensor(z)
z += 1
answer("1.4", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.4", (f[0].item(), g[0].item()))

# %% [markdown]
# ## 6. Tensors from scratch: `zeros`, `ones`, `eye`, `rand`
#
# Sizes can be given as separate numbers or as one tuple; `dtype=` works everywhere.

# %%
# NBVAL_CHECK_OUTPUT
print(torch.zeros(2, 3))
print(torch.ones((2, 2), dtype=torch.int64))
print(torch.eye(3))  # the identity matrix
print(torch.arange(0, 1, 0.25), torch.linspace(0, 1, 5))
print(torch.zeros_like(m), torch.full((2,), 7.0))

# %% [markdown]
# `torch.rand` draws uniformly from $[0, 1)$ and `torch.randn` from the standard normal
# distribution. Fix the **seed** to get the same numbers every time you run the notebook.
# (minigrad draws its random numbers with numpy, so its values differ from PyTorch's for the
# same seed; shapes and distributions are the same. That is why this cell's output is not
# checked.)

# %%
torch.manual_seed(0)
u = torch.rand(2, 3)
print(u)
print(u.shape, u.dtype, bool(((u >= 0) & (u < 1)).all()))
print(torch.randn(4).shape)

# %% [markdown]
# ## 7. Element-wise operations and broadcasting
#
# `+ - * / **` work **element by element** on tensors of the same shape, and with plain numbers.
# (Matrix multiplication is a different operation, written `@`.)

# %%
# NBVAL_CHECK_OUTPUT
p = torch.tensor([1.0, 2.0, 3.0])
q = torch.tensor([4.0, 5.0, 6.0])
print(p + q, p * q, q / p)
print(p**2, 2 * p + 1, 1 / p)
print(torch.add(p, q), p.mul(q))

# %% [markdown]
# **Broadcasting** lets shapes differ. Line the shapes up from the right; two lengths are
# compatible when they are equal or one of them is 1 (a missing axis counts as 1). An axis of
# length 1 is repeated to match. So a `[2, 3]` matrix plus a `[3]` vector adds the vector to
# every row, and a `[2, 1]` column is added to every column.

# %%
# NBVAL_CHECK_OUTPUT
M = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(M + torch.tensor([10.0, 20.0, 30.0]))  # [2, 3] + [3]
print(M - torch.tensor([[1.0], [2.0]]))  # [2, 3] + [2, 1]
print(torch.ones(3, 1) + torch.ones(1, 2))  # [3, 1] + [1, 2] -> [3, 2]

# %% [markdown]
# When lengths differ and neither is 1, broadcasting fails. Lined up from the right, `[2, 3]`
# and `[2]` compare 3 with 2 (this cell fails on purpose):

# %% tags=["raises-exception"]
torch.ones(2, 3) + torch.ones(2)

# %% [markdown]
# The last line is PyTorch's message, word for word, so you can search the web for it; under it
# minigrad adds a one-line hint for beginners. "Non-singleton dimension 1" is axis 1 of the
# result, where neither length is 1. To add
# something per *row*, give it shape `[2, 1]`: `torch.ones(2, 3) + torch.ones(2, 1)`.
#
# **Self-check 1.5.** What is the shape of `torch.ones(4, 1, 3) + torch.ones(2, 1)`?

# %%
answer("1.5", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.5", (torch.ones(4, 1, 3) + torch.ones(2, 1)).shape)

# %% [markdown]
# ## 8. Comparisons, and a few functions
#
# Comparisons are element-wise too and give `bool` tensors, handy as masks. `abs`, `sqrt` and
# `neg` (and `exp`, `log`, `sin`, ...) exist both as `torch.f(t)` and as `t.f()`.

# %%
# NBVAL_CHECK_OUTPUT
print(p > 1.5, p == q - 3, p.le(2))
print((p > 1.5).sum(), (p > 1.5).dtype)
print(torch.equal(p, p.clone()), (p == q).any(), (p < q).all())
n = torch.tensor([-4.0, 9.0])
print(n.abs(), n.abs().sqrt(), torch.neg(n), -n)

# %% [markdown]
# ## 9. Joining tensors: `cat` versus `stack`
#
# * `torch.cat(tensors, dim)` joins along an **existing** axis: the shapes must agree on every
#   other axis, and the result has the same rank.
# * `torch.stack(tensors, dim)` puts same-shaped tensors side by side along a **new** axis: the
#   rank goes up by one.

# %%
# NBVAL_CHECK_OUTPUT
a2 = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b2 = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
print(torch.cat([a2, b2]))  # dim=0: more rows
print(torch.cat([a2, b2], dim=1))  # more columns
print(torch.stack([a2, b2]))  # a new axis 0
print(torch.cat([a2, b2]).shape, torch.stack([a2, b2]).shape, torch.stack([a2, b2], dim=2).shape)

# %% [markdown]
# **Self-check 1.6.** `e` and `h` both have shape `[2, 3]`. What is the shape of
# `torch.stack([e, h], dim=1)`?
#
# **Self-check 1.7.** And of `torch.cat([e, h], dim=1)`?

# %%
answer("1.6", ...)
answer("1.7", ...)

# %% [verify]
import selfcheck

_e = torch.zeros(2, 3)
selfcheck.expect("1.6", torch.stack([_e, _e], dim=1).shape)
selfcheck.expect("1.7", torch.cat([_e, _e], dim=1).shape)
del _e

# %% [markdown]
# ## 10. Indexing
#
# Indexing works as in numpy: one index per axis, separated by commas (`t[0, 1, 2]` is the same
# element as `t[0][1][2]`), slices `start:stop:step`, negative positions from the end, and `:`
# for "all of this axis". An integer index removes its axis; a slice keeps it.

# %%
# NBVAL_CHECK_OUTPUT
t = torch.arange(24.0).reshape(2, 3, 4)
print(t[0, 0, 0], t[0][0][0], t[-1, -1, -1])
print(t[1, 2])  # block 1, row 2: a vector of 4
print(t[:, 1])  # row 1 of every block: shape [2, 4]
print(t[0, 1:, ::2])  # block 0, rows 1 and 2, every second column
print(t[0, 0, 0].item(), t[0, 0, 0].shape)

# %% [markdown]
# A `bool` tensor of the same shape selects the elements where it is `True` (a **mask**), and a
# list of positions selects those elements:

# %%
# NBVAL_CHECK_OUTPUT
w = torch.tensor([10, 20, 30, 40])
print(w[w > 15], w[[0, 2]], w[1:3], w[::2])

# %% [markdown]
# **Self-check 1.8.** With `t = torch.arange(24.).reshape(2, 3, 4)` as above, what is
# `t[1, :, 0]`? (A list of numbers is fine.)

# %%
answer("1.8", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.8", t[1, :, 0])

# %% [markdown]
# ## 11. `flatten`, with `start_dim`
#
# `flatten()` turns a tensor into a vector. Before a fully connected layer, though, you want to
# flatten each *image* while keeping the batch axis: `flatten(start_dim=1)` flattens axes 1, 2,
# ... and leaves axis 0 alone.

# %%
# NBVAL_CHECK_OUTPUT
print(images.shape)
print(images.flatten().shape)
print(images.flatten(start_dim=1).shape)  # 3 * 32 * 32 = 3072 numbers per image
print(images.reshape(8, -1).shape)  # the same thing with reshape

# %% [markdown]
# **Self-check 1.9.** What is the shape of `torch.zeros(5, 2, 3, 4).flatten(start_dim=2)`?

# %%
answer("1.9", ...)

# %% [verify]
import selfcheck

selfcheck.expect("1.9", torch.zeros(5, 2, 3, 4).flatten(start_dim=2).shape)

# %% [markdown]
# ## 12. Devices: CPU and GPU
#
# A PyTorch tensor lives on a **device**: the CPU's memory or a GPU's. Every operation needs all
# its tensors on the same device, and you move them with `.to(device)`. The usual pattern is
#
# ```python
# device = "cuda" if torch.cuda.is_available() else "cpu"
# model = model.to(device)
# x = x.to(device)
# ```
#
# Forget one `.to(device)` on a GPU machine and PyTorch stops with
#
# ```
# RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!
# ```
#
# It means exactly what it says: one operand is in the GPU's memory (`cuda:0`), the other in
# the computer's main memory (`cpu`), and PyTorch never copies between them behind your back.
# The fix is to move the odd one out with `.to(device)` (usually a tensor you created yourself,
# such as a target or a mask, that never went through the `.to(device)` lines).
#
# minigrad computes with numpy, on the CPU only, so it cannot produce that error. It answers
# like a PyTorch installation without a GPU: the usual pattern picks the CPU, every tensor is on
# the CPU and moving to the CPU does nothing:

# %%
# NBVAL_CHECK_OUTPUT
device = "cuda" if torch.cuda.is_available() else "cpu"
x = torch.ones(2).to(device)
print(device, x.device)
print(x.to("cpu") is x, torch.ones(2, device="cpu"))

# %% [markdown]
# Asking minigrad for a GPU anyway fails with the error a CPU-only installation of PyTorch
# gives (an `AssertionError`; minigrad adds a hint below it). This cell fails on purpose:

# %% tags=["raises-exception"]
x.to("cuda")

# %% [markdown]
# ## Summary
#
# * A tensor has a **rank** (`dim()`), a **shape** (`shape`, `size()`) and a number of elements
#   (`numel()`); `reshape`/`view` rearrange it, `flatten(start_dim=1)` keeps the batch axis.
# * Batches of images are `[batch, channels, height, width]`.
# * The default dtype is `float32`; integers give `int64`; operations promote mixed dtypes.
# * `torch.tensor` copies; `from_numpy` and `as_tensor` share memory with a numpy array.
# * Element-wise operations broadcast shapes from the right; comparisons give `bool` masks.
# * `cat` joins along an existing axis, `stack` along a new one.
# * All tensors of an operation must be on the same device.
#
# Next, chapter 2 draws the **computation graph** that PyTorch records when tensors require
# gradients, and chapter 3 runs `backward()` through it.
