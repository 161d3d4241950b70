"""The backward engine (SPEC §3, ARCHITECTURE §2): iterative order, one run per node per pass,
accumulation only into leaves, freeing, hooks and ``autograd.grad`` with higher derivatives."""

from __future__ import annotations

import gc
import math
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest

import minigrad as torch
from minigrad.autograd import Function

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)
NON_LEAF_GRAD = "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed"


def f64(values, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def assert_close(t: torch.Tensor, expected, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    np.testing.assert_allclose(t.detach().numpy(), np.asarray(expected), rtol=rtol, atol=atol)


# ----- order, recursion, fan-out --------------------------------------------------------------


def test_chain_of_100000_ops_has_no_recursion_limit_and_analytic_gradient():
    x = f64([2.0])
    y = x[0]
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001
    y.backward()
    # y_n = a^n x + c (a^n - 1) / (a - 1), so dy/dx = a^n
    assert x.grad.shape == (1,)
    assert math.isclose(x.grad.item(), 1.0001**100_000, rel_tol=1e-9)
    assert math.isclose(y.item(), 1.0001**100_000 * 3.0 - 1.0, rel_tol=1e-9)


def test_wide_diamond_fan_out_fan_in():
    x = f64([0.5, -1.5, 2.0])
    h = x * 2.0  # one node feeding 200 branches, joined again by a sum chain
    total = h * 0.0
    for k in range(1, 201):
        total = total + h * float(k)
    total.sum().backward()
    assert_close(x.grad, [2.0 * sum(range(1, 201))] * 3)


class CountingIdentity(Function):
    """Identity whose backward counts its calls and records the gradient it received."""

    calls: list[np.ndarray] = []

    @staticmethod
    def forward(ctx, x):
        return x.detach().numpy().copy()

    @staticmethod
    def backward(ctx, grad):
        CountingIdentity.calls.append(grad.detach().numpy().copy())
        return grad


def test_each_node_runs_once_per_pass_with_the_summed_gradient():
    CountingIdentity.calls = []
    x = f64([1.0, 2.0])
    c = CountingIdentity.apply(x)
    # diamond: c feeds four branches of different depth that meet again
    a = c * 2.0
    b = (c * 3.0).exp().log()
    d = c + c
    e = (c * 1.0) * (c * 1.0)
    out = (a + b + d + e).sum()
    out.backward(retain_graph=True)
    assert len(CountingIdentity.calls) == 1
    np.testing.assert_allclose(
        CountingIdentity.calls[0], [2 + 3 + 2 + 2 * 1.0, 2 + 3 + 2 + 2 * 2.0]
    )
    assert_close(x.grad, [9.0, 11.0])
    out.backward()
    assert len(CountingIdentity.calls) == 2  # once more per extra pass
    assert_close(x.grad, [18.0, 22.0])


def test_node_runs_after_all_its_consumers():
    """Dependency order: a node runs only when every node that sends it a gradient has run."""
    order = []
    x = f64([1.0])
    a = x * 2.0
    b = a * 3.0
    c = a + b  # a has two consumers: c's node and b's node
    a.grad_fn.register_prehook(lambda g: order.append("a"))
    b.grad_fn.register_prehook(lambda g: order.append("b"))
    c.grad_fn.register_prehook(lambda g: order.append("c"))
    c.backward(torch.ones(1, dtype=torch.float64))
    assert order == ["c", "b", "a"]
    assert_close(x.grad, [8.0])


def _hook_order(mod):
    """Firing order of tensor hooks, node pre-hooks and node hooks on a small graph."""
    order = []
    x = mod.tensor([1.0, 2.0], requires_grad=True)
    w = mod.tensor([0.5, -1.0], requires_grad=True)
    a = x * 2
    b = x * w
    c = a + b
    d = a * b
    e = (c + d.exp()).sum()
    named = [("x", x), ("w", w), ("a", a), ("b", b), ("c", c), ("d", d), ("e", e)]
    for n, t in named:
        t.register_hook(lambda g, n=n: order.append(n))
    for n, t in named[2:]:
        t.grad_fn.register_prehook(lambda g, n=n: order.append("pre-" + n))
        t.grad_fn.register_hook(lambda gi, go, n=n: order.append("post-" + n))
    e.backward()
    return order, x.grad.tolist(), w.grad.tolist()


def test_hook_and_node_order_newest_first():
    order, gx, gw = _hook_order(torch)
    # PyTorch 2.13's order: ready nodes run newest first; w's AccumulateGrad was created with b
    assert order == [
        "e", "pre-e", "post-e", "d", "pre-d", "post-d", "c", "pre-c", "post-c",
        "b", "pre-b", "post-b", "w", "a", "pre-a", "post-a", "x",
    ]  # fmt: skip
    # e = sum(2x + xw + exp(2x * xw)); gradient checked by hand
    xs, ws = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    ex = np.exp(2 * xs * xs * ws)
    np.testing.assert_allclose(gx, 2 + ws + ex * 4 * xs * ws, rtol=1e-5)
    np.testing.assert_allclose(gw, xs + ex * 2 * xs * xs, rtol=1e-5)


def test_hook_order_equals_pytorch():
    ref = pytest.importorskip("torch")
    mine, gx, gw = _hook_order(torch)
    theirs, tgx, tgw = _hook_order(ref)
    assert mine == theirs
    np.testing.assert_allclose(gx, tgx, rtol=1e-6)
    np.testing.assert_allclose(gw, tgw, rtol=1e-6)


# ----- accumulation into leaves ---------------------------------------------------------------


def test_only_leaves_get_grad_and_non_leaf_access_warns():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = (y * y).sum()
    z.backward()
    assert x.grad.tolist() == [18.0, 36.0]
    with pytest.warns(UserWarning, match=NON_LEAF_GRAD):
        assert y.grad is None
    with pytest.warns(UserWarning, match="use .retain_grad\\(\\) on the non-leaf Tensor"):
        assert z.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a leaf's .grad does not warn, not even when None
        assert torch.tensor([1.0], requires_grad=True).grad is None


def test_retain_grad_keeps_non_leaf_grad_and_accumulates():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    z = (y * y).sum()
    z.backward(retain_graph=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.tolist() == [4.0, 8.0]
    assert y.grad.requires_grad is False and y.grad.grad_fn is None
    z.backward()
    assert y.grad.tolist() == [8.0, 16.0]
    assert x.grad.tolist() == [16.0, 32.0]


def test_grads_accumulate_and_can_be_reset():
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [4.0, -2.0]
    assert x.grad is g  # accumulated in place, as PyTorch does without create_graph
    x.grad.zero_()
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]
    x.grad = None
    (x * 7).sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]


def test_leaf_used_twice_gets_both_contributions():
    x = torch.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad.item() == 7.0


def test_grad_is_plain_tensor_with_input_dtype_and_shape():
    a = f64([[1.0, 2.0, 3.0]])  # float64 leaf, broadcast against float32
    b = torch.tensor([[1.0], [2.0]], requires_grad=True)
    out = a * b
    assert out.dtype == torch.float64
    out.sum().backward()
    assert a.grad.dtype == torch.float64 and a.grad.shape == (1, 3)
    assert b.grad.dtype == torch.float32 and b.grad.shape == (2, 1)
    assert a.grad.tolist() == [[3.0, 3.0, 3.0]]
    assert b.grad.tolist() == [[6.0], [6.0]]
    for g in (a.grad, b.grad):
        assert type(g) is torch.Tensor
        assert g.requires_grad is False and g.grad_fn is None and g.is_leaf


def test_upstream_gradient_is_cast_to_the_output_dtype():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.backward(torch.ones(2, dtype=torch.float64))
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [1.0, 1.0]
    (x * 2).backward(torch.tensor([1.0, 3.0], dtype=torch.float64))
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [3.0, 7.0]


# ----- retain_graph and freeing -----------------------------------------------------------------


def test_retain_graph_allows_a_second_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: (x * 2).sum(),
        lambda x: (x / 3).sum(),
        lambda x: (x**2).sum(),
        lambda x: x.exp().sum(),
        lambda x: x.tanh().sum(),
        lambda x: x.sigmoid().sum(),
        lambda x: x.relu().sum(),
        lambda x: x.max(),
        lambda x: x @ x,
        lambda x: torch.softmax(x, 0)[0],
    ],
    ids=["mul", "div", "pow", "exp", "tanh", "sigmoid", "relu", "max", "dot", "softmax"],
)
def test_second_backward_through_saved_tensors_fails_and_keeps_grad(fn):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    y = fn(x)
    y.backward()
    first = x.grad.clone()
    with pytest.raises(RuntimeError) as info:
        y.backward()
    assert str(info.value) == FREED
    assert x.grad.tolist() == first.tolist()


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: (x + 1).sum(),
        lambda x: (x - x).sum(),
        lambda x: (1 - x).sum(),
        lambda x: (-x).sum(),
        lambda x: x.mean(),
        lambda x: x.view(2, 1).reshape(2).sum(),
        lambda x: x.clone().sum(),
        lambda x: torch.cat([x, x]).sum(),
        lambda x: torch.stack([x, x]).sum(0).sum(),
        lambda x: x[0] + x[1:].sum(),
        lambda x: x.unsqueeze(0).t().expand(2, 3).sum(),
    ],
    ids=["add", "sub", "rsub", "neg", "mean", "view", "clone", "cat", "stack", "index", "expand"],
)
def test_graphs_without_saved_tensors_run_backward_twice(fn):
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    y = fn(x)
    y.backward()
    first = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy())


def test_graph_is_freed_after_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x.exp()
    b = a * x
    nodes = [b.grad_fn, a.grad_fn]
    assert all(n._saved for n in nodes)
    b.sum().backward()
    assert [n._saved for n in nodes] == [None, None]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        b.grad_fn.saved_tensors  # noqa: B018


def test_retain_graph_keeps_saved_tensors():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.sum().backward(retain_graph=True)
    (saved,) = {id(t): t for t in y.grad_fn.saved_tensors}.values()
    assert saved.tolist() == [1.0, 2.0]


# ----- backward() argument checks ---------------------------------------------------------------


def test_backward_gradient_shape_mismatch_message():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        (x * 2).backward(torch.ones(3))
    assert str(info.value) == (
        "Mismatch in shape: grad_output[0] has a shape of minigrad.Size([3]) and output[0] has "
        "a shape of minigrad.Size([2])."
    )
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(torch.ones(1))  # no broadcasting of the upstream gradient
    assert x.grad is None


def test_backward_of_non_scalar_needs_a_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        (x * 2).backward()
    assert str(info.value) == "grad can be implicitly created only for scalar outputs"
    (x * 2).backward(torch.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_one_element_tensors_count_as_scalar(shape):
    x = torch.full(shape, 3.0, requires_grad=True)
    (x * x).backward()
    assert x.grad.shape == shape and x.grad.item() == 6.0


def test_backward_of_tensor_without_grad_fn():
    with pytest.raises(RuntimeError) as info:
        torch.tensor([1.0]).sum().backward()
    assert str(info.value) == (
        "element 0 of tensors does not require grad and does not have a grad_fn"
    )


def test_backward_inputs_accumulates_only_into_them():
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 3.0 and b.grad is None
    (a * b).backward(inputs=[b])
    assert a.grad.item() == 3.0 and b.grad.item() == 2.0
    (a * b).backward(inputs=[a, b])
    assert a.grad.item() == 6.0 and b.grad.item() == 4.0


def test_backward_inputs_non_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    (y**2).sum().backward(inputs=[y])
    assert y.grad.tolist() == [6.0, 12.0]
    assert x.grad is None


def test_torch_autograd_backward_with_several_roots():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.backward([x * 2, (x * x).sum()], [torch.tensor([1.0, 0.5]), None])
    assert x.grad.tolist() == [4.0, 5.0]


def test_wrong_gradient_shape_from_a_backward_is_an_error():
    """A transposed gradient of the same size must not be reshaped into place silently."""

    class MissingTranspose(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a.detach().numpy() @ b.detach().numpy()

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g @ b.t(), g.t() @ a  # should be a.t() @ g

    a = torch.ones(2, 3, requires_grad=True)
    b = torch.ones(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        MissingTranspose.apply(a, b).sum().backward()
    assert str(info.value) == (
        "Function MissingTransposeBackward returned an invalid gradient at index 1 - got [2, 3] "
        "but expected shape compatible with [3, 2]"
    )


# ----- memory -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_training_steps_do_not_grow_memory():
    torch.manual_seed(0)
    x, y = torch.randn(8, 3), torch.randn(8, 1)
    w = torch.randn(3, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)

    def step():
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(0.05 * w.grad)
            b.sub_(0.05 * b.grad)
        w.grad = None
        b.grad = None
        return loss

    first = step().item()
    for _ in range(200):
        step()
    gc.collect()
    gc.freeze()  # collections skip what other tests loaded (PyTorch is 160,000 objects)
    try:
        objects_before = len(gc.get_objects())
        for _ in range(9_000):  # untraced: tracemalloc slows every allocation down
            step()
        gc.collect()
        new_objects = len(gc.get_objects()) - objects_before
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1_000):
            last = step()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    assert new_objects < 50  # no nodes or tensors pile up
    assert grown < 16 * 1024  # a leak of 16 bytes a step would show
    assert last.item() < first  # the steps did train


def test_graph_is_collected_when_output_is_dropped():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    ref = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert ref() is None


# ----- autograd.grad ----------------------------------------------------------------------------


def test_grad_returns_tuple_and_leaves_dot_grad_alone():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    x.grad = torch.tensor([100.0, 100.0])
    result = torch.autograd.grad((x * w).sum(), [x, w])
    assert isinstance(result, tuple) and len(result) == 2
    assert result[0].tolist() == [3.0, 4.0] and result[1].tolist() == [1.0, 2.0]
    assert x.grad.tolist() == [100.0, 100.0] and w.grad is None
    assert result[0].requires_grad is False


def test_grad_frees_the_graph():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    torch.autograd.grad(y, x)
    with pytest.raises(RuntimeError) as info:
        torch.autograd.grad(y, x)
    assert str(info.value) == FREED


def test_grad_unused_input():
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        torch.autograd.grad(x * 2, [x, y])
    assert str(info.value) == (
        "The differentiated Tensor at index 1 appears to not have been used in the graph. Set "
        "allow_unused=True if this is the desired behavior."
    )
    gx, gy = torch.autograd.grad(x * 2, [x, y], allow_unused=True)
    assert gx.item() == 2.0 and gy is None
    gx, gy = torch.autograd.grad(x * 2, [x, y], materialize_grads=True)
    assert gx.item() == 2.0 and gy.item() == 0.0


def test_grad_of_non_leaf_inputs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    gy, gx = torch.autograd.grad((y**2).sum(), [y, x])
    assert gy.tolist() == [6.0, 12.0]
    assert gx.tolist() == [18.0, 36.0]
    assert x.grad is None


def test_grad_with_grad_outputs():
    x = f64([1.0, 2.0, 3.0])
    (g,) = torch.autograd.grad(x * x, x, grad_outputs=f64([1.0, 0.0, -1.0], False))
    assert g.tolist() == [2.0, 0.0, -6.0]


def test_create_graph_second_and_third_derivative_of_cube():
    x = torch.tensor(2.0, requires_grad=True)
    (g1,) = torch.autograd.grad(x**3, x, create_graph=True)
    assert g1.item() == 12.0 and g1.requires_grad
    assert g1.grad_fn.name() == "MulBackward0"
    assert repr(g1) == "tensor(12., grad_fn=<MulBackward0>)"
    (g2,) = torch.autograd.grad(g1, x, create_graph=True)
    assert g2.item() == 12.0 and g2.grad_fn is not None
    (g3,) = torch.autograd.grad(g2, x)
    assert g3.item() == 6.0 and g3.grad_fn is None
    assert x.grad is None


@pytest.mark.parametrize(
    "f, d1, d2, d3",
    [
        (
            lambda x: x.sin() * x,
            lambda x: np.cos(x) * x + np.sin(x),
            lambda x: 2 * np.cos(x) - x * np.sin(x),
            lambda x: -3 * np.sin(x) - x * np.cos(x),
        ),
        (
            lambda x: (2 * x).exp(),
            lambda x: 2 * np.exp(2 * x),
            lambda x: 4 * np.exp(2 * x),
            lambda x: 8 * np.exp(2 * x),
        ),
        (
            lambda x: x.tanh(),
            lambda x: 1 - np.tanh(x) ** 2,
            lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
            lambda x: (1 - np.tanh(x) ** 2) * (6 * np.tanh(x) ** 2 - 2),
        ),
        (lambda x: x.log(), lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3),
        (
            lambda x: x.sigmoid(),
            lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
            lambda x: -np.exp(-x) * (1 - np.exp(-x)) / (1 + np.exp(-x)) ** 3,
            None,
        ),
    ],
    ids=["sin_x", "exp", "tanh", "log", "sigmoid"],
)
def test_higher_derivatives_are_analytic(f, d1, d2, d3):
    values = np.array([0.3, 0.9, 1.7])
    x = f64(values)
    (g1,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    assert_close(g1, d1(values))
    (g2,) = torch.autograd.grad(g1.sum(), x, create_graph=True)
    assert_close(g2, d2(values))
    if d3 is not None:
        (g3,) = torch.autograd.grad(g2.sum(), x)
        assert_close(g3, d3(values))


def test_hessian_vector_product_of_quadratic_form_and_matmul():
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((4, 4))
    x_np, v_np = rng.standard_normal(4), rng.standard_normal(4)
    a, x, v = f64(a_np, False), f64(x_np), f64(v_np, False)
    # f(x) = x^T A x + sum(tanh(A x)); H = A + A^T + A^T diag(tanh'') A
    f = x @ (a @ x) + (a @ x).tanh().sum()
    (g,) = torch.autograd.grad(f, x, create_graph=True)
    ax = a_np @ x_np
    assert_close(g, (a_np + a_np.T) @ x_np + a_np.T @ (1 - np.tanh(ax) ** 2))
    (hv,) = torch.autograd.grad(g @ v, x)
    t = np.tanh(ax)
    hessian = a_np + a_np.T + a_np.T @ np.diag(-2 * t * (1 - t**2)) @ a_np
    assert_close(hv, hessian @ v_np)


def test_hessian_by_finite_differences_of_the_gradient():
    rng = np.random.default_rng(1)
    w_np = rng.standard_normal((3, 2))

    def f(x):
        return ((x @ f64(w_np, False)).sin() ** 2).sum() + (x * x * x).sum()

    def grad_at(p):
        x = f64(p)
        (g,) = torch.autograd.grad(f(x), x)
        return g.numpy()

    p = rng.standard_normal(3)
    x = f64(p)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    rows = [torch.autograd.grad(g[i], x, retain_graph=True)[0].numpy() for i in range(3)]
    eps = 1e-6
    numeric = [(grad_at(p + eps * e) - grad_at(p - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(np.array(rows), np.array(numeric), rtol=1e-6, atol=1e-6)


def test_backward_with_create_graph_gives_grad_with_history():
    x = torch.tensor(3.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    assert x.grad.item() == 27.0 and x.grad.grad_fn is not None
    (g2,) = torch.autograd.grad(x.grad, x)
    assert g2.item() == 18.0


# ----- hooks ------------------------------------------------------------------------------------


def test_tensor_hook_on_leaf_sees_grad_before_accumulation_and_can_replace_it():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.grad = torch.tensor([100.0, 100.0])
    seen = []

    def hook(g):
        seen.append((g.tolist(), x.grad.tolist()))
        return g * 2

    x.register_hook(hook)
    (x * 3).sum().backward()
    assert seen == [([3.0, 3.0], [100.0, 100.0])]
    assert x.grad.tolist() == [106.0, 106.0]


def test_tensor_hook_on_non_leaf_replaces_gradient_and_handle_removes_it():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = []
    handle = y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: seen.append(g.tolist()))  # runs after, sees the replacement
    y.sum().backward(retain_graph=True)
    assert seen == [[10.0, 10.0]]
    assert x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    handle.remove()  # removing twice is harmless
    y.sum().backward()
    assert seen == [[10.0, 10.0], [1.0, 1.0]]
    assert x.grad.tolist() == [22.0, 22.0]


def test_hook_returning_none_keeps_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(g.tolist()))
    (x * x).sum().backward()
    assert calls == [[2.0, 4.0]] and x.grad.tolist() == [2.0, 4.0]


def test_leaf_hooks_run_in_autograd_grad_and_backward_inputs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 10)
    (g,) = torch.autograd.grad((x * 3).sum(), x)
    assert g.tolist() == [30.0, 30.0]
    (x * 3).sum().backward(inputs=[x])
    assert x.grad.tolist() == [30.0, 30.0]


def test_register_hook_requires_grad():
    with pytest.raises(RuntimeError) as info:
        torch.tensor([1.0]).register_hook(lambda g: g)
    assert str(info.value) == "cannot register a hook on a tensor that doesn't require gradient"


def test_retain_grad_stores_gradient_after_tensor_hooks():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 100)  # registered after retain_grad, still applies first
    y.sum().backward()
    assert y.grad.tolist() == [100.0, 100.0]
    assert x.grad.tolist() == [200.0, 200.0]


def test_retain_grad_on_leaf_is_noop_and_needs_requires_grad():
    x = torch.tensor([1.0], requires_grad=True)
    x.retain_grad()
    assert not x.retains_grad
    (x * 4).sum().backward()
    assert x.grad.tolist() == [4.0]
    with pytest.raises(
        RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"
    ):
        torch.tensor([1.0]).retain_grad()


def test_node_hook_and_prehook():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    seen = []

    def pre(grad_outputs):
        seen.append(("pre", [g.tolist() for g in grad_outputs]))
        return (grad_outputs[0] + 1,)

    def post(grad_inputs, grad_outputs):
        seen.append(("post", [g.tolist() for g in grad_inputs], [g.tolist() for g in grad_outputs]))
        return (grad_inputs[0] * 10, None)

    y.grad_fn.register_prehook(pre)
    handle = y.grad_fn.register_hook(post)
    y.sum().backward(retain_graph=True)
    assert seen == [("pre", [[1.0, 1.0]]), ("post", [[6.0, 8.0], [2.0, 4.0]], [[2.0, 2.0]])]
    assert x.grad.tolist() == [60.0, 80.0]
    assert w.grad is None  # the post-hook replaced w's gradient by None
    handle.remove()
    y.sum().backward()
    assert x.grad.tolist() == [66.0, 88.0] and w.grad.tolist() == [2.0, 4.0]


def test_accumulate_grad_node_hooks():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x
    seen = []
    acc.register_prehook(lambda go: seen.append(("pre", go[0].tolist())))
    acc.register_hook(lambda gi, go: seen.append(("post", gi, go[0].tolist(), x.grad.tolist())))
    y.sum().backward()
    assert seen == [("pre", [2.0, 2.0]), ("post", (), [2.0, 2.0], [2.0, 2.0])]


def test_subclassed_ops_keep_their_input_count_in_next_functions() -> None:
    """Ops defined as subclasses (T of Transpose, SumDim of Sum, ...) list only their tensor
    inputs in next_functions, as PyTorch does."""
    w = torch.ones(2, 3, requires_grad=True)
    for out in (w.t(), w.sum(0), w.mean(1), w.squeeze(0), w.min(), w.max(1).values):
        edges = out.grad_fn.next_functions
        assert len(edges) == 1 and type(edges[0][0]).__name__ == "AccumulateGrad"


def test_backward_with_create_graph_warns_once_like_pytorch(monkeypatch):
    from minigrad.autograd import engine

    monkeypatch.setattr(engine, "_warned", set())
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x**3).sum().backward(create_graph=True)
        (x**3).sum().backward(create_graph=True)
        torch.autograd.grad((x**3).sum(), x, create_graph=True)
    assert [str(w.message)[:60] for w in caught] == [engine.CREATE_GRAPH_WARNING[:60]]
    assert caught[0].filename == __file__  # it names the learner's line
