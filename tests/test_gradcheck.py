"""gradcheck / gradgradcheck: they pass for correct ops (float64, full Jacobians) and catch wrong
backwards, including mistakes a ``sum()``-based check would miss."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as torch
from minigrad.autograd import Function, GradcheckError, gradcheck, gradgradcheck


def rand(*shape, requires_grad: bool = True, seed: int = 0) -> torch.Tensor:
    data = np.random.default_rng(seed).uniform(-1.5, 1.5, shape)
    return torch.tensor(data, dtype=torch.float64, requires_grad=requires_grad)


def permuted(rows: int, cols: int, seed: int = 0) -> torch.Tensor:
    """A non-contiguous float64 leaf (a transpose), which finite differences must perturb too."""
    t = rand(cols, rows, requires_grad=False, seed=seed).t().requires_grad_()
    assert not t.is_contiguous()
    return t


# ----- correct ops pass -------------------------------------------------------------------------

CORRECT = {
    "mm_tanh": (lambda a, b: (a @ b).tanh(), lambda: (rand(2, 3), rand(3, 4, seed=1))),
    "softmax": (lambda a: torch.softmax(a, 1), lambda: (rand(3, 4),)),
    "log_softmax": (lambda a: torch.log_softmax(a, 0), lambda: (rand(3, 4),)),
    "broadcast_mul_add": (lambda a, b: a * b + b, lambda: (rand(2, 3), rand(3, seed=1))),
    "div_exp": (lambda a, b: a.exp() / (b * b + 1), lambda: (rand(2, 1), rand(1, 3, seed=1))),
    "sum_dims": (lambda a: (a * a).sum(dim=(0, 2)), lambda: (rand(2, 3, 2),)),
    "mean_keepdim": (lambda a: a.sin().mean(1, keepdim=True), lambda: (rand(3, 4),)),
    "max_dim": (lambda a: a.max(1).values, lambda: (rand(3, 4),)),
    "sigmoid_pow": (lambda a: a.sigmoid() ** 3, lambda: (rand(5),)),
    "permuted_input": (lambda a, b: a @ b, lambda: (permuted(2, 3), permuted(3, 2, seed=1))),
    "index_and_view": (lambda a: a[1:, ::2].reshape(-1) * a[0, 0], lambda: (rand(3, 4),)),
    "cat_stack": (
        lambda a, b: torch.stack([torch.cat([a, b]), torch.cat([b, a])]),
        lambda: (rand(3), rand(3, seed=1)),
    ),
}


@pytest.mark.parametrize("case", CORRECT.values(), ids=CORRECT.keys())
def test_gradcheck_passes_for_correct_ops(case):
    fn, make = case
    assert gradcheck(fn, make()) is True


@pytest.mark.parametrize(
    "fn, make",
    [
        (lambda a, b: (a @ b).tanh(), lambda: (rand(2, 3), rand(3, 2, seed=1))),
        (lambda a: a**3, lambda: (rand(4),)),
        (lambda a: torch.softmax(a, 1), lambda: (rand(2, 3),)),
        (lambda a: a.sigmoid() * a.exp(), lambda: (rand(4),)),
        (lambda a, b: (a * b).sum() * a, lambda: (rand(3), rand(3, seed=1))),
        (lambda a: a.t() @ a, lambda: (permuted(3, 2),)),
    ],
    ids=["mm_tanh", "cube", "softmax", "sigmoid_exp", "sum_times", "gram_permuted"],
)
def test_gradgradcheck_passes_for_correct_ops(fn, make):
    assert gradgradcheck(fn, make()) is True


def test_gradcheck_with_inputs_that_need_no_grad_and_non_tensor_args():
    a = rand(2, 3)
    b = rand(2, 3, requires_grad=False, seed=1)
    assert gradcheck(lambda x, y, k: (x * y) ** k, (a, b, 2)) is True


def test_gradcheck_with_several_outputs():
    assert gradcheck(lambda a: (a.exp(), a.sum(), a * 2), (rand(2, 2),)) is True
    assert gradcheck(lambda a: a.split(1, 1), (rand(2, 3),)) is True


def test_gradcheck_leaves_inputs_unchanged():
    a = permuted(2, 3)
    before = a.detach().clone()
    gradcheck(lambda x: x.exp(), (a,))
    assert a.tolist() == before.tolist() and a.grad is None


def test_gradcheck_warns_for_float32():
    a = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.5, 1.0], requires_grad=True)
    with pytest.warns(UserWarning) as record:
        gradcheck(lambda x, y: x * y, (a, b), atol=1e-2, rtol=1e-2)
    assert str(record[0].message) == (
        "Input #1 requires gradient and is not a double precision floating point or complex. "
        "This check will likely fail if all the inputs are not of double precision floating "
        "point or complex. "
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradcheck(lambda x: x * x, (a,))  # no warning for float64


# ----- wrong backwards fail ---------------------------------------------------------------------


class SquareTwiceTooBig(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 4 * x * grad  # should be 2 * x * grad


class MatmulMissingTranspose(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad @ b, a.t() @ grad  # grad @ b.t() is right; square shapes hide the mistake


class SoftmaxWrongBackward(Function):
    """Forgets the cross term: right on the diagonal's sum, so a sum() check passes."""

    @staticmethod
    def forward(ctx, x):
        s = torch.softmax(x, 0)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        return s * (grad - grad.mean())  # should be s * (grad - (grad * s).sum())


class SignError(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -x.cos() * grad


WRONG = {
    "factor_2": (SquareTwiceTooBig.apply, lambda: (rand(2, 3),), 0),
    "missing_transpose": (
        MatmulMissingTranspose.apply,
        lambda: (rand(3, 3), rand(3, 3, seed=1)),
        0,
    ),
    "softmax_cross_term": (SoftmaxWrongBackward.apply, lambda: (rand(4),), 0),
    "sign": (SignError.apply, lambda: (rand(3),), 0),
}


@pytest.mark.parametrize("case", WRONG.values(), ids=WRONG.keys())
def test_gradcheck_fails_for_wrong_backward(case):
    fn, make, bad_input = case
    assert gradcheck(fn, make(), raise_exception=False) is False
    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, make())
    assert isinstance(info.value, RuntimeError)
    text = str(info.value)
    assert text.startswith(f"Jacobian mismatch for output 0 with respect to input {bad_input},\n")
    assert "numerical:" in text and "analytical:" in text


def test_wrong_softmax_backward_passes_a_sum_check_but_not_gradcheck():
    x = rand(4)
    (wrong,) = torch.autograd.grad(SoftmaxWrongBackward.apply(x).sum(), x)
    (right,) = torch.autograd.grad(torch.softmax(x, 0).sum(), x)
    np.testing.assert_allclose(wrong.numpy(), right.numpy(), atol=1e-12)  # both ~0
    assert gradcheck(SoftmaxWrongBackward.apply, (x,), raise_exception=False) is False


def test_gradcheck_fails_on_second_input_only():
    class BadSecond(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return grad * b, grad * b  # second should be grad * a

    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(BadSecond.apply, (rand(3), rand(3, seed=1)))


def test_wrong_gradient_shape_raises_the_engine_error():
    class TransposedGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return (grad * 2).t()

    with pytest.raises(RuntimeError) as info:
        gradcheck(TransposedGrad.apply, (rand(2, 3),), raise_exception=False)
    assert str(info.value) == (
        "Function TransposedGradBackward returned an invalid gradient at index 0 - got [3, 2] "
        "but expected shape compatible with [2, 3]"
    )
    assert not isinstance(info.value, GradcheckError)


# ----- gradgradcheck catches wrong double backward -------------------------------------------


class CubeConstantBackward(Function):
    """Right first derivative, computed in numpy: its own derivative is lost (treated as 0)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * torch.tensor(3 * x.detach().numpy() ** 2)


class CubeAbsBackward(Function):
    """A backward written differently (|x|^2 for x^2) but with the same derivatives for x != 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x.abs() * x.abs()


class TanhDetachedSecond(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.tanh()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y.detach() ** 2)  # y detached: the second derivative is lost


@pytest.mark.parametrize(
    "fn",
    [CubeConstantBackward.apply, TanhDetachedSecond.apply],
    ids=["numpy_backward", "detached_saved_output"],
)
def test_gradgradcheck_catches_wrong_double_backward(fn):
    x = rand(2, 3)
    assert gradcheck(fn, (x,)) is True  # first derivatives are right
    assert gradgradcheck(fn, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(fn, (x,))


def test_gradgradcheck_accepts_equivalent_double_backward():
    x = rand(2, 3)  # no element at 0, where |x| has its kink
    assert gradgradcheck(CubeAbsBackward.apply, (x,)) is True


def test_gradgradcheck_with_explicit_grad_outputs():
    x = rand(3)
    go = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    assert gradgradcheck(lambda a: a.sin() * a, (x,), (go,)) is True
    assert gradgradcheck(CubeConstantBackward.apply, (x,), (go,), raise_exception=False) is False


def test_gradcheck_equals_pytorch_verdicts():
    ref = pytest.importorskip("torch")

    def verdicts(mod):
        a = mod.tensor([[0.3, -1.2], [0.5, 0.7]], dtype=mod.float64, requires_grad=True)
        b = mod.tensor([[0.1, 0.2], [0.3, -0.5]], dtype=mod.float64, requires_grad=True)
        check = mod.autograd.gradcheck
        return [
            check(lambda x, y: (x @ y).tanh(), (a, b), raise_exception=False),
            check(lambda x: x * x, (a,), raise_exception=False),
            check(lambda x: (x.detach() * 2).requires_grad_(), (a,), raise_exception=False),
        ]

    assert verdicts(torch) == verdicts(ref)
