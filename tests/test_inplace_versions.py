"""In-place ops, views and version counters (SPEC §5) and detach / data / clone (SPEC §6).

Messages are PyTorch's with ``minigrad.`` where PyTorch prints ``torch.``.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as torch

HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
    "with minigrad.autograd.set_detect_anomaly(True, check_nan=False)."
)
LEAF = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)


def modified(tensor_type: str, clause: str, now: int, saved: int) -> str:
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [minigrad.{tensor_type}]{clause} is at version {now}; expected version "
        f"{saved} instead. {HINT}"
    )


def version(t: torch.Tensor) -> int:
    return int(t._version)


def grid() -> torch.Tensor:
    return torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


# ----- version counters -------------------------------------------------------------------------

SHARING_VIEWS = {
    "slice": lambda x: x[1:],
    "select": lambda x: x[0],
    "column": lambda x: x[:, 1],
    "step": lambda x: x[:, ::2],
    "view": lambda x: x.view(6),
    "reshape": lambda x: x.reshape(3, 2),
    "flatten": lambda x: x.flatten(),
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "transpose": lambda x: x.transpose(0, 1),
    "permute": lambda x: x.permute(1, 0),
    "unsqueeze": lambda x: x.unsqueeze(0),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "narrow": lambda x: x.narrow(1, 0, 2),
    "view_as": lambda x: x.view_as(x),
    "unbind": lambda x: x.unbind(0)[1],
    "split": lambda x: x.split(1, 0)[1],
    "chunk": lambda x: x.chunk(2, 1)[0],
    "detach": lambda x: x.detach(),
    "view_of_view": lambda x: x.t()[1:].unsqueeze(0),
}


@pytest.mark.parametrize("make", SHARING_VIEWS.values(), ids=SHARING_VIEWS.keys())
def test_views_share_memory_and_version_counter(make):
    x = grid()
    v = make(x)
    assert version(x) == version(v) == 0
    v.add_(1)  # through the view
    assert version(x) == version(v) == 1
    assert x.sum().item() == 21.0 + v.numel()
    x.mul_(2)  # through the base
    assert version(x) == version(v) == 2
    assert v.sum().item() == 2 * (make(grid()).sum().item() + v.numel())


SEPARATE = {
    "data": lambda x: x.data,
    "clone": lambda x: x.clone(),
    "detach_clone": lambda x: x.detach().clone(),
    "contiguous_of_t": lambda x: x.t().contiguous(),
    "reshape_of_t": lambda x: x.t().reshape(6),
    "mask": lambda x: x[x > 2],
    "index_list": lambda x: x[[0, 1]],
    "arithmetic": lambda x: x + 0,
}


@pytest.mark.parametrize("make", SEPARATE.values(), ids=SEPARATE.keys())
def test_separate_version_counters(make):
    x = grid()
    other = make(x)
    other.add_(1)
    assert version(other) == 1 and version(x) == 0
    x.mul_(2)
    assert version(x) == 1 and version(other) == 1


def test_data_shares_memory_but_not_the_counter():
    x = grid()
    d = x.data
    d[0, 0] = 100.0
    assert x[0, 0].item() == 100.0
    assert version(d) == 1 and version(x) == 0


def test_clone_copies_memory():
    x = grid()
    c = x.clone()
    c[0, 0] = 100.0
    assert x[0, 0].item() == 1.0 and c[0, 0].item() == 100.0


def test_version_attribute_is_an_int_like_pytorch():
    x = torch.ones(2)
    x.add_(1)
    assert x._version == 1 and int(x._version) == 1 and repr(x._version) == "1"
    assert x[0]._version == 1  # one counter, shared with views


IN_PLACE = {
    "add_": lambda t: t.add_(1),
    "sub_": lambda t: t.sub_(1),
    "mul_": lambda t: t.mul_(2),
    "div_": lambda t: t.div_(2),
    "pow_": lambda t: t.pow_(2),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3.0),
    "abs_": lambda t: t.abs_(),
    "neg_": lambda t: t.neg_(),
    "exp_": lambda t: t.exp_(),
    "log_": lambda t: t.log_(),
    "clamp_": lambda t: t.clamp_(0.0, 1.5),
    "copy_": lambda t: t.copy_(torch.tensor([5.0, 6.0])),
    "iadd": lambda t: t.__iadd__(1),
    "isub": lambda t: t.__isub__(1),
    "imul": lambda t: t.__imul__(2),
    "itruediv": lambda t: t.__itruediv__(2),
}


@pytest.mark.parametrize("op", IN_PLACE.values(), ids=IN_PLACE.keys())
def test_in_place_ops_return_self_and_bump_version(op):
    t = torch.tensor([0.5, 2.0])
    alias = t
    result = op(t)
    assert result is alias
    assert version(t) == 1
    op(t)
    assert version(t) == 2


def test_setitem_and_augmented_assignment_keep_identity():
    t = torch.tensor([1.0, 2.0])
    ident = id(t)
    t += 1
    t[0] = 7.0
    t *= 2
    assert id(t) == ident and t.tolist() == [14.0, 6.0] and version(t) == 3
    t = t + 1  # rebinds the name to a new tensor
    assert id(t) != ident and version(t) == 0


# ----- leaf and view-of-leaf errors -------------------------------------------------------------

LEAF_IN_PLACE = {
    "add_": lambda x: x.add_(1),
    "iadd": lambda x: x.__iadd__(1),
    "mul_alias": lambda x: (lambda y: y.__imul__(1))(x),
    "fill_": lambda x: x.fill_(0.0),
    "zero_": lambda x: x.zero_(),
    "exp_": lambda x: x.exp_(),
    "copy_": lambda x: x.copy_(torch.zeros(4)),
}


@pytest.mark.parametrize("op", LEAF_IN_PLACE.values(), ids=LEAF_IN_PLACE.keys())
def test_in_place_on_leaf_requiring_grad_is_refused(op):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        op(x)
    assert str(info.value) == LEAF
    assert x.tolist() == [1.0, 2.0, 3.0, 4.0] and version(x) == 0
    assert x.is_leaf and x.requires_grad


VIEW_IN_PLACE = {
    "setitem_index": lambda x: x.__setitem__(0, 1.0),
    "setitem_slice": lambda x: x.__setitem__(slice(1, None), torch.tensor([7.0, 8.0, 9.0])),
    "select_add_": lambda x: x[0].add_(1),
    "view_setitem": lambda x: x.view(2, 2).__setitem__((0, 0), 2.0),
    "t_mul_": lambda x: x.view(2, 2).t().mul_(2),
    "detach_not": lambda x: x.view(4)[1:].zero_(),
}


@pytest.mark.parametrize("op", VIEW_IN_PLACE.values(), ids=VIEW_IN_PLACE.keys())
def test_in_place_on_view_of_leaf_is_refused(op):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        op(x)
    assert str(info.value) == VIEW_OF_LEAF
    assert x.tolist() == [1.0, 2.0, 3.0, 4.0] and version(x) == 0
    assert x.is_leaf and x.grad_fn is None


def test_leaf_error_carries_a_hint():
    x = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        x += 1
    notes = getattr(info.value, "__notes__", [])
    assert any("no_grad" in n for n in notes)


def test_in_place_on_leaf_allowed_under_no_grad_and_through_detach():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        x.add_(1)
        x[0] = 10.0
    assert x.tolist() == [10.0, 3.0] and version(x) == 2
    x.detach().sub_(1)  # legal outside no_grad, and visible in x
    assert x.tolist() == [9.0, 2.0] and version(x) == 3
    x.detach()[1] = 5.0
    assert x.tolist() == [9.0, 5.0] and version(x) == 4
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    (x * x).sum().backward()
    assert x.grad.tolist() == [18.0, 10.0]


def test_detach_in_place_changes_are_seen_by_autograd():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x  # saves the leaf x
    x.detach().add_(1)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    assert str(info.value) == modified("FloatTensor [2]", "", 1, 0)  # a leaf: no "output of"


def test_data_in_place_changes_are_invisible_and_give_silently_wrong_grads():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    x.data.mul_(10)  # no version bump: autograd cannot notice
    y.sum().backward()
    assert version(x) == 0
    assert x.grad.tolist() == [20.0, 40.0]  # 2 * (new x), not 2 * (x at forward time)


def test_int_tensor_true_division_in_place():
    t = torch.tensor([1, 2])
    with pytest.raises(RuntimeError) as info:
        t /= 2
    assert str(info.value) == "result type Float can't be cast to the desired output type Long"
    assert t.tolist() == [1, 2] and t.dtype == torch.int64 and version(t) == 0
    t //= 2
    assert t.tolist() == [0, 1]


def test_in_place_on_expanded_tensor():
    t = torch.zeros(1).expand(3)
    with pytest.raises(RuntimeError) as info:
        t.add_(1)
    assert str(info.value) == (
        "unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location. Please clone() the tensor before performing the operation."
    )
    c = t.clone()
    c.add_(1)
    assert c.tolist() == [1.0, 1.0, 1.0]


# ----- in-place on non-leaves -------------------------------------------------------------------

NON_LEAF_OPS = {
    # name: (in-place, out-of-place, grad_fn after the in-place op)
    "add_": (lambda y: y.add_(1), lambda y: y + 1, "AddBackward0"),
    "add_tensor": (
        lambda y: y.add_(torch.tensor([1.0, 2.0])),
        lambda y: y + torch.tensor([1.0, 2.0]),
        "AddBackward0",
    ),
    "sub_": (lambda y: y.sub_(1), lambda y: y - 1, "SubBackward0"),
    "mul_": (lambda y: y.mul_(3), lambda y: y * 3, "MulBackward0"),
    "div_": (lambda y: y.div_(2), lambda y: y / 2, "DivBackward0"),
    "pow_": (lambda y: y.pow_(2), lambda y: y**2, "PowBackward0"),
    "exp_": (lambda y: y.exp_(), lambda y: y.exp(), "ExpBackward0"),
    "log_": (lambda y: y.log_(), lambda y: y.log(), "LogBackward0"),
    "neg_": (lambda y: y.neg_(), lambda y: -y, "NegBackward0"),
    "abs_": (lambda y: y.abs_(), lambda y: y.abs(), "AbsBackward0"),
    "sigmoid_": (lambda y: y.sigmoid_(), lambda y: y.sigmoid(), "SigmoidBackward0"),
    "tanh_": (lambda y: y.tanh_(), lambda y: y.tanh(), "TanhBackward0"),
    "relu_": (lambda y: y.relu_(), lambda y: y.relu(), "ReluBackward0"),
    "sqrt_": (lambda y: y.sqrt_(), lambda y: y.sqrt(), "SqrtBackward0"),
    "sin_": (lambda y: y.sin_(), lambda y: y.sin(), "SinBackward0"),
    "cos_": (lambda y: y.cos_(), lambda y: y.cos(), "CosBackward0"),
    "reciprocal_": (lambda y: y.reciprocal_(), lambda y: y.reciprocal(), "ReciprocalBackward0"),
    "clamp_": (lambda y: y.clamp_(0.5, 1.0), lambda y: y.clamp(0.5, 1.0), "ClampBackward1"),
    "zero_": (lambda y: y.zero_(), lambda y: y * 0, "ZeroBackward0"),
    "fill_": (lambda y: y.fill_(2.0), lambda y: y * 0 + 2, "FillBackward2"),
    "copy_": (
        lambda y: y.copy_(torch.tensor([5.0, 6.0])),
        lambda y: y * 0 + torch.tensor([5.0, 6.0]),
        "CopyBackwards",
    ),
    "iadd": (lambda y: y.__iadd__(2), lambda y: y + 2, "AddBackward0"),
    "isub": (lambda y: y.__isub__(2), lambda y: y - 2, "SubBackward0"),
    "imul": (lambda y: y.__imul__(2), lambda y: y * 2, "MulBackward0"),
    "itruediv": (lambda y: y.__itruediv__(2), lambda y: y / 2, "DivBackward0"),
}


@pytest.mark.parametrize("case", NON_LEAF_OPS.values(), ids=NON_LEAF_OPS.keys())
def test_in_place_on_non_leaf_rewrites_grad_fn_and_gradients(case):
    in_place, out_of_place, name = case
    weights = torch.tensor([1.0, 10.0])
    x = torch.tensor([0.7, 1.3], requires_grad=True)
    y = x * 1.5
    result = in_place(y)
    assert result is y and type(y.grad_fn).__name__ == name
    assert not y.is_leaf and y.requires_grad and version(y) == 1
    (y * weights).sum().backward()
    x_ref = torch.tensor([0.7, 1.3], requires_grad=True)
    y_ref = out_of_place(x_ref * 1.5)
    (y_ref * weights).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), y_ref.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), x_ref.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_chain_of_in_place_ops_on_non_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y += 2
    y.log_()
    assert y.grad_fn.name() == "LogBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "AddBackward0"
    y.exp_()
    assert y.grad_fn.name() == "ExpBackward0" and version(y) == 3
    y.sum().backward()  # exp(log(x + 2)) = x + 2
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0], rtol=1e-6)


def test_in_place_with_grad_requiring_argument_on_plain_tensor():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    s = torch.zeros(2)
    s.add_(x * 3)
    assert s.requires_grad and not s.is_leaf and s.grad_fn.name() == "AddBackward0"
    (s * s).sum().backward()
    assert x.grad.tolist() == [18.0, 36.0]


# ----- the "modified by an inplace operation" message -------------------------------------------


def _backward_error(fn) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def test_modified_saved_output():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    msg = _backward_error(lambda: y.sum().backward())
    assert msg == modified("FloatTensor [2]", ", which is output 0 of Exp,", 1, 0)
    assert x.grad is None


@pytest.mark.parametrize("op, node", [("tanh", "Tanh"), ("sigmoid", "Sigmoid"), ("relu", "Relu")])
def test_modified_saved_output_names_its_op(op, node):
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64, requires_grad=True)
    y = getattr(x, op)()
    z = y * 1  # y is also consumed out of place
    y.mul_(2)
    msg = _backward_error(lambda: (y.sum() + z.sum()).backward())
    assert msg == modified("DoubleTensor [2, 3]", f", which is output 0 of {node},", 1, 0)


@pytest.mark.parametrize("op, node", [("add_", "Add"), ("mul_", "Mul"), ("exp_", "Exp")])
def test_modified_saved_non_leaf_input_is_named_by_its_new_grad_fn(op, node):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    getattr(y, op)(*([3] if op != "exp_" else []))
    msg = _backward_error(lambda: z.sum().backward())
    assert msg == modified("FloatTensor [2]", f", which is output 0 of {node},", 1, 0)


def test_modified_saved_leaf_has_no_output_clause():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0])
    z = x * w
    w.add_(1)
    w.mul_(2)
    msg = _backward_error(lambda: z.sum().backward())
    assert msg == modified("FloatTensor [2]", "", 2, 0)


def test_modified_zero_dim_tensor():
    x = torch.tensor(2.0, requires_grad=True)
    y = (x * 1).sigmoid()
    y.mul_(2)
    msg = _backward_error(lambda: y.backward())
    assert msg == modified("FloatTensor []", ", which is output 0 of Sigmoid,", 1, 0)


def test_modified_view_of_modified_base_is_as_strided():
    x = torch.tensor(2.0, requires_grad=True)
    s = torch.ones(2)
    s[1] = s[0] * x
    assert repr(s) == "tensor([1., 2.], grad_fn=<CopySlices>)"
    msg = _backward_error(lambda: s.sum().backward())
    assert msg == modified("FloatTensor []", ", which is output 0 of AsStrided,", 1, 0)


def test_clone_fixes_the_slice_example():
    x = torch.tensor(2.0, requires_grad=True)
    s = torch.ones(2)
    s[1] = s[0].clone() * x
    s.sum().backward()
    assert x.grad.item() == 1.0 and s.tolist() == [1.0, 2.0]


def test_modified_message_under_anomaly_mode_has_other_hint():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = x.exp()
        y.add_(1)
        with pytest.warns(UserWarning, match="Error detected in ExpBackward0"):
            msg = _backward_error(lambda: y.sum().backward())
    assert msg.endswith(
        "is at version 1; expected version 0 instead. Hint: the backtrace further above shows "
        "the operation that failed to compute its gradient. The variable in question was changed "
        "in there or anywhere later. Good luck!"
    )


def test_modified_message_equals_pytorch():
    ref = pytest.importorskip("torch")

    def run(mod):
        out = []
        for build in (
            lambda: (lambda x: (lambda y: (y.add_(1), y.sum()))(x.exp())[1])(
                mod.tensor([1.0, 2.0], requires_grad=True)
            ),
            lambda: (lambda x, w: (lambda z: (w.add_(1), z.sum())[1])(x * w))(
                mod.tensor([1.0, 2.0], requires_grad=True), mod.tensor([3.0, 4.0])
            ),
        ):
            try:
                build().backward()
            except RuntimeError as e:
                out.append(str(e).replace("torch.", "minigrad."))
        return out

    assert run(torch) == run(ref)


# ----- slice assignment: CopySlices ---------------------------------------------------------------


def test_setitem_with_grad_value_makes_copy_slices():
    x = torch.tensor(3.0, requires_grad=True)
    s = torch.zeros(3)
    s[0] = x
    assert s.requires_grad and not s.is_leaf and type(s.grad_fn).__name__ == "CopySlices"
    s[1] = 5.0
    assert type(s.grad_fn).__name__ == "CopySlices"
    s[2] = x * x
    assert type(s.grad_fn).__name__ == "CopySlices" and s.tolist() == [3.0, 5.0, 9.0]
    (s * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.item() == 1.0 + 100.0 * 6.0


def test_copy_slices_gradients_for_base_and_value():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor([5.0, 6.0], requires_grad=True)
    y = x * 2
    y[1:] = v * v
    assert type(y.grad_fn).__name__ == "CopySlices" and y.tolist() == [2.0, 25.0, 36.0]
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0]  # the overwritten part gets no gradient
    assert v.grad.tolist() == [20.0, 36.0]


def test_copy_slices_with_broadcast_value_and_2d_index():
    x = torch.ones(2, 3, requires_grad=True)
    v = torch.tensor(4.0, requires_grad=True)
    y = x * 3
    y[:, 1] = v
    w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    (y * w).sum().backward()
    assert x.grad.tolist() == [[3.0, 0.0, 9.0], [12.0, 0.0, 18.0]]
    assert v.grad.item() == 2.0 + 5.0


def test_copy_slices_saves_nothing_reusable_twice():
    x = torch.tensor(3.0, requires_grad=True)
    s = torch.zeros(2)
    s[0] = x
    s.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        s.sum().backward()
    assert x.grad.item() == 1.0


def test_setitem_with_mask_on_non_leaf():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 1
    y[y < 0] = 0.0
    assert y.tolist() == [1.0, 0.0, 3.0] and y.grad_fn.name() == "IndexPutBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]


def test_writing_into_view_of_non_leaf():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[1:]
    v.mul_(x[1:])
    assert y.tolist() == [2.0, 8.0, 18.0] and version(y) == 1
    assert type(y.grad_fn).__name__ == "CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    (y * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    # y = [2 x0, 2 x1^2, 2 x2^2]
    assert x.grad.tolist() == [2.0, 80.0, 1200.0]


def test_view_of_non_leaf_modified_then_used():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    v = y[:2]
    y.add_(1)  # modifies the base: v's history is regenerated through y's new one
    assert v.tolist() == [3.0, 5.0]
    assert v.grad_fn.name() == "AsStridedBackward0"
    (v * torch.tensor([1.0, 10.0])).sum().backward()
    assert x.grad.tolist() == [2.0, 20.0, 0.0]


# ----- detach / data / clone / requires_grad (SPEC §3, §6) --------------------------------------


def test_detach_shares_memory_and_is_a_plain_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).detach()
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    d = x.detach()
    d[0] = 5.0
    assert x.tolist() == [5.0, 2.0]


def test_data_assignment_rebinds_storage_and_keeps_leaf_status():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.data = torch.tensor([7.0, 8.0, 9.0])
    assert x.tolist() == [7.0, 8.0, 9.0] and x.shape == (3,)
    assert x.requires_grad and x.is_leaf
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(
    "variant, y_of, x_grad, y_grad",
    [
        ("A", lambda x: torch.tensor(3.0).requires_grad_(True), 1.0, 6.0),
        ("B", lambda x: x, 5.0, 5.0),
        ("C", lambda x: torch.tensor(1.0), 1.0, None),
        ("D", lambda x: x.detach().clone(), 1.0, None),
        ("E", lambda x: x.clone(), 5.0, "non-leaf"),
    ],
)
def test_spec_variants_a_to_e(variant, y_of, x_grad, y_grad):
    x = torch.tensor(2.0, requires_grad=True)
    y = y_of(x)
    z = x + y * y
    z.backward()
    assert x.grad.item() == x_grad
    if y_grad == "non-leaf":
        assert not y.is_leaf and y.requires_grad and y.grad_fn.name() == "CloneBackward0"
        assert repr(y) == "tensor(2., grad_fn=<CloneBackward0>)"
    elif y_grad is None:
        assert y.grad is None and not y.requires_grad and y.is_leaf
    else:
        assert y.grad.item() == y_grad and y.is_leaf and y.grad_fn is None


def test_clone_under_no_grad_is_detach_clone():
    x = torch.tensor([1.0], requires_grad=True)
    with torch.no_grad():
        c = x.clone()
    assert not c.requires_grad and c.is_leaf and c.grad_fn is None
    c.add_(1)
    assert x.tolist() == [1.0] and version(x) == 0


def test_numpy_of_tensor_requiring_grad():
    x = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        x.numpy()
    assert str(info.value) == (
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    )
    arr = x.detach().numpy()
    arr[0] = 4.0  # shares memory
    assert x.item() == 4.0


def test_requires_grad_messages():
    with pytest.raises(RuntimeError) as a:
        torch.tensor([1, 2], requires_grad=True)
    assert str(a.value) == (
        "Only Tensors of floating point and complex dtype can require gradients"
    )
    t = torch.tensor([1, 2])
    with pytest.raises(RuntimeError) as b:
        t.requires_grad_(True)
    assert str(b.value) == "only Tensors of floating point dtype can require gradients"
    with pytest.raises(RuntimeError) as c:
        t.requires_grad = True
    assert str(c.value) == (
        "only Tensors of floating point and complex dtype can require gradients"
    )
    assert not t.requires_grad


def test_requires_grad_on_non_leaf():
    x = torch.tensor([1.0], requires_grad=True)
    y = x * 2
    for change in (lambda: y.requires_grad_(False), lambda: setattr(y, "requires_grad", False)):
        with pytest.raises(RuntimeError) as info:
            change()
        assert str(info.value) == (
            "you can only change requires_grad flags of leaf variables. If you want to use a "
            "computed variable in a subgraph that doesn't require differentiation use "
            "var_no_grad = var.detach()."
        )
    assert y.requires_grad_(True) is y and y.requires_grad
    z = torch.tensor([1.0])
    assert z.requires_grad_() is z and z.requires_grad and z.is_leaf


def test_rebinding_name_keeps_old_leaf_getting_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    old = x
    x = x + 1
    assert not x.is_leaf and old.is_leaf
    (x * x).sum().backward()
    assert old.grad.tolist() == [4.0, 6.0]
