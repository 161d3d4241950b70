# ruff: noqa: E501 - RECIPES is a table, one op per entry
"""Coverage guard: no public op may silently bypass autograd.

Every public function of ``minigrad`` and every Tensor method is either called here on an input
that requires grad (and, when it returns a float tensor, must return one with a ``grad_fn``), or
is listed below as not differentiable / not an op, with the reason. A new op that is in neither
place fails ``test_every_public_op_is_classified``.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad._tensor_methods import METHODS

# name -> f(x, y, m, v): x (3, 4), y (3, 4), m (4, 2), v (4,) float64 tensors requiring grad
RECIPES = {
    "abs": lambda x, y, m, v: x.abs(), "absolute": lambda x, y, m, v: x.absolute(),
    "add": lambda x, y, m, v: x.add(y), "sub": lambda x, y, m, v: x.sub(y),
    "subtract": lambda x, y, m, v: x.subtract(y), "mul": lambda x, y, m, v: x.mul(y),
    "multiply": lambda x, y, m, v: x.multiply(y), "div": lambda x, y, m, v: x.div(y),
    "divide": lambda x, y, m, v: x.divide(y), "true_divide": lambda x, y, m, v: x.true_divide(y),
    "pow": lambda x, y, m, v: x.pow(2), "square": lambda x, y, m, v: x.square(),
    "neg": lambda x, y, m, v: x.neg(), "negative": lambda x, y, m, v: x.negative(),
    "reciprocal": lambda x, y, m, v: x.reciprocal(), "remainder": lambda x, y, m, v: x % 2.0,
    "sqrt": lambda x, y, m, v: x.sqrt(), "rsqrt": lambda x, y, m, v: x.rsqrt(),
    "exp": lambda x, y, m, v: x.exp(), "log": lambda x, y, m, v: x.log(),
    "log1p": lambda x, y, m, v: x.log1p(), "sin": lambda x, y, m, v: x.sin(),
    "cos": lambda x, y, m, v: x.cos(), "tanh": lambda x, y, m, v: x.tanh(),
    "sigmoid": lambda x, y, m, v: x.sigmoid(), "relu": lambda x, y, m, v: x.relu(),
    "leaky_relu": lambda x, y, m, v: mg.leaky_relu(x), "sign": lambda x, y, m, v: x.sign(),
    "clamp": lambda x, y, m, v: x.clamp(0.2, 0.8), "clip": lambda x, y, m, v: x.clip(0.2, 0.8),
    "clamp_min": lambda x, y, m, v: x.clamp_min(0.5), "clamp_max": lambda x, y, m, v: x.clamp_max(0.5),
    "where": lambda x, y, m, v: mg.where(x > 0.5, x, y),
    "maximum": lambda x, y, m, v: x.maximum(y), "minimum": lambda x, y, m, v: x.minimum(y),
    "masked_fill": lambda x, y, m, v: x.masked_fill(x > 0.5, 0.0),
    "sum": lambda x, y, m, v: x.sum(1), "mean": lambda x, y, m, v: x.mean(0),
    "max": lambda x, y, m, v: x.max(1).values, "min": lambda x, y, m, v: x.min(),
    "softmax": lambda x, y, m, v: x.softmax(1), "log_softmax": lambda x, y, m, v: x.log_softmax(0),
    "logsumexp": lambda x, y, m, v: x.logsumexp(1), "var": lambda x, y, m, v: x.var(1),
    "std": lambda x, y, m, v: x.std(), "matmul": lambda x, y, m, v: x.matmul(m),
    "mm": lambda x, y, m, v: x.mm(m), "mv": lambda x, y, m, v: x.mv(v),
    "dot": lambda x, y, m, v: v.dot(v), "bmm": lambda x, y, m, v: x.unsqueeze(0).bmm(m.unsqueeze(0)),
    "outer": lambda x, y, m, v: v.outer(v), "view": lambda x, y, m, v: x.view(12),
    "view_as": lambda x, y, m, v: x.view_as(y), "reshape": lambda x, y, m, v: x.reshape(4, 3),
    "reshape_as": lambda x, y, m, v: x.reshape_as(y), "flatten": lambda x, y, m, v: x.flatten(),
    "unflatten": lambda x, y, m, v: x.unflatten(1, (2, 2)), "t": lambda x, y, m, v: x.t(),
    "transpose": lambda x, y, m, v: x.transpose(0, 1), "swapaxes": lambda x, y, m, v: x.swapaxes(0, 1),
    "permute": lambda x, y, m, v: x.permute(1, 0), "squeeze": lambda x, y, m, v: x.unsqueeze(0).squeeze(),
    "unsqueeze": lambda x, y, m, v: x.unsqueeze(1), "expand": lambda x, y, m, v: v.expand(2, 4),
    "expand_as": lambda x, y, m, v: v.expand_as(x), "broadcast_to": lambda x, y, m, v: v.broadcast_to((3, 4)),
    "split": lambda x, y, m, v: x.split(2)[0], "chunk": lambda x, y, m, v: x.chunk(2, 1)[1],
    "unbind": lambda x, y, m, v: x.unbind(1)[2], "clone": lambda x, y, m, v: x.clone(),
    "contiguous": lambda x, y, m, v: x.t().contiguous(), "to": lambda x, y, m, v: x.to(mg.float32),
    "float": lambda x, y, m, v: x.float(), "double": lambda x, y, m, v: x.float().double(),
    "type_as": lambda x, y, m, v: x.type_as(m.float()), "cpu": lambda x, y, m, v: x.cpu() * 1,
    "select": lambda x, y, m, v: x.select(1, 2), "index_select": lambda x, y, m, v: x.index_select(0, mg.tensor([2, 0])),
    "narrow": lambda x, y, m, v: x.narrow(1, 1, 2), "cat": lambda x, y, m, v: mg.cat([x, y]),
    "concat": lambda x, y, m, v: mg.concat([x, y], 1), "concatenate": lambda x, y, m, v: mg.concatenate([x, y]),
    "stack": lambda x, y, m, v: mg.stack([x, y]),
    "__abs__": lambda x, y, m, v: abs(x), "__add__": lambda x, y, m, v: x + y,
    "__radd__": lambda x, y, m, v: 1 + x, "__sub__": lambda x, y, m, v: x - y,
    "__rsub__": lambda x, y, m, v: 1 - x, "__mul__": lambda x, y, m, v: x * y,
    "__rmul__": lambda x, y, m, v: 2 * x, "__truediv__": lambda x, y, m, v: x / y,
    "__rtruediv__": lambda x, y, m, v: 2 / x, "__pow__": lambda x, y, m, v: x ** y,
    "__rpow__": lambda x, y, m, v: 2 ** x, "__neg__": lambda x, y, m, v: -x,
    "__pos__": lambda x, y, m, v: +(x * 1), "__matmul__": lambda x, y, m, v: x @ m,
    "__rmatmul__": lambda x, y, m, v: v.__rmatmul__(x), "__mod__": lambda x, y, m, v: x % 0.7,
    "__getitem__": lambda x, y, m, v: x[1:, [0, 2]],
    "__setitem__": lambda x, y, m, v: _setitem(x * 1, y),
    "__iadd__": lambda x, y, m, v: _iop(x, y, "__iadd__"), "__isub__": lambda x, y, m, v: _iop(x, y, "__isub__"),
    "__imul__": lambda x, y, m, v: _iop(x, y, "__imul__"), "__itruediv__": lambda x, y, m, v: _iop(x, y, "__itruediv__"),
    "__ipow__": lambda x, y, m, v: _iop(x, 2.0, "__ipow__"),
    "copy_": lambda x, y, m, v: mg.zeros(3, 4, dtype=mg.float64).copy_(y),
    "fill_": lambda x, y, m, v: (x * 1).fill_(v[0]),
}  # fmt: skip
INPLACE_ON_NONLEAF = [
    "add_", "sub_", "mul_", "div_", "pow_", "neg_", "abs_", "exp_", "log_", "sqrt_", "sin_",
    "cos_", "tanh_", "sigmoid_", "relu_", "sign_", "reciprocal_", "clamp_", "clip_",
    "masked_fill_", "zero_", "uniform_", "normal_",
]  # fmt: skip
INPLACE_ARGS = {
    "add_": ("y",),
    "sub_": ("y",),
    "mul_": ("y",),
    "div_": ("y",),
    "pow_": (2,),
    "clamp_": (0.2, 0.8),
    "clip_": (0.2, 0.8),
    "masked_fill_": ("mask", 0.0),
}

ZERO_DERIVATIVE = {"sign"}  # differentiable, with derivative 0 everywhere it exists

# Not differentiable in PyTorch either (integer/bool results or piecewise-constant), or not
# ops at all (factories, settings, predicates). Each returns no float tensor with history.
NOT_DIFFERENTIABLE = {
    # comparisons and logic give bool tensors
    "eq", "ne", "gt", "ge", "lt", "le", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "__eq__", "__ne__", "__gt__", "__ge__", "__lt__", "__le__", "__and__", "__or__",
    "__xor__", "__invert__", "logical_and", "logical_not", "logical_or", "isnan", "isinf",
    "isfinite", "isclose", "all", "any", "argmax", "argmin",
    # Python results
    "equal", "allclose", "numel", "is_floating_point", "is_tensor", "is_grad_enabled",
    "is_inference_mode_enabled", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
    "set_detect_anomaly", "get_default_dtype", "get_printoptions", "result_type",
    "promote_types",
    # integer division has no derivative (PyTorch: floor_divide is not differentiable)
    "floor_divide", "__floordiv__", "__rfloordiv__", "__rmod__",
    # integer and bool casts
    "long", "int", "bool",
    # factories and settings: they make leaves
    "arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
    "linspace", "manual_seed", "normal", "ones", "ones_like", "rand", "rand_like", "randint",
    "randn", "randn_like", "randperm", "seed", "set_default_dtype", "set_printoptions",
    "tensor", "zeros", "zeros_like", "new_empty", "new_full", "new_ones", "new_tensor",
    "new_zeros",
    # device moves and autograd itself
    "cuda", "backward",
}  # fmt: skip


def _setitem(t: mg.Tensor, y: mg.Tensor) -> mg.Tensor:
    t[0] = y[1]
    return t


def _iop(x: mg.Tensor, y: object, name: str) -> mg.Tensor:
    t = x * 1
    return getattr(t, name)(y)


def _public_functions() -> set[str]:
    return {
        n
        for n in dir(mg)
        if not n.startswith("_")
        and callable(getattr(mg, n))
        and not inspect.isclass(getattr(mg, n))
        and not inspect.ismodule(getattr(mg, n))
    }


def _inputs() -> tuple[mg.Tensor, ...]:
    rng = np.random.default_rng(0)

    def leaf(*shape: int) -> mg.Tensor:
        return mg.tensor(rng.uniform(0.1, 0.9, shape), requires_grad=True)

    return leaf(3, 4), leaf(3, 4), leaf(4, 2), leaf(4)


def test_every_public_op_is_classified() -> None:
    names = _public_functions() | set(METHODS)
    known = set(RECIPES) | set(INPLACE_ON_NONLEAF) | NOT_DIFFERENTIABLE
    missing = sorted(names - known)
    assert not missing, f"classify these ops in tests/test_coverage_guard.py: {missing}"


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_differentiable_op_records_history(name: str) -> None:
    x, y, m, v = _inputs()
    out = RECIPES[name](x, y, m, v)
    assert isinstance(out, mg.Tensor) and out.dtype.is_floating_point
    assert out.requires_grad and out.grad_fn is not None, f"{name} lost the graph"
    # and the history really reaches the leaves: some input gets a nonzero gradient
    upstream = mg.tensor(np.random.default_rng(1).standard_normal(out.shape), dtype=out.dtype)
    out.backward(upstream)
    grads = [t.grad for t in (x, y, m, v) if t.grad is not None]
    assert grads, f"{name}: no gradient arrived"
    if name in ZERO_DERIVATIVE:
        assert all(not bool((g != 0).any()) for g in grads)
    else:
        assert any(bool((g != 0).any()) for g in grads), f"{name}: only zero gradients arrived"


@pytest.mark.parametrize("name", INPLACE_ON_NONLEAF)
def test_inplace_op_on_nonleaf_records_history(name: str) -> None:
    x, y, _, _ = _inputs()
    t = x * 1
    args = tuple(y if a == "y" else (x > 0.5) if a == "mask" else a
                 for a in INPLACE_ARGS.get(name, ()))  # fmt: skip
    out = getattr(t, name)(*args)
    assert out is t and t.grad_fn is not None and t.requires_grad
    assert t._version.value == 1


@pytest.mark.parametrize("name", sorted(NOT_DIFFERENTIABLE & set(METHODS)))
def test_not_differentiable_methods_exist(name: str) -> None:
    assert callable(getattr(mg.Tensor, name))
