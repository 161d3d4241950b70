# Chapter 6 source: build with `python notebooks/build.py` (see build.py for the cell syntax).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Chapter 6: Learning
#
# Chapters 2 to 5 were about *computing* gradients. This chapter uses them: a neural network is
# a function with many adjustable numbers (weights), a **loss** measures how wrong it is on
# examples, and **gradient descent** nudges every weight a little against its gradient, over and
# over, until the loss is small. Along the way:
#
# * why a network needs non-linear **activations** (without them, ten layers are no better than
#   one);
# * the **MLP**: layers of neurons, in PyTorch's `nn.Sequential`;
# * **loss functions** for numbers and for classes;
# * gradient descent and its **learning rate**, with an explorer to play with;
# * the chain rule through hidden layers;
# * a complete PyTorch training loop;
# * why weights must start **random** (the symmetry problem);
# * a Playground-like **trainer** to watch a network learn.
#
# As in every chapter, `minigrad` stands in for PyTorch under the name `torch`: the code is
# PyTorch code. The toy datasets (`minigrad.data`) and the widgets (`minigrad.widgets`) are
# minigrad's own. Random numbers differ between minigrad and PyTorch, so cells whose output
# depends on random initial weights are not checked; cells starting with `# NBVAL_CHECK_OUTPUT`
# are checked by the course's tests.

# %%
from selfcheck import answer

import minigrad as torch

nn = torch.nn

# %% [markdown]
# ## 1. Why non-linearities matter
#
# `nn.Linear(n_in, n_out)` computes $y = xW^\top + b$: every output is a weighted sum of the
# inputs plus a bias. Stack two of them and you get
#
# $$y = (xW_1^\top + b_1)W_2^\top + b_2 = x\,(W_2W_1)^\top + (W_2 b_1 + b_2),$$
#
# which is again *one* linear layer, with weight $W_2W_1$ and bias $W_2b_1 + b_2$. Let us check
# it numerically: build the single layer from the two and compare the outputs.

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
first = nn.Linear(3, 4)
second = nn.Linear(4, 2)
stacked = nn.Sequential(first, second)

one = nn.Linear(3, 2)
with torch.no_grad():  # setting weights by hand is not part of any computation to differentiate
    one.weight.copy_(second.weight @ first.weight)
    one.bias.copy_(second.weight @ first.bias + second.bias)

x = torch.randn(5, 3)
print(stacked(x).shape, one(x).shape)
print(torch.allclose(stacked(x), one(x), atol=1e-6))

# %% [markdown]
# Same outputs, for any input. However many linear layers you stack, the result can only draw
# straight lines (flat planes) through the data. An **activation function** between the layers
# breaks this: `tanh`, `ReLU` or `sigmoid` bend their input, and the composition can no longer
# be written as one linear layer. A quick test: a linear (affine) function $g$ satisfies
# $g(u + v) + g(0) = g(u) + g(v)$ for all $u, v$.

# %%
# NBVAL_CHECK_OUTPUT
bent = nn.Sequential(first, nn.Tanh(), second)


def looks_linear(g, u, v):
    return torch.allclose(g(u + v) + g(torch.zeros_like(u)), g(u) + g(v), atol=1e-5)


u, v = torch.randn(5, 3), torch.randn(5, 3)
print("Linear, Linear:      ", looks_linear(stacked, u, v))
print("Linear, Tanh, Linear:", looks_linear(bent, u, v))

# %% [markdown]
# **Self-check 6.1.** A network of five `nn.Linear` layers of sizes 2 → 8 → 8 → 8 → 8 → 1,
# *without* activations, is one linear layer in disguise. How many numbers (weights and biases)
# does that single layer have?

# %%
answer("6.1", ...)

# %% [verify]
import selfcheck

_layers = [nn.Linear(a, b) for a, b in [(2, 8), (8, 8), (8, 8), (8, 8), (8, 1)]]
_w = _layers[0].weight
for _l in _layers[1:]:
    _w = _l.weight @ _w
selfcheck.expect("6.1", _w.numel() + _w.shape[0])
del _layers, _w, _l

# %% [markdown]
# ## 2. The MLP: layers, neurons, activations
#
# A **neuron** takes a weighted sum of its inputs, adds a bias, and applies an activation:
# $h = \varphi(w \cdot x + b)$. A **layer** is several neurons reading the same inputs:
# `nn.Linear(2, 3)` holds 3 neurons with 2 weights each (its `weight` has shape `[3, 2]`, one
# row per neuron) and 3 biases. A **multi-layer perceptron** (MLP) chains layers with
# activations in between; the layers between input and output are called **hidden**.
#
# The usual activations:

# %%
# NBVAL_CHECK_OUTPUT
z = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
print("tanh   ", torch.tanh(z))  # squashes into (-1, 1)
print("relu   ", torch.relu(z))  # max(0, z)
print("sigmoid", torch.sigmoid(z))  # squashes into (0, 1)

# %% [markdown]
# Here is an MLP with two hidden layers of 16 neurons for inputs with 2 features and one
# output, the network we will train in section 6. `nn.Sequential` applies its modules in order.

# %%
# NBVAL_CHECK_OUTPUT
model = nn.Sequential(
    nn.Linear(2, 16),
    nn.Tanh(),
    nn.Linear(16, 16),
    nn.Tanh(),
    nn.Linear(16, 1),
)
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape))
print(sum(p.numel() for p in model.parameters()), "parameters")

# %% [markdown]
# What to notice: the activations have no parameters; all 337 numbers live in the three
# `Linear` layers ($2 \cdot 16 + 16$, $16 \cdot 16 + 16$, $16 + 1$). Training will adjust all of
# them.
#
# **Self-check 6.2.** How many parameters does
# `nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))` have?

# %%
answer("6.2", ...)

# %% [verify]
_m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
selfcheck.expect("6.2", sum(p.numel() for p in _m.parameters()))
del _m

# %% [markdown]
# ## 3. Loss functions
#
# A loss turns "how wrong" into one number, so that `backward()` has a scalar to start from.
#
# * **Numbers** (regression): the mean squared error, `nn.MSELoss()`,
#   $\frac1n\sum_i (\hat y_i - y_i)^2$.
# * **Two classes** (binary classification): the network outputs one number per example, a
#   **logit** $z$; $\sigma(z)$ (the sigmoid) is the predicted probability of class 1. The binary
#   cross-entropy $-[y \log \sigma(z) + (1 - y)\log(1 - \sigma(z))]$ is small when the right class
#   gets a probability near 1, and large when the network is confidently wrong.
#   `nn.BCEWithLogitsLoss()` takes the logits directly (it computes the same, in a way that is
#   numerically safer).

# %%
# NBVAL_CHECK_OUTPUT
pred = torch.tensor([2.5, 0.0, 2.0])
target = torch.tensor([3.0, -0.5, 2.0])
print(nn.MSELoss()(pred, target), ((pred - target) ** 2).mean())

logits = torch.tensor([3.0, -2.0, 0.0, 3.0])
labels = torch.tensor([1.0, 0.0, 1.0, 0.0])
p = torch.sigmoid(logits)
print(p)
print(nn.BCEWithLogitsLoss(reduction="none")(logits, labels))
print(nn.BCEWithLogitsLoss()(logits, labels))

# %% [markdown]
# What to notice, example by example: right and confident (logit 3, label 1) costs 0.05; right
# (logit −2, label 0) costs 0.13; undecided (logit 0, probability 0.5) costs $\log 2 = 0.69$
# whatever the label; confidently wrong (logit 3, label 0) costs 3.05. The loss is their mean.
#
# ## 4. Gradient descent: the ball on the hill
#
# Picture the loss as a landscape over the weights, and the current weights as a ball on it.
# The gradient is the slope of the **tangent** at the ball: it points uphill. So step the other
# way,
#
# $$x \leftarrow x - \eta\, f'(x),$$
#
# where $\eta$, the **learning rate**, sets how far to go per unit of slope. Steep slopes give big
# steps; near the bottom the slope, and so the step, shrinks. You met this loop in chapter 4; here
# it is on $f(x) = x^2$ from $x = 3$, with four learning rates:


# %%
# NBVAL_CHECK_OUTPUT
def descend(lr, steps=6, x0=3.0):
    x = torch.tensor(x0, requires_grad=True)
    path = [x.item()]
    for _ in range(steps):
        loss = x**2
        loss.backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
        path.append(round(x.item(), 3))
    return path


for lr in [0.01, 0.1, 0.9, 1.1]:
    print(f"lr = {lr:4}:", descend(lr))

# %% [markdown]
# What to notice:
#
# * `lr = 0.01` is **too small**: the ball crawls; after 6 steps it has barely moved.
# * `lr = 0.1` is **good**: each step shrinks $x$ by the same factor, $1 - 2\eta = 0.8$.
# * `lr = 0.9` **overshoots**: every step jumps over the minimum to the other side, but lands a
#   bit closer, so it still converges, in a zig-zag.
# * `lr = 1.1` **diverges**: every jump lands further away than it started, and the loss grows
#   without bound.
#
# For $x^2$ the step is $x \leftarrow (1 - 2\eta)\,x$, so it converges exactly when
# $|1 - 2\eta| < 1$, that is $0 < \eta < 1$.
#
# **Self-check 6.3.** For $f(x) = x^2$, which learning rate lands exactly on the minimum in one
# step, from any starting point?

# %%
answer("6.3", ...)

# %% [verify]
selfcheck.expect("6.3", 0.5)
assert descend(0.5, steps=1) == [3.0, 0.0] and descend(0.5, steps=1, x0=-7.0) == [-7.0, 0.0]

# %% [markdown]
# ### The gradient-descent explorer
#
# `GradientDescentExplorer` (minigrad's widget) draws the curve, the tangent at the current
# point and the step it leads to. **Step** moves the ball, **Play** runs the steps, and the
# **learning-rate slider** (logarithmic) recomputes the whole run; the line under the picture
# says whether the run is converging, slow, oscillating or diverging. Try a small rate (0.01),
# a good one (0.1 to 0.5), one that zig-zags (0.9) and one that explodes (1.1).

# %%
from minigrad.widgets import GradientDescentExplorer

hill = GradientDescentExplorer("x**2", x0=3.0, lr=0.1)
hill

# %% [markdown]
# The same from code: setting `hill.lr` moves the slider above and recomputes the run, and
# `hill.verdict` names what the run does.

# %%
for lr in [0.01, 0.1, 0.9, 1.1]:
    hill.lr = lr
    print(f"lr = {lr:4}: {hill.verdict}")
hill.lr = 0.1

# %% [markdown]
# With two weights the landscape is a surface, drawn as contour lines (lines of equal loss),
# and the ball walks across them. This bowl, $x^2 + 3y^2$, is three times steeper along $y$
# than along $x$. Raise the learning rate: above about 0.17 the path zig-zags across the valley
# ($y$) while it still walks straight along it ($x$), and above $1/3$ it flies out across the
# valley, although along $x$ any rate below 1 would do. One learning rate must suit every
# direction at once, which is why real networks use small rates, many steps, and optimizers such
# as Adam that adapt the step for each weight.

# %%
GradientDescentExplorer("x**2 + 3*y**2", x0=(3, 2), lr=0.1)

# %% [markdown]
# ## 5. The chain rule through hidden layers
#
# How does a weight in the *first* layer learn, when the loss is computed only at the end? Through
# the chain rule (chapter 2). Take the smallest network with a hidden layer, one neuron per
# layer:
#
# $$z_1 = w_1 x + b_1, \qquad h = \tanh(z_1), \qquad \text{out} = w_2 h + b_2, \qquad
#   L = (\text{out} - t)^2.$$
#
# Going backwards, each factor is a local derivative:
#
# $$\frac{\partial L}{\partial w_1}
#   = \underbrace{2(\text{out} - t)}_{\partial L/\partial\,\text{out}}
#     \cdot \underbrace{w_2}_{\partial\,\text{out}/\partial h}
#     \cdot \underbrace{(1 - h^2)}_{\partial h/\partial z_1}
#     \cdot \underbrace{x}_{\partial z_1/\partial w_1}.$$
#
# The error at the output travels back through the second layer's weight $w_2$ and the slope of
# the activation $1 - h^2$ before it reaches $w_1$. By hand and by autograd:

# %%
# NBVAL_CHECK_OUTPUT
x, t = torch.tensor(1.5), torch.tensor(0.5)  # one example: input and target
w1 = torch.tensor(0.8, requires_grad=True)
b1 = torch.tensor(-0.2, requires_grad=True)
w2 = torch.tensor(1.5, requires_grad=True)
b2 = torch.tensor(0.1, requires_grad=True)

z1 = w1 * x + b1
h = torch.tanh(z1)
out = w2 * h + b2
L = (out - t) ** 2
L.backward()

with torch.no_grad():
    dL_dout = 2 * (out - t)
    dL_dh = dL_dout * w2
    dL_dz1 = dL_dh * (1 - h**2)
    by_hand = {"w2": dL_dout * h, "b2": dL_dout, "w1": dL_dz1 * x, "b1": dL_dz1}
for name, p in [("w2", w2), ("b2", b2), ("w1", w1), ("b1", b1)]:
    print(f"{name}: by hand {by_hand[name].item():.4f}, autograd {p.grad.item():.4f}")

# %% [markdown]
# In a wider network, each hidden neuron is one such path, and a weight deep in the network
# collects the sum over all paths to the loss, as in chapter 2. Step through this one in the
# explorer (it makes every input a leaf that requires grad, so `x` and `t` get gradients too;
# ignore them): watch $\partial L/\partial\,\text{out}$ being multiplied by $w_2$, then by the
# `tanh` slope, on its way to $w_1$.

# %%
from minigrad.widgets import GraphExplorer

GraphExplorer(
    "z1 = w1 * x + b1\nh = tanh(z1)\nout = w2 * h + b2\nL = (out - t) ** 2",
    {"x": 1.5, "t": 0.5, "w1": 0.8, "b1": -0.2, "w2": 1.5, "b2": 0.1},
)

# %% [markdown]
# **Self-check 6.4.** Same network and example, but with `w2 = torch.tensor(0., requires_grad=True)`.
# What is `w1.grad` after `L.backward()`?

# %%
answer("6.4", ...)

# %% [verify]
_w1 = torch.tensor(0.8, requires_grad=True)
_w2 = torch.tensor(0.0, requires_grad=True)
((_w2 * torch.tanh(_w1 * 1.5 - 0.2) + 0.1 - 0.5) ** 2).backward()
selfcheck.expect("6.4", _w1.grad)
del _w1, _w2

# %% [markdown]
# ## 6. Training an MLP: the PyTorch loop
#
# Now all the pieces together, on the **two moons**: points in the plane in two interleaving
# half circles, one class each. No straight line separates them. `make_moons` is minigrad's (with
# PyTorch, use `sklearn.datasets.make_moons` and wrap both arrays, `torch.tensor(X,
# dtype=torch.float32)` and `torch.tensor(y)`); the
# `seed` makes the points the same every time.

# %%
# NBVAL_CHECK_OUTPUT
from minigrad.data import make_moons

X, y = make_moons(200, noise=0.1, seed=0)
X_new, y_new = make_moons(200, noise=0.1, seed=1)  # fresh points, never trained on
y, y_new = y.float(), y_new.float()  # the loss wants float labels
print(X.shape, y.shape)
print(int(y.sum()), "points of class 1,", int((1 - y).sum()), "of class 0")

# %% [markdown]
# The training loop is the same in every PyTorch program:
#
# 1. `optimizer.zero_grad()`: forget the previous gradients (they accumulate, chapter 3);
# 2. forward pass and loss;
# 3. `loss.backward()`: gradients of the loss for every parameter;
# 4. `optimizer.step()`: move every parameter against its gradient (`optim.SGD` does
#    `p -= lr * p.grad` under `no_grad`, as in chapter 4).
#
# Here each step uses all 200 points at once (full-batch gradient descent). The losses printed
# depend on the random initial weights, so this cell's output is not checked.

# %%
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1))
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

for epoch in range(500):
    optimizer.zero_grad()
    logits = model(X).squeeze(1)  # [200, 1] -> [200]
    loss = loss_fn(logits, y)
    loss.backward()
    optimizer.step()
    if epoch % 100 == 0 or epoch == 499:
        print(f"epoch {epoch:3}: loss {loss.item():.4f}")

# %% [markdown]
# A logit above 0 means "class 1" (probability above one half). Accuracy is the fraction of
# points classified right, on the training points and on the fresh ones:


# %%
# NBVAL_CHECK_OUTPUT
def accuracy(model, X, y):
    with torch.no_grad():
        predicted = (model(X).squeeze(1) > 0).float()
    return (predicted == y).float().mean().item()


print(f"training accuracy: {accuracy(model, X, y):.2f}")
print("accuracy on new points above 95%:", accuracy(model, X_new, y_new) > 0.95)

# %% [markdown]
# What to notice: the loss falls quickly, then slowly; the network separates the training moons
# perfectly and **generalises**: it is nearly always right on points it has never seen. Real
# training usually feeds **mini-batches** (a few examples per step, in random order: *stochastic*
# gradient descent), which is what the trainer in section 8 does.
#
# ## 7. Initialisation and the symmetry problem
#
# Why does `nn.Linear` start with random weights? Try the alternative: every weight and bias the
# same, say 0.5. Then all hidden neurons compute the same function of the input, receive the same
# gradient, take the same step, and stay identical forever. However many hidden neurons the
# layer has, they do the work of one.


# %%
# NBVAL_CHECK_OUTPUT
def train(model, steps=100, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(X).squeeze(1), y).backward()
        optimizer.step()
    return model


same = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
with torch.no_grad():
    for p in same.parameters():
        nn.init.constant_(p, 0.5)
train(same)
print(same[0].weight)  # one row per hidden neuron
print(same[0].bias)

# %% [markdown]
# Four rows, all the same, after 100 steps of training. Gradient descent cannot break the tie,
# because nothing distinguishes the neurons. All zeros is worse still with `tanh`: a hidden
# neuron's output is $\tanh(0) = 0$, so the output layer's weights get zero gradient; and the
# hidden weights' gradient passes through the output weights, which are 0 (self-check 6.4). Only
# the output bias learns:

# %%
# NBVAL_CHECK_OUTPUT
zero = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
with torch.no_grad():
    for p in zero.parameters():
        p.zero_()
train(zero)
print("largest weight:", zero[0].weight.abs().max().item(), zero[2].weight.abs().max().item())
print(f"loss {loss_fn(zero(X).squeeze(1), y).item():.4f} = log 2: always 50/50")

# %% [markdown]
# Random initial weights make every neuron different from the start, so each can specialise.
# PyTorch's `nn.Linear` draws them uniformly from $\pm 1/\sqrt{n_\text{in}}$: small enough that
# `tanh` is not saturated, large enough that the signal does not vanish.

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
rand = train(nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)))
W = rand[0].weight
print("all rows equal:", bool((W == W[0]).all()))

# %% [markdown]
# **Self-check 6.5.** A hidden layer of 16 `tanh` neurons, every parameter initialised to 0.5 and
# trained on the moons: how many *different* rows does its weight have after training?

# %%
answer("6.5", ...)

# %% [verify]
_m = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
with torch.no_grad():
    for _p in _m.parameters():
        nn.init.constant_(_p, 0.5)
train(_m, steps=20)
selfcheck.expect("6.5", len({tuple(row) for row in _m[0].weight.tolist()}))
del _m, _p

# %% [markdown]
# ## 8. Watching a network learn: the trainer
#
# `Trainer` is minigrad's take on the TensorFlow Playground: a small MLP on a 2-D toy dataset,
# trained with mini-batches of 10 and `BCEWithLogitsLoss` while you watch. The big square shows
# the network's output over the plane (blue: class 1, orange: class 0) with the training points
# (white outline) and the test points (black outline); the small squares show what each hidden
# neuron computes; the curves are the training (grey) and test (black) loss. **Play** trains
# until you press Pause, **Step** trains one epoch, **Reset** starts again from the same random
# weights. The controls change the dataset, the activation, the learning rate and the network
# (+/− adds or removes layers and neurons).
#
# ### Linearly separable data
#
# Two Gaussian blobs can be separated by a straight line, so no hidden layer is needed: this
# network is a single neuron, a logistic regression. Press Play.

# %%
from minigrad.widgets import Trainer

Trainer({"dataset": "gaussians", "hidden": []})

# %% [markdown]
# ### Not linearly separable: the triangle
#
# Points inside a triangle are class 1, outside class 0. No single line can draw that boundary,
# but three lines can, and each hidden neuron draws one line. This trainer has one hidden layer
# of 3 neurons. Press Play, and watch the three neuron pictures turn into three half-planes
# whose combination is the triangle. Then try:
#
# * remove the hidden layer (−): the best it can do is one line;
# * set the activation to `linear`: three hidden neurons, but they collapse into one linear layer
#   (section 1), and the boundary is a line again;
# * other learning rates: with 0.01 the loss hardly moves; with 3 it falls fast but jumps up
#   and down on the way.

# %%
triangle = Trainer({"dataset": "triangle", "hidden": [3], "lr": 1.0})
triangle

# %% [markdown]
# The trainer can also be driven from code: `step(n)` trains `n` epochs and redraws the widget
# above (its run is seeded, so it is the same every time).

# %%
triangle.step(200)
print(f"epoch {triangle.epoch}: test loss {triangle.test_loss:.2f}")

# %% [markdown]
# ### Random or zero initial weights?
#
# The same triangle, starting from all-zero weights. Most controls are hidden so that only what
# matters here is left: press Play and watch the picture change colour as a whole (only the
# output bias learns, so the network predicts one class everywhere); switch the initialisation
# to random, press Play again.

# %%
init_demo = Trainer(
    {"dataset": "triangle", "hidden": [3], "lr": 1.0, "init": "zeros"},
    hide=("dataset", "noise", "activation", "batch_size", "optimizer"),
)
init_demo

# %% [markdown]
# From code, the comparison after 100 epochs each (changing `init_demo.init` rebuilds the
# network, as the menu does):

# %%
init_demo.step(100)
print(f"zeros:  test loss {init_demo.test_loss:.2f}")
init_demo.init = "random"
init_demo.step(100)
print(f"random: test loss {init_demo.test_loss:.2f}")

# %% [markdown]
# ## Summary
#
# * Without activations, stacked linear layers collapse into one linear layer; activations such
#   as `tanh` and `ReLU` let an MLP bend its decision boundary.
# * An MLP is `nn.Linear` layers (rows of neurons: weighted sum plus bias) with activations in
#   between, chained by `nn.Sequential`.
# * A loss turns the errors into one number: `MSELoss` for numbers, `BCEWithLogitsLoss` for two
#   classes (from logits).
# * Gradient descent steps against the gradient, $w \leftarrow w - \eta\,\partial L/\partial w$.
#   Too small a learning rate crawls, too large a one oscillates or diverges.
# * The chain rule carries the output's error back through every layer's weights and activation
#   slopes to the first layer.
# * The loop: `zero_grad()`, forward, loss, `backward()`, `step()`.
# * Initial weights must be random: identical neurons get identical gradients and stay
#   identical (the symmetry problem); from all zeros with `tanh` only the output bias learns.
#
# Chapter 7 opens autograd itself: how `backward()` is implemented.
