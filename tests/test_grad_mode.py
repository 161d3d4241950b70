"""Grad modes (SPEC §4): no_grad, enable_grad, set_grad_enabled, inference_mode as context
managers and decorators, nesting, restoring on exceptions, and what is recorded under them."""

from __future__ import annotations

import threading

import pytest

import minigrad as torch


@pytest.fixture(autouse=True)
def _grad_mode_is_on():
    """Every test starts and must end with grad mode on (a leaked mode would break others)."""
    assert torch.is_grad_enabled()
    yield
    assert torch.is_grad_enabled()
    assert not torch.is_inference_mode_enabled()


def leaf() -> torch.Tensor:
    return torch.tensor([1.0, 2.0], requires_grad=True)


def test_no_grad_results_are_plain_leaves():
    x = leaf()
    with torch.no_grad():
        assert not torch.is_grad_enabled()
        y = x * 2
    assert y.tolist() == [2.0, 4.0]
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    assert repr(y) == "tensor([2., 4.])"
    z = x * 2
    assert z.requires_grad and z.grad_fn.name() == "MulBackward0"


def test_enable_grad_inside_no_grad():
    x = leaf()
    with torch.no_grad():
        with torch.enable_grad():
            assert torch.is_grad_enabled()
            y = x * 3
        assert not torch.is_grad_enabled()
        z = x * 3
    assert y.requires_grad and y.grad_fn.name() == "MulBackward0"
    assert not z.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_set_grad_enabled_plain_call_and_context_manager():
    torch.set_grad_enabled(False)
    try:
        assert not torch.is_grad_enabled()
        assert not (leaf() * 2).requires_grad
    finally:
        torch.set_grad_enabled(True)
    assert torch.is_grad_enabled()
    with torch.set_grad_enabled(False):
        assert not torch.is_grad_enabled()
        with torch.set_grad_enabled(True):
            assert torch.is_grad_enabled()
            assert (leaf() * 2).requires_grad
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_set_grad_enabled_created_before_with():
    mode = torch.set_grad_enabled(False)  # switches right away, like PyTorch's
    assert not torch.is_grad_enabled()
    with mode:
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()


def test_deep_nesting_restores_each_level():
    states = []
    with torch.no_grad():
        states.append(torch.is_grad_enabled())
        with torch.enable_grad():
            states.append(torch.is_grad_enabled())
            with torch.set_grad_enabled(False):
                states.append(torch.is_grad_enabled())
                with torch.inference_mode(False):
                    states.append(torch.is_grad_enabled())
                states.append(torch.is_grad_enabled())
            states.append(torch.is_grad_enabled())
        states.append(torch.is_grad_enabled())
    assert states == [False, True, False, True, False, True, False]


def test_same_no_grad_object_reused_and_nested():
    ng = torch.no_grad()
    with ng:
        with ng:
            assert not torch.is_grad_enabled()
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled()
    with ng:
        assert not torch.is_grad_enabled()


@pytest.mark.parametrize(
    "make, inside",
    [
        (torch.no_grad, False),
        (torch.inference_mode, False),
        (lambda: torch.set_grad_enabled(False), False),
        (torch.enable_grad, True),
    ],
    ids=["no_grad", "inference_mode", "set_grad_enabled", "enable_grad"],
)
def test_state_restored_on_exception(make, inside):
    for outer in (True, False):
        torch.set_grad_enabled(outer)
        try:
            with pytest.raises(ValueError, match="boom"):
                with make():
                    assert torch.is_grad_enabled() is inside
                    raise ValueError("boom")
            assert torch.is_grad_enabled() is outer
        finally:
            torch.set_grad_enabled(True)


def test_decorators_with_parentheses():
    @torch.no_grad()
    def off(x):
        return torch.is_grad_enabled(), x * 2

    @torch.enable_grad()
    def on(x):
        return torch.is_grad_enabled(), x * 2

    @torch.set_grad_enabled(False)
    def set_off(x):
        return torch.is_grad_enabled(), x * 2

    @torch.inference_mode()
    def infer(x):
        return torch.is_grad_enabled(), torch.is_inference_mode_enabled(), x * 2

    x = leaf()
    assert torch.is_grad_enabled()  # decorating with set_grad_enabled(False) changes nothing now
    enabled, y = off(x)
    assert enabled is False and not y.requires_grad
    with torch.no_grad():
        enabled, y = on(x)
    assert enabled is True and y.grad_fn.name() == "MulBackward0"
    enabled, y = set_off(x)
    assert enabled is False and not y.requires_grad
    enabled, inference, y = infer(x)
    assert (enabled, inference, y.requires_grad) == (False, True, False)
    assert off.__name__ == "off" and on.__name__ == "on"  # functools.wraps


def test_decorators_without_parentheses():
    @torch.no_grad
    def off():
        return torch.is_grad_enabled()

    @torch.enable_grad
    def on():
        return torch.is_grad_enabled()

    @torch.inference_mode
    def infer():
        return torch.is_grad_enabled(), torch.is_inference_mode_enabled()

    assert off() is False and off.__name__ == "off"
    with torch.no_grad():
        assert on() is True
    assert infer() == (False, True)


def test_decorated_function_restores_state_on_exception():
    @torch.no_grad()
    def fails():
        raise KeyError("x")

    with pytest.raises(KeyError):
        fails()
    assert torch.is_grad_enabled()


def test_decorated_recursive_function():
    @torch.no_grad()
    def depth(n):
        assert not torch.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(5) == 5


def test_decorated_generator_runs_under_the_mode():
    @torch.no_grad()
    def gen():
        yield torch.is_grad_enabled()
        yield torch.is_grad_enabled()

    g = gen()
    assert next(g) is False
    assert torch.is_grad_enabled()
    assert next(g) is False


def test_decorated_generator_passes_send_throw_close_and_return_value_through():
    log = []

    @torch.no_grad()
    def gen():
        try:
            got = yield 1
            log.append((got, torch.is_grad_enabled()))
            try:
                yield 2
            except KeyError:
                log.append(("caught", torch.is_grad_enabled()))
            yield 3
        finally:
            log.append(("closed", torch.is_grad_enabled()))
        return "unreached"

    g = gen()
    assert next(g) == 1
    assert g.send("hi") == 2
    assert g.throw(KeyError("k")) == 3
    g.close()
    assert log == [("hi", False), ("caught", False), ("closed", False)]
    assert torch.is_grad_enabled()

    @torch.enable_grad()
    def counts():
        yield torch.is_grad_enabled()
        return 7

    with torch.no_grad():
        c = counts()
        assert next(c) is True
        assert not torch.is_grad_enabled()  # the caller's mode between resumptions
        with pytest.raises(StopIteration) as stop:
            next(c)
    assert stop.value.value == 7


def test_grad_mode_is_thread_local():
    seen = []
    with torch.no_grad():
        t = threading.Thread(target=lambda: seen.append(torch.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_inference_mode():
    x = leaf()
    assert not torch.is_inference_mode_enabled()
    with torch.inference_mode():
        assert torch.is_inference_mode_enabled() and not torch.is_grad_enabled()
        y = x * 2
        with torch.inference_mode(False):
            assert not torch.is_inference_mode_enabled() and torch.is_grad_enabled()
        assert torch.is_inference_mode_enabled()
    assert not torch.is_inference_mode_enabled()
    assert y.tolist() == [2.0, 4.0] and not y.requires_grad and y.grad_fn is None


@pytest.mark.parametrize(
    "factory",
    [
        lambda: torch.zeros(2, requires_grad=True),
        lambda: torch.ones(2, requires_grad=True),
        lambda: torch.full((2,), 3.0, requires_grad=True),
        lambda: torch.randn(2, requires_grad=True),
        lambda: torch.rand(2, requires_grad=True),
        lambda: torch.empty(2, requires_grad=True),
        lambda: torch.tensor([1.0, 2.0], requires_grad=True),
        lambda: torch.linspace(0, 1, 2, requires_grad=True),
        lambda: torch.arange(2.0, requires_grad=True),
        lambda: torch.zeros_like(torch.ones(2), requires_grad=True),
        lambda: torch.ones(2).requires_grad_(),
    ],
    ids=[
        "zeros",
        "ones",
        "full",
        "randn",
        "rand",
        "empty",
        "tensor",
        "linspace",
        "arange",
        "zeros_like",
        "requires_grad_",
    ],
)
def test_factories_with_requires_grad_inside_no_grad(factory):
    with torch.no_grad():
        t = factory()
        assert t.requires_grad and t.is_leaf and t.grad_fn is None
        assert not (t * 2).requires_grad
    (t * 2).sum().backward()
    assert t.grad.tolist() == [2.0, 2.0]


def test_in_place_updates_of_leaves_under_no_grad():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w * w).sum().backward()
    versions = [int(w._version)]
    with torch.no_grad():
        w -= 0.5 * w.grad
        versions.append(int(w._version))
        w[0] = 5.0
        versions.append(int(w._version))
        w.mul_(2)
        versions.append(int(w._version))
    assert w.tolist() == [10.0, 0.0, 0.0]
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert versions == [0, 1, 2, 3]
    assert repr(w) == "tensor([10.,  0.,  0.], requires_grad=True)"
    w.grad = None
    (w * 3).sum().backward()  # still a working leaf
    assert w.grad.tolist() == [3.0, 3.0, 3.0]


def test_fill_loop_under_no_grad():
    x = torch.zeros(3, requires_grad=True)
    with torch.no_grad():
        for i in range(3):
            x.fill_(i)
    assert x.tolist() == [2.0, 2.0, 2.0] and int(x._version) == 3 and x.is_leaf


def test_backward_inside_no_grad_still_computes_grads():
    x = leaf()
    y = (x * x).sum()
    with torch.no_grad():
        y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_mode_during_backward_is_restored():
    x = leaf()
    seen = []
    y = x * 2
    y.register_hook(lambda g: seen.append(torch.is_grad_enabled()))
    y.sum().backward()
    z = x * 2
    z.register_hook(lambda g: seen.append(torch.is_grad_enabled()))
    z.sum().backward(create_graph=True)
    assert seen == [False, True]  # backward runs with grad mode = create_graph
    assert torch.is_grad_enabled()
