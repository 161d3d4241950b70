"""User-defined ``autograd.Function``s (ARCHITECTURE §2: the one way to define an op): ctx,
saved tensors, needs_input_grad, mark_dirty, mark_non_differentiable, several outputs, node
names and edges, and what the engine does with the gradients a backward returns."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as torch
from minigrad.autograd import Function


def f64(values, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


class Cube(Function):
    """x**3 with its forward written in minigrad ops, so double backward works too."""

    log: list = []

    @staticmethod
    def forward(ctx, x):
        Cube.log.append((torch.is_grad_enabled(), ctx.needs_input_grad))
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad


class ScaleNumpy(Function):
    """x * c * k with a numpy forward; c is a tensor that does not need grad, k a Python number."""

    needs: list = []

    @staticmethod
    def forward(ctx, x, c, k):
        ScaleNumpy.needs.append(ctx.needs_input_grad)
        ctx.k = k
        ctx.save_for_backward(c)
        return x.detach().numpy() * c.detach().numpy() * k

    @staticmethod
    def backward(ctx, grad):
        (c,) = ctx.saved_tensors
        gx = grad * c * ctx.k if ctx.needs_input_grad[0] else None
        gc = grad * 0.0 if ctx.needs_input_grad[1] else None
        return gx, gc, None


def test_custom_function_forward_backward_and_node():
    Cube.log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    assert y.tolist() == [1.0, 8.0]
    assert y.requires_grad and not y.is_leaf
    assert type(y.grad_fn).__name__ == "CubeBackward"
    assert y.grad_fn.name() == "CubeBackward"
    assert repr(y) == "tensor([1., 8.], grad_fn=<CubeBackward>)"
    ((acc, nr),) = y.grad_fn.next_functions
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x and nr == 0
    (y * torch.tensor([1.0, 10.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 120.0]
    assert Cube.log == [(False, (True,))]  # forward runs with grad mode off


def test_forward_output_records_nothing_inside_forward():
    seen = []

    class Inner(Function):
        @staticmethod
        def forward(ctx, x):
            z = x * 2
            seen.append((z.requires_grad, z.grad_fn))
            return z

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = torch.tensor([1.0], requires_grad=True)
    Inner.apply(x).sum().backward()
    assert seen == [(False, None)]
    assert x.grad.tolist() == [2.0]


def test_needs_input_grad_and_none_gradients():
    ScaleNumpy.needs = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    y = ScaleNumpy.apply(x, c, 5)
    assert isinstance(y, torch.Tensor) and y.tolist() == [15.0, 40.0]
    assert y.grad_fn.name() == "ScaleNumpyBackward"
    edges = y.grad_fn.next_functions
    assert len(edges) == 2  # tensor arguments only: x and c
    assert type(edges[0][0]).__name__ == "AccumulateGrad" and edges[1] == (None, 0)
    y.sum().backward()
    assert x.grad.tolist() == [15.0, 20.0]
    assert c.grad is None
    c2 = torch.tensor([3.0, 4.0], requires_grad=True)
    ScaleNumpy.apply(x, c2, 5).sum().backward()
    assert c2.grad.tolist() == [0.0, 0.0]
    assert ScaleNumpy.needs == [(True, False, False), (True, True, False)]


def test_next_functions_of_non_leaf_input():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = Cube.apply(h)
    ((node, nr),) = y.grad_fn.next_functions
    assert node is h.grad_fn and nr == 0
    assert node.name() == "MulBackward0"


def test_forward_may_return_numpy_scalar_array_or_tensor():
    class SumSq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.sum(x.detach().numpy() ** 2)  # a numpy scalar, not an array

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = f64([1.0, 2.0, 3.0])
    y = SumSq.apply(x)
    assert isinstance(y, torch.Tensor) and y.shape == () and y.item() == 14.0
    assert y.dtype == torch.float64 and y.grad_fn.name() == "SumSqBackward"
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    with torch.no_grad():
        z = SumSq.apply(x)
    assert isinstance(z, torch.Tensor) and z.item() == 14.0 and z.grad_fn is None


def test_apply_without_grad_records_no_node():
    x = torch.tensor([2.0], requires_grad=True)
    with torch.no_grad():
        y = Cube.apply(x)
    assert y.tolist() == [8.0] and y.grad_fn is None and not y.requires_grad
    z = Cube.apply(torch.tensor([2.0]))
    assert z.grad_fn is None and not z.requires_grad


def test_saved_tensors_are_freed_after_backward():
    x = torch.tensor([2.0], requires_grad=True)
    y = Cube.apply(x)
    node = y.grad_fn
    assert [t.tolist() for t in node.saved_tensors] == [[2.0]]
    y.sum().backward()
    assert node._saved is None
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        node.saved_tensors  # noqa: B018


def test_saved_input_modified_in_place_is_detected():
    x = torch.tensor([2.0], requires_grad=True)
    h = x * 1
    y = Cube.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert str(info.value).startswith(
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [minigrad.FloatTensor [1]], which is output 0 of Add, is at version 1; "
        "expected version 0 instead."
    )


def test_wrong_number_of_gradients():
    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad):
            return grad

    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        Mul.apply(a, b).sum().backward()
    assert str(info.value) == (
        "function MulBackward returned an incorrect number of gradients (expected 2, got 1)"
    )
    assert a.grad is None and b.grad is None


def test_broadcast_gradients_are_summed_to_input_shape():
    class AddBias(Function):
        @staticmethod
        def forward(ctx, x, b):
            return (x + b).detach().numpy()

        @staticmethod
        def backward(ctx, grad):
            return grad, grad  # b's gradient still has x's shape: the engine reduces it

    x = torch.ones(2, 3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    col = torch.ones(2, 1, requires_grad=True)
    w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    (AddBias.apply(x, b) * w).sum().backward()
    assert b.grad.tolist() == [5.0, 7.0, 9.0]
    assert x.grad.tolist() == w.tolist()
    (AddBias.apply(x, col) * w).sum().backward()
    assert col.grad.tolist() == [[6.0], [15.0]]


def test_gradient_is_cast_to_input_dtype():
    class ToDouble(Function):
        @staticmethod
        def forward(ctx, x):
            return x.detach().numpy().astype(np.float64) * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2  # float64, while x is float32

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = ToDouble.apply(x)
    assert y.dtype == torch.float64
    y.sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [2.0, 2.0]


class AddOne_(Function):
    """An in-place custom op: modifies its input and marks it dirty."""

    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_mark_dirty_in_place_custom_op():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    old_fn = y.grad_fn
    version = int(y._version)
    z = AddOne_.apply(y)
    assert z is y
    assert y.tolist() == [3.0, 5.0]
    assert int(y._version) == version + 2  # add_ inside forward, then the dirty mark
    assert y.grad_fn.name() == "AddOne_Backward"
    assert y.grad_fn.next_functions[0][0] is old_fn
    (y * y).sum().backward()
    assert x.grad.tolist() == [12.0, 20.0]  # d/dx (2x + 1)^2 = 4 (2x + 1)


def test_mark_dirty_on_leaf_is_refused():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        AddOne_.apply(x)
    assert str(info.value) == (
        "a leaf Variable that requires grad has been used in an in-place operation."
    )


def test_mark_dirty_invalidates_earlier_saves():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    s = y.exp()  # saves nothing of y; ExpBackward0 saves its output
    w = y * y  # saves y
    AddOne_.apply(y)
    assert s.tolist() == pytest.approx(np.exp([1.0, 2.0]).tolist())
    with pytest.raises(RuntimeError, match="which is output 0 of AddOne_, is at version 2"):
        w.sum().backward()


class SortWithIndex(Function):
    """Two outputs: sorted values (differentiable) and their float indices (not)."""

    received: list = []

    @staticmethod
    def forward(ctx, x):
        data = x.detach().numpy()
        idx = np.argsort(data, kind="stable")
        positions = torch.tensor(idx.astype(np.float32))
        ctx.mark_non_differentiable(positions)
        ctx.idx = idx
        return torch.tensor(data[idx]), positions

    @staticmethod
    def backward(ctx, grad_values, grad_positions):
        SortWithIndex.received.append(grad_positions.tolist())
        out = np.zeros(grad_values.shape, np.float32)
        out[ctx.idx] = grad_values.detach().numpy()
        return torch.tensor(out)


def test_mark_non_differentiable_and_multiple_outputs():
    SortWithIndex.received = []
    x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, positions = SortWithIndex.apply(x)
    assert values.tolist() == [1.0, 2.0, 3.0] and positions.tolist() == [1.0, 2.0, 0.0]
    assert values.requires_grad and values.grad_fn.name() == "SortWithIndexBackward"
    assert not positions.requires_grad and positions.grad_fn is None
    (values * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [100.0, 1.0, 10.0]
    assert SortWithIndex.received == [[0.0, 0.0, 0.0]]  # zeros for the non-differentiable one


class SplitTwo(Function):
    received: list = []

    @staticmethod
    def forward(ctx, x):
        d = x.detach().numpy()
        return d * 2, d * 3

    @staticmethod
    def backward(ctx, g1, g2):
        SplitTwo.received.append((g1.tolist(), g2.tolist()))
        return g1 * 2 + g2 * 3


@pytest.mark.parametrize("used", [0, 1])
def test_multiple_outputs_where_only_one_is_used(used):
    SplitTwo.received = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    outs = SplitTwo.apply(x)
    assert isinstance(outs, tuple) and [o.output_nr for o in outs] == [0, 1]
    assert outs[0].grad_fn is outs[1].grad_fn
    outs[used].sum().backward()
    expected = [[0.0, 0.0], [0.0, 0.0]]
    expected[used] = [1.0, 1.0]
    assert SplitTwo.received == [tuple(expected)]
    assert x.grad.tolist() == [[2.0, 2.0], [3.0, 3.0]][used]


def test_set_materialize_grads_false_passes_none_for_unused_outputs():
    received = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            d = x.detach().numpy()
            return d * 2, d * 3

        @staticmethod
        def backward(ctx, g1, g2):
            received.append((g1, None if g2 is None else g2.tolist()))
            return g2 * 3

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Two.apply(x)[1].sum().backward()
    assert received == [(None, [1.0, 1.0])]
    assert x.grad.tolist() == [3.0, 3.0]


def test_multiple_outputs_both_used_run_backward_once():
    SplitTwo.received = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = SplitTwo.apply(x)
    (a * 10 + b).sum().backward()
    assert SplitTwo.received == [([10.0, 10.0], [1.0, 1.0])]
    assert x.grad.tolist() == [23.0, 23.0]


def test_input_returned_unchanged_becomes_a_new_alias():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 5

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and x.is_leaf and x.grad_fn is None
    assert y.grad_fn.name() == "IdentityBackward"
    y.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_custom_backward_supports_double_backward():
    x = f64([1.0, 2.0])
    y = Cube.apply(x)
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0] and g.grad_fn is not None
    (g2,) = torch.autograd.grad(g.sum(), x)
    assert g2.tolist() == [6.0, 12.0]


def test_non_float_outputs_do_not_require_grad():
    class ArgMax(Function):
        @staticmethod
        def forward(ctx, x):
            return np.argmax(x.detach().numpy(), keepdims=True)

        @staticmethod
        def backward(ctx, grad):
            return None

    out = ArgMax.apply(torch.tensor([1.0, 5.0, 2.0], requires_grad=True))
    assert out.tolist() == [1] and out.dtype == torch.int64
    assert not out.requires_grad and out.grad_fn is None


def test_forward_and_backward_must_be_implemented():
    class Empty(Function):
        pass

    with pytest.raises(NotImplementedError, match="You must implement the forward function"):
        Empty.apply(torch.tensor([1.0], requires_grad=True))

    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x.detach().numpy() * 2

    y = NoBackward.apply(torch.tensor([1.0], requires_grad=True))
    with pytest.raises(NotImplementedError, match="You must implement the backward function"):
        y.sum().backward()


def test_library_ops_are_functions_too():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    node = y.grad_fn
    assert type(node).__name__ == "MulBackward0"
    assert [type(n).__name__ for n, _ in node.next_functions] == ["AccumulateGrad"] * 2
    assert node.next_functions[0][0].variable is x and node.next_functions[1][0].variable is w
    assert node.next_functions[0][0] is (x * 2).grad_fn.next_functions[0][0]  # one per leaf
    sorted_saved = sorted(t.tolist() for t in node.saved_tensors)
    assert sorted_saved == [[1.0, 2.0], [3.0, 4.0]]


def test_calling_a_node_runs_its_backward_alone_like_pytorch() -> None:
    """``y.grad_fn(g)`` gives one gradient per next_functions entry (None where no grad is
    needed), a single one unwrapped."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    gx, gw = (x * w).grad_fn(torch.ones(2))
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    g, none = (x + 1).grad_fn(torch.tensor([0.5, -2.0]))
    assert g.tolist() == [0.5, -2.0] and none is None
    assert x.sum().grad_fn(torch.tensor(3.0)).tolist() == [3.0, 3.0]
