# Chapter 2 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 2: Computational graphs
#
# A neural network is one long formula: inputs go in, a loss comes out, and in between there
# are thousands of small steps (multiply, add, apply `tanh`...). To train it we need the
# derivative of the loss with respect to every weight. The trick that makes this cheap is to
# look at the formula as a **graph** of small steps: values flow forwards through it, and
# gradients flow backwards, one step at a time.
#
# This chapter is about that graph: what its nodes and edges are, how PyTorch builds it while
# your code runs, how values (forward pass) and gradients (backward pass) travel through it,
# and why going backwards is so much cheaper than working out every derivative separately.
# Chapter 3 then looks at PyTorch's side of it: `requires_grad`, `grad_fn` and `backward()`.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`: the code is
# PyTorch code, and prints what PyTorch prints. The pictures (`minigrad.viz`) and the
# interactive explorer (`minigrad.widgets`) are minigrad's own. Cells starting with
# `# NBVAL_CHECK_OUTPUT` are checked by the course's tests.

# %%
import itertools
import math

from selfcheck import answer

import minigrad as torch
from minigrad.viz import draw

# %% [markdown]
# ## 1. Nodes and edges
#
# Take this small computation, with an input $a$, four weights $w_1, \dots, w_4$ and a final
# function $f$ that turns $d$ into a loss $L$:
#
# $$b = w_1 a, \qquad c = w_2 a, \qquad d = w_3 b + w_4 c, \qquad L = f(d).$$
#
# As a graph:
#
# * the **nodes** are the quantities and the operations: the inputs ($a$, the $w$'s), each
#   intermediate result ($b$, $c$, $d$) with the operation that made it, and the output $L$;
# * the **edges** say what is computed from what: an edge from $a$ to $b$ means "$b$ is
#   computed from $a$". Since $a$ is used twice, two edges leave it.
#
# Nothing flows in a circle: every value is computed from values that already exist, so the
# graph is a *directed acyclic graph* (DAG). Here is the computation in PyTorch, with
# $f(d) = d^2$ (a squared error, as if the target were 0):

# %%
# NBVAL_CHECK_OUTPUT
a = torch.tensor(2.0, requires_grad=True)
w1 = torch.tensor(3.0, requires_grad=True)
w2 = torch.tensor(-1.0, requires_grad=True)
w3 = torch.tensor(0.5, requires_grad=True)
w4 = torch.tensor(4.0, requires_grad=True)

b = w1 * a
c = w2 * a
d = w3 * b + w4 * c
L = d**2
print(b, c)
print(d)
print(L)

# %% [markdown]
# `draw` shows the graph PyTorch recorded. The blue boxes at the top are the inputs, the yellow
# boxes the operations (with the name PyTorch gives each one: `MulBackward0` for a product,
# `AddBackward0` for a sum, `PowBackward0` for `** 2`), and the green box the output. `data` is
# each node's value; there are no gradients yet.

# %%
names = {"a": a, "w1": w1, "w2": w2, "w3": w3, "w4": w4, "b": b, "c": c, "d": d, "L": L}
draw(L, names=names)

# %% [markdown]
# What to notice:
#
# * `d = w3 * b + w4 * c` is *three* operations (two products and a sum), so three boxes: the
#   graph records the small steps, not the formula you typed;
# * `a` feeds two operations: the graph branches, and later joins again at the sum.
#
# PyTorch stores the graph backwards, from the output towards the inputs: every result knows the
# node that made it (`grad_fn`), and every node lists the nodes of its inputs
# (`next_functions`). Inputs that you made yourself with `requires_grad=True` appear as
# `AccumulateGrad` nodes (chapter 7 looks inside). This small function walks the graph from the output and lists the nodes it
# meets:


# %%
# NBVAL_CHECK_OUTPUT
def nodes(t):
    """Names of the nodes of t's graph, from the output back to the inputs (each once)."""
    seen, names, todo = set(), [], [t.grad_fn]
    while todo:
        node = todo.pop(0)
        if node is None or node in seen:
            continue
        seen.add(node)
        names.append(type(node).__name__)
        todo += [n for n, _ in node.next_functions]
    return names


print(nodes(L))
print(len(nodes(L)), "nodes")

# %% [markdown]
# ## 2. The graph is built while the code runs
#
# There are two ways to get such a graph.
#
# * **Static graphs** ("define and run", the style of TensorFlow 1): you first describe the whole
#   computation as a graph object, then feed numbers through it, the same graph every time.
#   Loops and `if`s must be written as special graph operations.
# * **Dynamic graphs** ("define by run", PyTorch's style): there is no separate description.
#   Every operation you execute is recorded as it happens, so the graph is simply the trace of
#   what your Python code did *this time*. A new forward pass builds a new graph.
#
# So ordinary Python control flow just works, and the graph can differ from one call to the
# next. Here the number of multiplications depends on `n`, and the branch on the value of `x`:


# %%
# NBVAL_CHECK_OUTPUT
def power(x, n):
    y = x
    for _ in range(n - 1):
        y = y * x
    return y


def bend(x):
    if x.item() > 0:  # a plain Python `if`, decided while the code runs
        return x * x
    return -x


x = torch.tensor(2.0, requires_grad=True)
print(nodes(power(x, 2)).count("MulBackward0"), "multiplication(s) recorded for n = 2")
print(nodes(power(x, 4)).count("MulBackward0"), "multiplication(s) recorded for n = 4")
print(nodes(bend(torch.tensor(3.0, requires_grad=True))))
print(nodes(bend(torch.tensor(-3.0, requires_grad=True))))

# %% [markdown]
# What to notice: `power(x, 4)` recorded three multiplications, `power(x, 2)` one; `bend` took a
# different branch for each input, and the graph shows only the branch that ran. (PyTorch can
# also *compile* a function into a static graph for speed, with `torch.compile`; for learning,
# the dynamic graph is all you need.)
#
# ## 3. The forward pass: values flow down the graph
#
# The **forward pass** computes the nodes in order, each from its inputs' values. For our
# example ($a = 2$, $w = (3, -1, 0.5, 4)$):
#
# | node | computed as | value |
# |---|---|---|
# | $b$ | $w_1 a = 3 \cdot 2$ | $6$ |
# | $c$ | $w_2 a = -1 \cdot 2$ | $-2$ |
# | $d$ | $w_3 b + w_4 c = 3 - 8$ | $-5$ |
# | $L$ | $d^2$ | $25$ |
#
# On the way, PyTorch keeps what it will need later: to differentiate $w_3 b$ it needs the
# values of $w_3$ and $b$, so the product's node *saves* them.
#
# ## 4. The backward pass: gradients flow back up
#
# The **backward pass** goes the other way, from $L$ to the inputs. Each node receives
# $\partial L / \partial(\text{its output})$, the **upstream gradient**, multiplies it by its
# own **local derivative** for each input, and sends the product to that input. That is the
# chain rule, one node at a time:
#
# | node | receives | local derivatives | sends |
# |---|---|---|---|
# | $L = d^2$ | $\partial L/\partial L = 1$ | $\partial L/\partial d = 2d = -10$ | $-10$ to $d$ |
# | $d = w_3 b + w_4 c$ | $-10$ | $\partial d/\partial b = w_3 = 0.5,\ \partial d/\partial c = w_4 = 4$ | $-5$ to $b$, $-40$ to $c$ |
# | | | $\partial d/\partial w_3 = b = 6,\ \partial d/\partial w_4 = c = -2$ | $-60$ to $w_3$, $20$ to $w_4$ |
# | $b = w_1 a$ | $-5$ | $\partial b/\partial w_1 = a = 2,\ \partial b/\partial a = w_1 = 3$ | $-10$ to $w_1$, ? to $a$ |
# | $c = w_2 a$ | $-40$ | $\partial c/\partial w_2 = a = 2,\ \partial c/\partial a = w_2 = -1$ | $-80$ to $w_2$, ? to $a$ |
#
# $a$ is used twice, so it receives two gradients, one from each consumer, and they **add
# up**.
#
# **Self-check 2.1.** Fill in the two question marks and add them: what is
# $\partial L/\partial a$? Answer before running `backward()` below.

# %%
answer("2.1", ...)

# %%
# NBVAL_CHECK_OUTPUT
for t in (b, c, d, L):
    t.retain_grad()  # keep the intermediate gradients too, for the picture below (chapter 3)
L.backward()
for name, t in {"a": a, "w1": w1, "w2": w2, "w3": w3, "w4": w4}.items():
    print(name, t.grad)

# %% [verify]
import selfcheck

selfcheck.expect("2.1", a.grad)

# %% [markdown]
# The same picture after `backward()`: now every node shows its gradient
# $\partial L / \partial(\text{node})$ as well. (By default PyTorch keeps only the inputs'
# gradients, in `.grad`; `retain_grad()` above asked it to keep the intermediate ones too.)

# %%
draw(L, names=names)

# %% [markdown]
# ## 5. Step through it: the graph explorer
#
# The `GraphExplorer` (minigrad's own widget) replays both passes one node at a time. Give it
# the computation as text and the input values:
#
# * **Step** computes one node: in the forward pass values appear, node by node, in the order
#   they were computed; then the backward pass runs the nodes in the order PyTorch's engine
#   runs them, and gradients appear. **Back**, **Play**, **Forward pass** and **Backward pass**
#   move around; the slider jumps to any step.
# * **Click a node** to see its details: its value, its gradient, and for an operation its local
#   derivatives and the chain-rule product it sends to each input
#   ($\text{upstream} \cdot \text{local}$).
# * Click `a` at the end: under *Gradients received* it lists what arrived from `b` and from
#   `c`, and their sum. Before the backward pass reaches it, it says how many gradients it is
#   still waiting for.
#
# (The widget needs a running notebook; in a static view of this page you see its current
# picture only.)

# %%
from minigrad.widgets import GraphExplorer

explorer = GraphExplorer(
    "b = w1 * a\nc = w2 * a\nd = w3 * b + w4 * c\nL = d ** 2",
    {"a": 2.0, "w1": 3.0, "w2": -1.0, "w3": 0.5, "w4": 4.0},
)
explorer

# %% [markdown]
# The explorer can also be driven from code: `explorer.step` is the current step (0 to
# `explorer.n_steps`) and `explorer.status` the line under the picture. This cell moves the
# widget above to the first step of the backward pass:

# %%
explorer.step = explorer.state.n_forward + 1
print(explorer.status)

# %% [markdown]
# ## 6. A second example: $z = x^2 + \sin(2y)$
#
# At $x = 4$, $y = \pi$: $\partial z/\partial x = 2x$ and $\partial z/\partial y = 2\cos(2y)$.
#
# **Self-check 2.2.** What are `x.grad` and `y.grad`? Answer with a pair.

# %%
answer("2.2", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(4.0, requires_grad=True)
y = torch.tensor(math.pi, requires_grad=True)
z = x * x + torch.sin(2 * y)
z.backward()
print(z)
print(x.grad, y.grad)
print(nodes(z))

# %% [verify]
selfcheck.expect("2.2", (x.grad, y.grad))

# %% [markdown]
# $8 = 2 \cdot 4$ and $2 = 2\cos(2\pi)$. Look at how `x * x` gets its gradient: `x` enters the
# same `MulBackward0` node **twice**, as its left and its right input. The node's local
# derivatives are $\partial(x \cdot x)/\partial(\text{left}) = x = 4$ and the same for the right,
# so it sends $4$ to `x` twice, and the two add up to $8$. No rule for squares is needed: the
# chain rule plus adding what arrives is enough. Step through it:

# %%
GraphExplorer("z = x * x + sin(2 * y)", {"x": 4.0, "y": math.pi})

# %% [markdown]
# ## 7. The chain rule as a sum over paths
#
# Write the backward pass of section 4 as one formula for $\partial L/\partial a$. There are two
# paths from $L$ back to $a$: through $b$ and through $c$. Along each path, multiply the local
# derivatives; then add the paths:
#
# $$\frac{\partial L}{\partial a}
#   = \underbrace{\frac{\partial L}{\partial d}\,\frac{\partial d}{\partial b}\,
#     \frac{\partial b}{\partial a}}_{\text{via } b}
#   + \underbrace{\frac{\partial L}{\partial d}\,\frac{\partial d}{\partial c}\,
#     \frac{\partial c}{\partial a}}_{\text{via } c}
#   = (-10)(0.5)(3) + (-10)(4)(-1) = -15 + 40 = 25.$$
#
# That is the general rule: **the derivative of the output with respect to a node is the sum,
# over all paths from the node to the output, of the product of the local derivatives along
# the path.**
#
# Both paths start with the same factor $\partial L/\partial d$, their **shared prefix**. The
# backward pass computes it once and hands it on; evaluating the formula path by path would
# recompute it for every path. With two paths that hardly matters. But paths multiply: each
# time the graph branches and joins again, the number of paths doubles. Here is a chain of
# "diamonds", $h \leftarrow \sin(h) \cos(h)$, where every step has two paths through it:


# %%
# NBVAL_CHECK_OUTPUT
def diamonds(x, depth):
    h = x
    for _ in range(depth):
        h = torch.sin(h) * torch.cos(h)
    return h


def count_paths(node, x, memo):
    """How many paths lead from `node` down to the leaf x (memo: counts already known)."""
    if node is None:
        return 0
    if getattr(node, "variable", None) is x:  # x's AccumulateGrad node
        return 1
    if node not in memo:
        memo[node] = sum(count_paths(n, x, memo) for n, _ in node.next_functions)
    return memo[node]


for depth in [1, 2, 5, 10, 20, 40]:
    x = torch.tensor(0.5, requires_grad=True)
    h = diamonds(x, depth)
    print(f"depth {depth:2}: {len(nodes(h)):3} nodes, {count_paths(h.grad_fn, x, {}):>13} paths")

# %% [markdown]
# Forty diamonds: 121 nodes, but more than a trillion paths. Summing over the paths one by one
# would never finish; the backward pass visits each of the 121 nodes once. (Even counting the
# paths needs the same trick: `count_paths` remembers the count of every node it has already
# seen, in `memo`, instead of walking the same sub-paths again.)
#
# For a small depth we can check that both give the same number. In one diamond,
# $\sin(h)\cos(h)$ reaches $h$ through $\sin$ with local derivatives $\cos(h) \cdot \cos(h)$
# (the derivative of $\sin$, times the other factor) and through $\cos$ with
# $-\sin(h) \cdot \sin(h)$. With three diamonds there are $2^3 = 8$ paths:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(0.5, requires_grad=True)
hs = [x]
for _ in range(3):
    hs.append(torch.sin(hs[-1]) * torch.cos(hs[-1]))
hs[-1].backward()

with torch.no_grad():
    via_sin = [torch.cos(h) * torch.cos(h) for h in hs[:-1]]
    via_cos = [-torch.sin(h) * torch.sin(h) for h in hs[:-1]]
    total = 0
    for path in itertools.product(["sin", "cos"], repeat=3):  # a path: one choice per diamond
        product = 1
        for k, through in enumerate(path):
            product = product * (via_sin[k] if through == "sin" else via_cos[k])
        total = total + product
    shared = 1
    for k in range(3):
        shared = shared * (via_sin[k] + via_cos[k])

print(f"sum over 8 paths:   {total.item():.5f}")
print(f"shared prefixes:    {shared.item():.5f}")
print(f"backward(): x.grad= {x.grad.item():.5f}")

# %% [markdown]
# What to notice: the sum over the 8 paths equals the product of 3 small sums, because all
# paths share their pieces. The product takes a handful of operations, the path sum $2^{\text{depth}}$
# products. That is what backpropagation does: it walks the graph once, backwards, and at each
# node combines the gradients arriving from all its consumers before passing the total on.
#
# **Self-check 2.3.** In the chain of diamonds above with depth 10, how many paths lead from
# `h` back to `x`?

# %%
answer("2.3", ...)

# %% [verify]
_x = torch.tensor(0.5, requires_grad=True)
selfcheck.expect("2.3", count_paths(diamonds(_x, 10).grad_fn, _x, {}))
del _x

# %% [markdown]
# ## Summary
#
# * A computation is a graph: nodes are inputs, operations and results; edges say what is
#   computed from what. It has no cycles.
# * PyTorch builds the graph **while your code runs** (define by run): Python loops and `if`s
#   decide what is recorded, and every forward pass builds a new graph.
# * The **forward pass** computes the values node by node and saves what the derivatives will
#   need.
# * The **backward pass** starts from the output with gradient 1; each node multiplies the
#   upstream gradient by its local derivatives and sends the products to its inputs. A node with
#   several consumers **adds** what it receives.
# * The chain rule is a sum over paths of products of local derivatives; backpropagation reuses
#   the shared prefixes, so its cost grows with the number of nodes, not of paths.
#
# Chapter 3: how to ask PyTorch for these gradients, `requires_grad`, `grad_fn` and
# `backward()`.
