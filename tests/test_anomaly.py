"""Anomaly detection: NaN checks in backward, and errors that point at the user's forward line."""

from __future__ import annotations

import inspect
import warnings

import pytest

import minigrad as torch
from minigrad.autograd import Function

HERE = __file__


@pytest.fixture(autouse=True)
def _anomaly_off():
    """Each test starts and ends with anomaly detection off (it is a global switch)."""
    assert not torch.autograd.is_anomaly_enabled()
    yield
    was_on = torch.autograd.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(False)
    assert not was_on, "a test left anomaly detection on"


def line() -> int:
    """The line number of the caller's current line."""
    return inspect.currentframe().f_back.f_lineno


def notes(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


class NanBackward(Function):
    """Identity whose backward returns NaN for its second input only."""

    @staticmethod
    def forward(ctx, a, b):
        return (a + b).detach().numpy()

    @staticmethod
    def backward(ctx, grad):
        return grad, grad * float("nan")


class Raising(Function):
    @staticmethod
    def forward(ctx, x):
        return x.detach().numpy() * 2

    @staticmethod
    def backward(ctx, grad):
        raise ValueError("backward exploded")


def test_switches_and_their_state():
    assert torch.autograd.is_anomaly_check_nan_enabled()
    torch.autograd.set_detect_anomaly(True, check_nan=False)
    assert torch.autograd.is_anomaly_enabled()
    assert not torch.autograd.is_anomaly_check_nan_enabled()
    torch.autograd.set_detect_anomaly(False)
    assert not torch.autograd.is_anomaly_enabled()
    assert torch.autograd.is_anomaly_check_nan_enabled()
    with torch.autograd.detect_anomaly():
        assert torch.autograd.is_anomaly_enabled()
        with torch.autograd.detect_anomaly(check_nan=False):
            assert not torch.autograd.is_anomaly_check_nan_enabled()
        assert torch.autograd.is_anomaly_check_nan_enabled()
    assert not torch.autograd.is_anomaly_enabled()


def test_anomaly_queries_at_top_level_like_pytorch():
    assert torch.is_anomaly_enabled() is False
    assert torch.is_anomaly_check_nan_enabled() is True


def test_detect_anomaly_restored_on_exception_and_as_decorator():
    with pytest.raises(KeyError):
        with torch.autograd.detect_anomaly():
            raise KeyError("x")
    assert not torch.autograd.is_anomaly_enabled()

    @torch.autograd.detect_anomaly()
    def inside():
        return torch.autograd.is_anomaly_enabled()

    assert inside() is True
    assert not torch.autograd.is_anomaly_enabled()


def test_nan_in_builtin_backward_names_node_and_forward_line():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = x.sqrt() * 0
        forward_line = line() - 1
        with pytest.warns(UserWarning) as record:
            with pytest.raises(RuntimeError) as info:
                y.sum().backward()
    # d sqrt(x)/dx at 0 is inf; inf * 0 = nan
    assert str(info.value) == "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert x.grad is None
    (warning,) = [w for w in record if "Error detected in" in str(w.message)]
    text = str(warning.message)
    assert text.startswith(
        "Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n"
    )
    where = f'File "{HERE}", line {forward_line}, in test_nan_in_builtin_backward'
    assert where in text
    assert text.rstrip().endswith("y = x.sqrt() * 0")  # no minigrad frames after the user's line
    assert "minigrad/" not in text.rstrip().splitlines()[-2]
    assert "Forward call that created SqrtBackward0" in notes(info.value)
    assert where in notes(info.value)


def test_nan_in_custom_function_names_the_output_index():
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    torch.autograd.set_detect_anomaly(True)
    try:
        out = NanBackward.apply(a, b)
        forward_line = line() - 1
        with pytest.warns(UserWarning, match="Error detected in NanBackwardBackward"):
            with pytest.raises(RuntimeError) as info:
                out.sum().backward()
    finally:
        torch.autograd.set_detect_anomaly(False)
    assert (
        str(info.value) == "Function 'NanBackwardBackward' returned nan values in its 1th output."
    )
    assert f'File "{HERE}", line {forward_line}' in notes(info.value)
    assert a.grad is None and b.grad is None


def test_nan_passes_without_anomaly_mode_or_with_check_nan_off():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]
    x.grad = None
    with torch.autograd.detect_anomaly(check_nan=False):
        (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().tolist() == [True, False]


def test_failing_backward_is_reported_with_forward_trace():
    x = torch.tensor([1.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = Raising.apply(x)
        forward_line = line() - 1
        with pytest.warns(UserWarning) as record:
            with pytest.raises(ValueError, match="backward exploded") as info:
                y.sum().backward()
    where = f'File "{HERE}", line {forward_line}'
    assert any(
        str(w.message).startswith("Error detected in RaisingBackward.") and where in str(w.message)
        for w in record
    )
    assert "Forward call that created RaisingBackward" in notes(info.value)
    assert "y = Raising.apply(x)" in notes(info.value)


def test_failing_backward_without_anomaly_has_no_trace():
    x = torch.tensor([1.0], requires_grad=True)
    y = Raising.apply(x)
    assert y.grad_fn._trace is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="backward exploded") as info:
            y.sum().backward()
    assert "Forward call" not in notes(info.value)


def test_nodes_created_before_anomaly_mode_have_no_trace():
    x = torch.tensor([0.0], requires_grad=True)
    y = x.sqrt() * 0
    with torch.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="returned nan values in its 0th output") as info:
            y.sum().backward()
    assert "Forward call" not in notes(info.value)


def test_version_counter_hint_changes_under_anomaly_mode():
    def run():
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x.tanh()
        y.mul_(2)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        return str(info.value)

    start = (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [minigrad.FloatTensor [2]], which is output 0 of Tanh, is at version 1; "
        "expected version 0 instead. "
    )
    plain = run()
    assert plain == start + (
        "Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with minigrad.autograd.set_detect_anomaly(True, check_nan=False)."
    )
    with torch.autograd.detect_anomaly():
        with pytest.warns(UserWarning, match="Error detected in TanhBackward0"):
            anomalous = run()
    assert anomalous == start + (
        "Hint: the backtrace further above shows the operation that failed to compute its "
        "gradient. The variable in question was changed in there or anywhere later. Good luck!"
    )


def test_anomaly_messages_equal_pytorch():
    ref = pytest.importorskip("torch")

    def run(mod):
        x = mod.tensor([0.0, 1.0], requires_grad=True)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            with mod.autograd.detect_anomaly():
                y = x.sqrt() * 0
                try:
                    y.sum().backward()
                except RuntimeError as e:
                    message = str(e)
        (w,) = [w for w in record if "Error detected" in str(w.message)]
        return message, str(w.message).split("\n")[0], w.category

    assert run(torch) == run(ref)


def test_anomaly_mode_gives_same_gradients():
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    with torch.autograd.detect_anomaly():
        (x.exp() * x).sum().backward()
    expected = [(v.exp() * (1 + v)).item() for v in torch.tensor([0.5, 1.5])]
    assert x.grad.tolist() == pytest.approx(expected, rel=1e-6)
