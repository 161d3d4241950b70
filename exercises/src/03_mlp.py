# %% [markdown]
# # Assignment 3: a neural network, by hand
#
# With backward passes and an engine you can train a network. In this assignment you build the
# pieces of a small classifier, then train it on the *two moons* dataset:
#
# 1. `LinearFunction`, the layer `x @ weight.T + bias`, with its backward;
# 2. `BCEWithLogits`, the binary cross-entropy loss, computed stably;
# 3. `sgd_step`, one step of gradient descent;
# 4. `MLP`, a two-layer network, and its initialisation;
# 5. `train`, the training loop.
#
# **Rules** (as before). Write each derivative yourself with tensor operations; a backward that
# calls minigrad's own implementation of its op earns no points (here `loss.backward()` itself
# is allowed: the engine is minigrad's). Do not change the cells that contain the checks. The
# teacher's grader also trains your network on a dataset drawn with your own hidden seed and
# measures its accuracy on points it has never seen.

# %% [locked] id=setup

import minigrad as torch
from autograder import check
from minigrad.autograd import Function

# %% [markdown]
# ## 1. The linear layer
#
# `LinearFunction.apply(x, weight, bias)` computes `x @ weight.T + bias` for `x` of shape
# `(N, in)` (a batch of N examples), `weight` of shape `(out, in)` and `bias` of shape
# `(out,)`. Its backward returns three gradients. The bias is added to every example of the
# batch: its gradient sums over the batch.


# %% [solution] id=linear
class LinearFunction(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x, weight)
        return x @ weight.t() + bias
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.t() @ x, grad_output.sum(dim=0)
        ### END SOLUTION


# %% [tests] id=test_linear
check("linear", LinearFunction)
### BEGIN HIDDEN TESTS
check("linear", LinearFunction, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The loss
#
# The network outputs one *logit* $z$ per example; $\sigma(z) = 1 / (1 + e^{-z})$ is the
# probability of class 1. With targets $t \in \{0, 1\}$ (a float tensor), the binary
# cross-entropy of one example is $-t \log \sigma(z) - (1 - t) \log(1 - \sigma(z))
# = \log(1 + e^z) - t z$, and the loss is its mean over the batch. Its gradient is
# $(\sigma(z) - t) / N$ times `grad_output`; `target` gets `None`.
#
# $\log(1 + e^z)$ overflows for large $z$: compute it as $\max(z, 0) + \log(1 + e^{-|z|})$
# (`z.clamp(min=0)`, `z.abs()`, `.exp()`, `.log1p()`).


# %% [solution] id=bce
class BCEWithLogits(Function):
    @staticmethod
    def forward(ctx, logits, target):
        ### BEGIN SOLUTION
        ctx.save_for_backward(logits, target)
        softplus = logits.clamp(min=0) + (-logits.abs()).exp().log1p()
        return (softplus - target * logits).mean()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        logits, target = ctx.saved_tensors
        return grad_output * (logits.sigmoid() - target) / logits.numel(), None
        ### END SOLUTION


# %% [tests] id=test_bce
check("bce", BCEWithLogits)
### BEGIN HIDDEN TESTS
check("bce", BCEWithLogits, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. One step of gradient descent
#
# `sgd_step(params, lr)` moves every parameter a step `lr` against its gradient:
# `p -= lr * p.grad`. The parameters are leaves that require grad, so changing them in place
# while autograd records is refused (it would lose what backward needs): do it inside
# `with torch.no_grad():`. And it must change the tensors themselves: `p = p - lr * p.grad`
# only gives the name `p` a new tensor.


# %% [solution] id=sgd
def sgd_step(params, lr):
    ### BEGIN SOLUTION
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    ### END SOLUTION


# %% [tests] id=test_sgd
check("sgd", sgd_step)
### BEGIN HIDDEN TESTS
check("sgd", sgd_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The network and its initialisation
#
# `MLP(n_in, n_hidden, n_out)` computes `LinearFunction` (weights `w1`, `b1`), `tanh`, then
# `LinearFunction` again (`w2`, `b2`). Its parameters must be **leaves** that require grad:
# `torch.randn(h, n) * s` with `requires_grad=True` on `randn` is *not* a leaf (it was computed
# by `*`) and never gets a `.grad`; scale first, then call `.requires_grad_()`.
#
# If every hidden unit started with the same weights (all zeros, say), they would all compute
# the same thing, get the same gradient, and stay identical: draw the weights at random. A
# good scale is $1/\sqrt{\text{fan\_in}}$ (the number of inputs of the layer); biases can start
# at zero.


# %% [solution] id=mlp
class MLP:
    def __init__(self, n_in, n_hidden, n_out):
        ### BEGIN SOLUTION
        self.w1 = (torch.randn(n_hidden, n_in) / n_in**0.5).requires_grad_()
        self.b1 = torch.zeros(n_hidden, requires_grad=True)
        self.w2 = (torch.randn(n_out, n_hidden) / n_hidden**0.5).requires_grad_()
        self.b2 = torch.zeros(n_out, requires_grad=True)
        ### END SOLUTION

    def parameters(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x):
        ### BEGIN SOLUTION
        h = LinearFunction.apply(x, self.w1, self.b1).tanh()
        return LinearFunction.apply(h, self.w2, self.b2)
        ### END SOLUTION


# %% [tests] id=test_init
check("init", MLP)
### BEGIN HIDDEN TESTS
check("init", MLP, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Training
#
# `train(X, y)` gets the inputs `X` (shape `(N, 2)`) and the labels `y` (floats, 0 or 1) and
# returns a trained `MLP(2, 16, 1)`. Each step: compute the logits (`model(X)` has shape
# `(N, 1)`: `.squeeze(1)` makes it `(N,)`), the loss, reset every parameter's gradient
# (`p.grad = None`: `backward()` *adds* to `.grad`), `loss.backward()`, then `sgd_step`. About
# 500 steps with `lr=1.0` are enough for more than 90% accuracy on new points.


# %% [solution] id=train
def train(X, y):
    ### BEGIN SOLUTION
    model = MLP(2, 16, 1)
    for _ in range(500):
        loss = BCEWithLogits.apply(model(X).squeeze(1), y)
        for p in model.parameters():
            p.grad = None
        loss.backward()
        sgd_step(model.parameters(), 1.0)
    return model
    ### END SOLUTION


# %% [tests] id=test_training
check("training", train)
### BEGIN HIDDEN TESTS
check("training", train, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# The fraction of new points your network classifies correctly:

# %% id=try
X, y = torch.data.make_moons(n=200, noise=0.1, seed=1)
X_new, y_new = torch.data.make_moons(n=200, noise=0.1, seed=2)
model = train(X, y.float())
with torch.no_grad():
    print(((model(X_new).squeeze(1) > 0).long() == y_new).float().mean())
