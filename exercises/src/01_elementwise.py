# %% [markdown]
# # Assignment 1: element-wise backward passes
#
# Every operation in minigrad is a `Function` with a `forward` and a `backward`, exactly like
# `torch.autograd.Function`. In this assignment you write the backward pass of the element-wise
# operations yourself:
#
# 1. one-input functions: `Exp`, `Log`, `Sin`, `Sigmoid`, `Tanh`, and `Pow` (a tensor to a
#    number's power);
# 2. `unbroadcast`, which sums a gradient back to the shape of an input that was broadcast;
# 3. two-input functions `Mul` and `Div`, whose inputs may have different, broadcastable shapes.
#
# A `backward(ctx, grad_output)` receives the gradient of the loss with respect to the
# function's output and returns the gradient with respect to each input of `forward` (`None`
# for an input that is a plain number): the chain rule, one link at a time.
#
# **Rules.** Write each derivative yourself with tensor operations (`*`, `/`, `.exp()`, ...). A
# backward that calls minigrad's own implementation of the op it defines, or runs
# `backward()` / `autograd.grad` to get its gradient, earns no points. Do not change the cells
# that contain the checks.
#
# Each check cell runs *visible checks* you can run as often as you like; the teacher's grader
# also runs hidden checks on other inputs (other shapes, non-contiguous tensors, broadcasting)
# and gives partial credit per property, with a sentence naming the mistake.

# %% [locked] id=setup

import minigrad as torch
from autograder import check
from minigrad.autograd import Function

# %% [markdown]
# ## 1. One-input functions
#
# `forward(ctx, x)` computes the result and saves what `backward` will need with
# `ctx.save_for_backward(...)`; `backward(ctx, grad_output)` reads it back from
# `ctx.saved_tensors` and returns `grad_output` times the local derivative.
#
# Here is `Exp` as an example of the shape of an answer: $\frac{d}{dx} e^x = e^x$, so it saves
# its output. Complete it, then do the same for `Log` ($\frac{1}{x}$) and `Sin` ($\cos x$).


# %% [solution] id=exp
class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        y = x.exp()
        ctx.save_for_backward(y)
        return y
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (y,) = ctx.saved_tensors
        return grad_output * y
        ### END SOLUTION


# %% [tests] id=test_exp
check("exp", Exp)
### BEGIN HIDDEN TESTS
check("exp", Exp, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=log
class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        return x.log()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output / x
        ### END SOLUTION


# %% [tests] id=test_log
check("log", Log)
### BEGIN HIDDEN TESTS
check("log", Log, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=sin
class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        return x.sin()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output * x.cos()
        ### END SOLUTION


# %% [tests] id=test_sin
check("sin", Sin)
### BEGIN HIDDEN TESTS
check("sin", Sin, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Sigmoid` and `Tanh` have derivatives that are cheapest in terms of their *output*:
# $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$ and $\tanh'(x) = 1 - \tanh(x)^2$.


# %% [solution] id=sigmoid
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        s = 1 / (1 + (-x).exp())
        ctx.save_for_backward(s)
        return s
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
        ### END SOLUTION


# %% [tests] id=test_sigmoid
check("sigmoid", Sigmoid)
### BEGIN HIDDEN TESTS
check("sigmoid", Sigmoid, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=tanh
class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        t = x.tanh()
        ctx.save_for_backward(t)
        return t
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (t,) = ctx.saved_tensors
        return grad_output * (1 - t * t)
        ### END SOLUTION


# %% [tests] id=test_tanh
check("tanh", Tanh)
### BEGIN HIDDEN TESTS
check("tanh", Tanh, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Pow(x, n)` raises a tensor to a plain number `n` (not a tensor). Its backward returns two
# values, one per forward argument: the gradient for `x`, and `None` for `n`. A plain number can
# be kept on the context as an attribute (`ctx.n = n`).


# %% [solution] id=pow
class Pow(Function):
    @staticmethod
    def forward(ctx, x, n):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        ctx.n = n
        return x**n
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output * ctx.n * x ** (ctx.n - 1), None
        ### END SOLUTION


# %% [tests] id=test_pow
check("pow", Pow)
### BEGIN HIDDEN TESTS
check("pow", Pow, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Un-broadcasting
#
# When `a` of shape `(3,)` is multiplied by `b` of shape `(2, 3)`, numpy broadcasts `a` to
# `(2, 3)`: each element of `a` is used twice. Its gradient must therefore add up the
# contributions of every place it was copied to, and have `a`'s shape `(3,)` again.
#
# Write `unbroadcast(grad, shape)`: sum `grad` over the leading dimensions that broadcasting
# added, then over the dimensions where `shape` has size 1 but `grad` does not (keeping them,
# `keepdim=True`). `grad.sum(dim=(0, 2), keepdim=True)` sums several dimensions at once.


# %% [solution] id=unbroadcast
def unbroadcast(grad, shape):
    ### BEGIN SOLUTION
    lead = grad.dim() - len(shape)
    if lead > 0:
        grad = grad.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad
    ### END SOLUTION


# %% [tests] id=test_unbroadcast
check("unbroadcast", unbroadcast)
### BEGIN HIDDEN TESTS
check("unbroadcast", unbroadcast, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Two-input functions
#
# `Mul` and `Div` take two tensors whose shapes may differ but broadcast together. Return one
# gradient per input, each with *that input's* shape: use your `unbroadcast`.


# %% [solution] id=mul
class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a * b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        return unbroadcast(grad_output * b, a.shape), unbroadcast(grad_output * a, b.shape)
        ### END SOLUTION


# %% [tests] id=test_mul
check("mul", Mul)
### BEGIN HIDDEN TESTS
check("mul", Mul, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=div
class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a / b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        grad_a = grad_output / b
        grad_b = -grad_output * a / (b * b)
        return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)
        ### END SOLUTION


# %% [tests] id=test_div
check("div", Div)
### BEGIN HIDDEN TESTS
check("div", Div, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Try it
#
# Your functions plug into minigrad's engine like its own: `Mul.apply(a, b)` records a node,
# and `.backward()` calls your backward. Compare with minigrad's result:

# %% id=try
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
Mul.apply(a, Sigmoid.apply(b)).sum().backward()
print(a.grad)
print(b.grad)
