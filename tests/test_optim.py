"""``minigrad.optim`` (SGD, Adam) and training small networks with it.

Each optimizer configuration runs 20 steps three ways and the parameters are compared after
every step: minigrad, a float64 numpy transcription of PyTorch's documented update rules (so
the check runs without PyTorch), and, with the ``torch`` fixture, PyTorch itself. Gradients come
either from a fixed function of the current parameters (the optimizer alone is compared) or from
each library's autograd on the same small regression problem. The learning tests train on the
toy datasets of ``minigrad.data`` with fixed seeds and bound the number of steps, never the time.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.data import make_moons, make_triangle


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def version(t: Any) -> int:
    """``t._version``: an int in PyTorch, a shared VersionCounter object in minigrad."""
    v = t._version
    return v if isinstance(v, int) else v.value


RNG = np.random.default_rng(7)
INIT = [
    RNG.uniform(-1, 1, (4, 3)).astype(np.float32),
    RNG.uniform(-1, 1, (4,)).astype(np.float32),
    RNG.uniform(-1, 1, (2, 4)).astype(np.float32),
    RNG.uniform(-1, 1, (2,)).astype(np.float32),
]
X = RNG.uniform(-1, 1, (8, 3)).astype(np.float32)
Y = RNG.uniform(-1, 1, (8, 2)).astype(np.float32)
STEPS = 20


def fixed_grad(step: int, p: np.ndarray) -> np.ndarray:
    """A gradient that depends on the parameter and the step (never all ones)."""
    return np.cos(3 * p + step) + 0.3 * p


def mlp_loss(T: Any, params: list) -> Any:
    w1, b1, w2, b2 = params
    x, y = T.tensor(X), T.tensor(Y)
    return T.nn.functional.mse_loss(T.tanh(x @ w1.t() + b1) @ w2.t() + b2, y)


def trajectory(T: Any, name: str, kwargs: dict, grads: str) -> list[list[np.ndarray]]:
    params = [T.nn.Parameter(T.tensor(a.copy())) for a in INIT]
    opt = getattr(T.optim, name)(params, **kwargs)
    out = []
    for step in range(STEPS):
        opt.zero_grad()
        if grads == "fixed":
            for p in params:
                p.grad = T.tensor(fixed_grad(step, p.detach().numpy()).astype(np.float32))
        else:
            mlp_loss(T, params).backward()
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


# ----- a numpy transcription of PyTorch's update rules (torch.optim docs), in float64 -------------
def reference_fixed(name: str, kwargs: dict) -> list[list[np.ndarray]]:
    params = [a.astype(np.float64) for a in INIT]
    state: list[dict] = [{} for _ in params]
    out = []
    for step in range(STEPS):
        for i, p in enumerate(params):
            g = fixed_grad(step, p)
            update = _sgd_ref if name == "SGD" else _adam_ref
            params[i] = update(p, g, state[i], **kwargs)
        out.append([p.copy() for p in params])
    return out


def _sgd_ref(
    p: np.ndarray,
    g: np.ndarray,
    state: dict,
    lr: float = 1e-3,
    momentum: float = 0,
    dampening: float = 0,
    weight_decay: float = 0,
    nesterov: bool = False,
    maximize: bool = False,
) -> np.ndarray:
    g = -g if maximize else g
    if weight_decay:
        g = g + weight_decay * p
    if momentum:
        if "b" not in state:
            state["b"] = g.copy()
        else:
            state["b"] = momentum * state["b"] + (1 - dampening) * g
        g = g + momentum * state["b"] if nesterov else state["b"]
    return p - lr * g


def _adam_ref(
    p: np.ndarray,
    g: np.ndarray,
    state: dict,
    lr: float = 1e-3,
    betas: tuple = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0,
    amsgrad: bool = False,
    maximize: bool = False,
) -> np.ndarray:
    g = -g if maximize else g
    if weight_decay:
        g = g + weight_decay * p
    if not state:
        state.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p), vmax=np.zeros_like(p))
    b1, b2 = betas
    state["t"] += 1
    t = state["t"]
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    m_hat = state["m"] / (1 - b1**t)
    v = state["v"]
    if amsgrad:
        state["vmax"] = np.maximum(state["vmax"], v)
        v = state["vmax"]
    return p - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.05, nesterov=True)),
    ("SGD", dict(lr=0.02, maximize=True)),
    ("SGD", dict(lr=0.01, momentum=0.9, weight_decay=0.01, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True)),
]
CONFIG_IDS = [f"{n}-" + ",".join(f"{k}={v}" for k, v in kw.items()) for n, kw in CONFIGS]


def assert_same_trajectory(a: list, b: list, rtol: float, atol: float) -> None:
    """``atol`` is relative to the tensor's largest entry: gradient ascent (maximize=True) grows
    the weights, and float32 rounding with them."""
    for step, (pa, pb) in enumerate(zip(a, b)):
        for i, (x, y) in enumerate(zip(pa, pb)):
            scale = max(1.0, float(np.abs(y).max()))
            np.testing.assert_allclose(
                x, y, rtol=rtol, atol=atol * scale, err_msg=f"step {step}, parameter {i}"
            )


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=CONFIG_IDS)
def test_matches_reference_update_rules(name: str, kwargs: dict) -> None:
    ours = trajectory(mg, name, kwargs, "fixed")
    assert not np.allclose(ours[-1][0], INIT[0])  # the parameters moved
    assert_same_trajectory(ours, reference_fixed(name, kwargs), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("grads", ["fixed", "autograd"])
@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=CONFIG_IDS)
def test_matches_torch_step_by_step(torch: Any, name: str, kwargs: dict, grads: str) -> None:
    ours, theirs = trajectory(mg, name, kwargs, grads), trajectory(torch, name, kwargs, grads)
    assert_same_trajectory(ours, theirs, rtol=1e-5, atol=1e-5)


def test_sgd_momentum_by_hand() -> None:
    """b1 = g, b2 = 0.9 b1 + g; p2 = p0 - lr (b1 + b2) with a constant gradient of 1."""
    p = nn.Parameter(mg.tensor([1.0]))
    opt = mg.optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        p.grad = mg.tensor([1.0])
        opt.step()
    assert p.item() == pytest.approx(1 - 0.1 * (1 + 1.9))


def test_adam_first_step_is_lr_times_sign() -> None:
    """Bias correction makes Adam's first step lr * g / (|g| + eps): lr in the gradient's sign."""
    p = nn.Parameter(mg.tensor([1.0, -2.0, 3.0]))
    opt = mg.optim.Adam([p], lr=0.1)
    p.grad = mg.tensor([4.0, -0.001, 0.5])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.9, -1.9, 2.9], rtol=1e-5)


# ----- zero_grad, groups, closures, skipped parameters --------------------------------------------
def test_zero_grad() -> None:
    p = nn.Parameter(mg.ones(2))
    opt = mg.optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()  # nothing to clear


def test_param_groups_with_different_lr() -> None:
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = mg.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]
    a.grad, b.grad = mg.ones(2), mg.ones(2)
    opt.step()
    assert a.tolist() == pytest.approx([0.9, 0.9]) and b.tolist() == [0.5, 0.5]
    c = nn.Parameter(mg.ones(1))
    opt.add_param_group({"params": [c], "lr": 1.0})
    assert opt.param_groups[2]["momentum"] == 0.5 and opt.param_groups[2]["lr"] == 1.0


def test_param_groups_match_torch(torch: Any) -> None:
    def run(T: Any) -> list:
        a = T.nn.Parameter(T.tensor(INIT[0].copy()))
        b = T.nn.Parameter(T.tensor(INIT[1].copy()))
        opt = T.optim.Adam([{"params": [a], "lr": 0.05}, {"params": [b]}], lr=0.01, amsgrad=True)
        for step in range(5):
            for p in (a, b):
                p.grad = T.tensor(fixed_grad(step, p.detach().numpy()).astype(np.float32))
            opt.step()
        return [a.detach().numpy(), b.detach().numpy()]

    for x, y in zip(run(mg), run(torch)):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def test_parameters_without_grad_are_skipped() -> None:
    a, b = nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(2))
    opt = mg.optim.Adam([a, b], lr=0.1)
    v = version(b)
    a.grad = mg.ones(2)
    opt.step()
    assert b.tolist() == [1.0, 1.0] and version(b) == v
    assert len(opt.state) == 1


def test_step_with_closure_returns_the_loss() -> None:
    p = nn.Parameter(mg.ones(2))
    opt = mg.optim.SGD([p], lr=0.1)

    def closure() -> mg.Tensor:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 2.0
    assert p.tolist() == pytest.approx([0.8, 0.8])


def test_defaults() -> None:
    p = [nn.Parameter(mg.ones(1))]
    assert mg.optim.SGD(p).defaults == dict(
        lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
    )
    assert mg.optim.Adam(p).defaults == dict(
        lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False
    )


# ----- the version counter ----------------------------------------------------------------------
def test_step_bumps_the_version_counter() -> None:
    p = nn.Parameter(mg.ones(2))
    opt = mg.optim.SGD([p], lr=0.1)
    v = version(p)
    p.grad = mg.ones(2)
    opt.step()
    opt.step()
    assert version(p) == v + 2


def _stale_graph(T: Any, opt_name: str) -> None:
    w = T.nn.Parameter(T.ones(2))
    opt = getattr(T.optim, opt_name)([w], lr=0.1)
    y = (w * w).sum()  # saves w for backward
    w.grad = T.ones(2)
    opt.step()
    y.backward()


STALE_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: [torch.FloatTensor [2]] is at version 1; expected version 0 instead. Hint: "
    "enable anomaly detection to find the operation that failed to compute its gradient, with "
    "torch.autograd.set_detect_anomaly(True, check_nan=False)."
)


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_step_invalidates_graphs_that_saved_the_old_weight(opt_name: str) -> None:
    with pytest.raises(RuntimeError) as info:
        _stale_graph(mg, opt_name)
    assert str(info.value).replace("minigrad.", "torch.") == STALE_MESSAGE


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_stale_graph_error_matches_torch(torch: Any, opt_name: str) -> None:
    with pytest.raises(RuntimeError) as info:
        _stale_graph(torch, opt_name)
    assert str(info.value) == STALE_MESSAGE


def test_step_between_forward_and_backward_of_a_linear_layer() -> None:
    """The classic mistake: opt.step() before loss.backward() of a graph that used the layer."""
    lin = nn.Linear(2, 1)
    opt = mg.optim.SGD(lin.parameters(), lr=0.1)
    loss = lin(mg.ones(3, 2, requires_grad=True)).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(
        RuntimeError,
        match=r"modified by an inplace operation: "
        r"\[minigrad.FloatTensor \[2, 1\]\].* is at version 2; expected version 1",
    ):
        loss.backward()


# ----- state_dict -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
        ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    ],
)
def test_state_dict_resumes_identically(name: str, kwargs: dict) -> None:
    def make(values: list[np.ndarray], **over: Any) -> tuple[list, Any]:
        params = [nn.Parameter(mg.tensor(v.copy())) for v in values]
        return params, getattr(mg.optim, name)(params, **{**kwargs, **over})

    def run(params: list, opt: Any, steps: range) -> None:
        for _ in steps:
            opt.zero_grad()
            mlp_loss(mg, params).backward()
            opt.step()

    params, opt = make(INIT)
    run(params, opt, range(10))
    saved = copy.deepcopy(opt.state_dict())
    snapshot = [p.detach().numpy().copy() for p in params]
    run(params, opt, range(10))

    resumed, opt2 = make(snapshot, lr=123.0)  # the loaded param_groups restore lr
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == kwargs["lr"]
    run(resumed, opt2, range(10))
    for a, b in zip(params, resumed):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())

    fresh, opt3 = make(snapshot)  # without the state the run differs (momentum / moments lost)
    run(fresh, opt3, range(10))
    assert not np.array_equal(fresh[0].detach().numpy(), params[0].detach().numpy())


def test_state_dict_layout() -> None:
    params = [nn.Parameter(mg.ones(2)), nn.Parameter(mg.ones(3))]
    opt = mg.optim.Adam([{"params": [params[0]]}, {"params": [params[1]], "lr": 0.5}])
    for p in params:
        p.grad = mg.ones(*p.shape)
    opt.step()
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert sorted(sd["state"]) == [0, 1]
    assert sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [1e-3, 0.5]


# ----- errors -----------------------------------------------------------------------------------
def _p(T: Any) -> list:
    return [T.nn.Parameter(T.ones(2))]


def _dup_groups(T: Any) -> None:
    a = T.nn.Parameter(T.ones(2))
    T.optim.SGD([{"params": [a]}, {"params": [a]}], lr=0.1)


def _load_mismatched(T: Any, groups: str) -> None:
    """Load a state_dict whose groups do not fit: two groups into one, or 2 params into 1."""
    p, q = T.nn.Parameter(T.ones(2)), T.nn.Parameter(T.ones(2))
    two = T.optim.SGD([{"params": [p]}, {"params": [q]}], lr=0.1)
    one = T.optim.SGD([p] if groups == "sizes" else [p, q], lr=0.1)
    src = T.optim.SGD([p, q], lr=0.1) if groups == "sizes" else two
    one.load_state_dict(src.state_dict())


OPT_ERRORS = [
    ("sgd-lr", lambda T: T.optim.SGD(_p(T), lr=-1), ValueError, "Invalid learning rate: -1"),
    (
        "sgd-momentum",
        lambda T: T.optim.SGD(_p(T), lr=0.1, momentum=-0.5),
        ValueError,
        "Invalid momentum value: -0.5",
    ),
    (
        "sgd-weight_decay",
        lambda T: T.optim.SGD(_p(T), lr=0.1, weight_decay=-1),
        ValueError,
        "Invalid weight_decay value: -1",
    ),
    (
        "sgd-nesterov-no-momentum",
        lambda T: T.optim.SGD(_p(T), lr=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    (
        "sgd-nesterov-dampening",
        lambda T: T.optim.SGD(_p(T), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        "Nesterov momentum requires a momentum and zero dampening",
    ),
    (
        "sgd-empty",
        lambda T: T.optim.SGD([], lr=0.1),
        ValueError,
        "optimizer got an empty parameter list",
    ),
    (
        "sgd-tensor",
        lambda T: T.optim.SGD(T.ones(2), lr=0.1),
        TypeError,
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
        "torch.FloatTensor",
    ),
    (
        "sgd-non-leaf",
        lambda T: T.optim.SGD([T.ones(2, requires_grad=True) * 2], lr=0.1),
        ValueError,
        "can't optimize a non-leaf Tensor",
    ),
    (
        "sgd-not-a-tensor",
        lambda T: T.optim.SGD([1.0], lr=0.1),
        TypeError,
        "optimizer can only optimize Tensors, but one of the params is float",
    ),
    (
        "sgd-duplicate-groups",
        _dup_groups,
        ValueError,
        "some parameters appear in more than one parameter group",
    ),
    ("adam-lr", lambda T: T.optim.Adam(_p(T), lr=-1), ValueError, "Invalid learning rate: -1"),
    ("adam-eps", lambda T: T.optim.Adam(_p(T), eps=-1), ValueError, "Invalid epsilon value: -1"),
    (
        "adam-beta0",
        lambda T: T.optim.Adam(_p(T), betas=(1.0, 0.9)),
        ValueError,
        "Invalid beta parameter at index 0: 1.0",
    ),
    (
        "adam-beta1",
        lambda T: T.optim.Adam(_p(T), betas=(0.9, -0.1)),
        ValueError,
        "Invalid beta parameter at index 1: -0.1",
    ),
    (
        "adam-weight_decay",
        lambda T: T.optim.Adam(_p(T), weight_decay=-1),
        ValueError,
        "Invalid weight_decay value: -1",
    ),
    ("adam-empty", lambda T: T.optim.Adam([]), ValueError, "optimizer got an empty parameter list"),
    (
        "load-group-count",
        lambda T: _load_mismatched(T, "count"),
        ValueError,
        "loaded state dict has a different number of parameter groups",
    ),
    (
        "load-group-size",
        lambda T: _load_mismatched(T, "sizes"),
        ValueError,
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's "
        "group",
    ),
]


def outcome(T: Any, fn: Callable[[Any], Any]) -> tuple[type, str] | None:
    try:
        fn(T)
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return type(e), str(e).replace("minigrad.", "torch.")
    return None


@pytest.mark.parametrize(
    ("cid", "fn", "exc", "message"), OPT_ERRORS, ids=[e[0] for e in OPT_ERRORS]
)
def test_errors(cid: str, fn: Callable, exc: type, message: str) -> None:
    assert outcome(mg, fn) == (exc, message)


@pytest.mark.parametrize(
    ("cid", "fn", "exc", "message"), OPT_ERRORS, ids=[e[0] for e in OPT_ERRORS]
)
def test_errors_match_torch(torch: Any, cid: str, fn: Callable, exc: type, message: str) -> None:
    assert outcome(torch, fn) == (exc, message)


# ----- learning ---------------------------------------------------------------------------------
def mlp(*sizes: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def accuracy(model: nn.Module, X: mg.Tensor, y: mg.Tensor) -> float:
    with mg.no_grad():
        return ((model(X).squeeze(1) > 0).long() == y).float().mean().item()


def train(
    model: nn.Module, X: mg.Tensor, y: mg.Tensor, opt: Any, max_steps: int, stop_at_100: bool = True
) -> tuple[int, float]:
    """Full-batch steps of BCE-with-logits until every point is right (or max_steps)."""
    loss_fn = nn.BCEWithLogitsLoss()
    target = y.float().unsqueeze(1)
    for step in range(1, max_steps + 1):
        opt.zero_grad()
        loss_fn(model(X), target).backward()
        opt.step()
        if stop_at_100 and accuracy(model, X, y) == 1.0:
            return step, 1.0
    return max_steps, accuracy(model, X, y)


@pytest.mark.parametrize(
    ("make_opt", "max_steps"),
    [
        (lambda params: mg.optim.Adam(params, lr=0.01), 500),
        (lambda params: mg.optim.SGD(params, lr=0.1, momentum=0.9), 500),
    ],
    ids=["Adam", "SGD-momentum"],
)
def test_mlp_fits_moons(make_opt: Callable, max_steps: int) -> None:
    X, y = make_moons(200, noise=0.1, seed=0)
    mg.manual_seed(0)
    model = mlp(2, 16, 16, 1)
    before = accuracy(model, X, y)
    steps, acc = train(model, X, y, make_opt(model.parameters()), max_steps)
    assert acc == 1.0, f"{acc:.3f} after {steps} steps (from {before:.3f})"


def _fc1_rows_after_training(init: Callable[[nn.Module], None] | None) -> tuple:
    X, y = make_moons(200, noise=0.1, seed=0)
    mg.manual_seed(0)
    model = mlp(2, 16, 16, 1)
    if init is not None:
        for p in model.parameters():
            init(p)
    before = model[0].weight.detach().numpy().copy()
    train(model, X, y, mg.optim.SGD(model.parameters(), lr=0.1), 20, stop_at_100=False)
    return before, model[0].weight.detach().numpy(), model


def test_constant_init_keeps_hidden_units_identical() -> None:
    """The symmetry problem: the same start gives every hidden unit the same gradient, so they
    move together and stay copies of each other, however long we train."""
    before, after, model = _fc1_rows_after_training(lambda p: nn.init.constant_(p, 0.5))
    assert not np.allclose(after, before)  # the gradients were not zero: the weights moved
    np.testing.assert_allclose(after, np.broadcast_to(after[0], after.shape), rtol=1e-6)
    w2 = model[2].weight.detach().numpy()
    np.testing.assert_allclose(w2, np.full_like(w2, w2[0, 0]), rtol=1e-6)


def test_zero_init_is_stuck() -> None:
    """All zeros is worse: the ReLUs output 0, so no weight gets any gradient at all."""
    before, after, model = _fc1_rows_after_training(nn.init.zeros_)
    assert (after == 0).all() and (model[2].weight.detach().numpy() == 0).all()
    assert (model[0].weight.grad.numpy() == 0).all()
    assert model[4].bias.item() != 0  # only the output bias learns


def test_random_init_breaks_the_symmetry() -> None:
    _, after, _ = _fc1_rows_after_training(None)
    assert len({tuple(np.round(r, 6)) for r in after}) == after.shape[0]


def test_a_line_cannot_fit_the_triangle_but_three_neurons_can() -> None:
    """The course's point: inside-a-triangle needs three boundaries; one Linear draws one."""
    X, y = make_triangle(300, seed=0)
    share_inside = y.float().mean().item()
    mg.manual_seed(0)
    line = mlp(2, 1)
    _, acc_line = train(
        line, X, y, mg.optim.Adam(line.parameters(), lr=0.05), 500, stop_at_100=False
    )
    assert acc_line < 0.85 and acc_line < max(share_inside, 1 - share_inside) + 0.05
    for hidden in (3, 8):
        mg.manual_seed(0)
        net = mlp(2, hidden, 1)
        steps, acc = train(net, X, y, mg.optim.Adam(net.parameters(), lr=0.05), 1000)
        assert acc >= 0.97 and acc > acc_line + 0.15, (hidden, steps, acc)


def test_training_matches_torch(torch: Any) -> None:
    """The whole loop (Linear, ReLU, BCEWithLogits, Adam) against PyTorch from the same start."""
    X, y = make_moons(64, noise=0.1, seed=1)

    def run(T: Any, state: dict | None) -> tuple[Any, list[float]]:
        model = T.nn.Sequential(T.nn.Linear(2, 8), T.nn.ReLU(), T.nn.Linear(8, 1))
        if state is not None:
            model.load_state_dict(state)
        opt = T.optim.Adam(model.parameters(), lr=0.02)
        x, t = T.tensor(X.numpy()), T.tensor(y.numpy()).float().unsqueeze(1)
        losses = []
        for _ in range(30):
            opt.zero_grad()
            loss = T.nn.BCEWithLogitsLoss()(model(x), t)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return model, losses

    mg.manual_seed(0)
    ours, our_losses = run(mg, None)
    mg.manual_seed(0)
    start = mg.nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1)).state_dict()
    theirs, their_losses = run(
        torch, {k: torch.from_numpy(v.numpy().copy()) for k, v in start.items()}
    )
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-4)
    assert our_losses[-1] < our_losses[0] * 0.8
    for (n, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(
            a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=n
        )
    assert math.isfinite(our_losses[-1])
