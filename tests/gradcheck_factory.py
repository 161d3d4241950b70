"""A MyGrad-style test factory: one decorator turns an op's lambda into its gradient tests.

    @grad_test(lambda x, y: x * y, n_inputs=2, domain=REAL, gradgrad=True)
    class TestMul:
        pass

adds to the class:

test_grad          (Hypothesis) draws shapes, kink-free float64 values, memory layouts and extra
                   arguments; runs the op on leaves that require grad; backpropagates a random,
                   non-uniform upstream gradient `g` (never all ones, never `out.sum()`); and
                   compares every leaf's `.grad` with central finite differences of
                   `sum(f(x) * g)`, perturbing each element in float64. It also checks that the
                   gradient has the leaf's shape and dtype, that no input was written to, that
                   the forward values do not depend on grad mode, and that the graph was freed:
                   every node that saved something has `_saved is None` afterwards and a second
                   backward() raises PyTorch's RuntimeError (when no node saved anything, the
                   second backward must instead add the same gradient again).
test_torch_parity  (Hypothesis, skipped without torch) runs the very same lambda on PyTorch
                   tensors built the same way and compares forward values, dtypes and gradients
                   (rtol 1e-10 in float64); tinygrad's `helper_test_op` idea.
test_gradcheck     `minigrad.autograd.gradcheck` (full Jacobians) on a few small examples.
test_gradgradcheck `minigrad.autograd.gradgradcheck`, only with `gradgrad=True`.

The lambda is written once for both libraries: tensors arrive as arguments, and library
functions are reached through `T` (`T.where(mask, x, y)`, `T.float32`), which is minigrad or
torch depending on who is running it. numpy arrays among the extra keyword arguments (masks,
index tensors) are turned into the running library's tensors; lists and numbers pass as is.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    LAYOUTS,
    REAL,
    Domain,
    Layout,
    arrays,
    broadcastable_shapes,
    joint_distinct_arrays,
    layouts,
    shapes,
    single,
    upstream,
)

import minigrad

FREED = "backward through the graph a second time"


# ----- one lambda, two libraries ---------------------------------------------------------------
class _Backend:
    """`T.<name>` is `minigrad.<name>` or `torch.<name>`, whichever library is running."""

    _stack: list = [minigrad]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stack[-1], name)


T = _Backend()


@contextlib.contextmanager
def backend(lib):
    _Backend._stack.append(lib)
    try:
        yield lib
    finally:
        _Backend._stack.pop()


def _to_lib(lib, value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return lib.from_numpy(value.copy())
    if isinstance(value, tuple):
        return tuple(_to_lib(lib, v) for v in value)
    return value


def to_numpy(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


# ----- the spec --------------------------------------------------------------------------------
@dataclass
class Spec:
    fn: Callable
    n_inputs: int
    domains: tuple[Domain, ...]
    shapes: Any
    kwargs: Callable | None
    reference: Callable | None
    dtypes: tuple
    layouts: tuple[str, ...]
    joint_distinct: bool
    eps: float
    atol: float
    rtol: float
    torch_rtol: float
    torch_atol: float


@dataclass
class Case:
    """One drawn example."""

    values: list[np.ndarray]
    layouts: list[Layout]
    kwargs: dict
    seed: int


def _draw_case(spec: Spec, data) -> Case:
    all_shapes = data.draw(spec.shapes, label="shapes")
    in_shapes = all_shapes[: spec.n_inputs]
    if spec.joint_distinct:
        values = data.draw(joint_distinct_arrays(in_shapes, spec.domains[0]), label="values")
    else:
        values = [data.draw(arrays(s, d), label=f"x{i}")
                  for i, (s, d) in enumerate(zip(in_shapes, spec.domains))]  # fmt: skip
    # a float32 leaf holds the rounded values: centre the finite differences there
    values = [v.astype(dt).astype(np.float64) for v, dt in zip(values, spec.dtypes)]
    lays = [Layout(data.draw(layouts(s, spec.layouts), label=f"layout{i}"))
            for i, s in enumerate(in_shapes)]  # fmt: skip
    kw = data.draw(spec.kwargs(all_shapes), label="kwargs") if spec.kwargs else {}
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    return Case(values, lays, kw, seed)


def _outputs(out: Any) -> list:
    """The tensors an op returned (a tensor, a tuple, a namedtuple such as max's)."""
    if isinstance(out, (tuple, list)):
        return list(out)
    return [out]


@dataclass
class Run:
    leaves: list
    buffers: list[np.ndarray]
    outs: list
    diff: list[int]  # positions of outputs that carry a gradient


def _run(lib, spec: Spec, case: Case, fn: Callable | None = None) -> Run:
    """The op on fresh leaves of the running library, graph recorded."""
    leaves, inputs, buffers = [], [], []
    for v, lay, dt in zip(case.values, case.layouts, spec.dtypes):
        leaf, buf = lay.make_leaf(lib, v, dt)
        leaves.append(leaf)
        buffers.append(buf)
    with backend(lib):
        inputs = [lay.view(leaf) for leaf, lay in zip(leaves, case.layouts)]
        out = (fn or spec.fn)(*inputs, **{k: _to_lib(lib, v) for k, v in case.kwargs.items()})
    outs = _outputs(out)
    diff = [i for i, o in enumerate(outs) if o.requires_grad]
    return Run(leaves, buffers, outs, diff)


def _upstreams(run: Run, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [upstream(rng, tuple(run.outs[i].shape), _np_dtype(run.outs[i])) for i in run.diff]


def _np_dtype(t: Any) -> np.dtype:
    return {"float64": np.float64, "float32": np.float32}[str(t.dtype).rsplit(".", 1)[-1]]


def _backward(lib, run: Run, ups: list[np.ndarray]) -> None:
    grads = [lib.from_numpy(u.copy()) for u in ups]
    if len(run.diff) == 1:
        run.outs[run.diff[0]].backward(grads[0])
    else:
        lib.autograd.backward([run.outs[i] for i in run.diff], grads)


# ----- finite differences ----------------------------------------------------------------------
def _forward_values(spec: Spec, case: Case, values: list[np.ndarray],
                    fn: Callable | None = None) -> list[np.ndarray]:  # fmt: skip
    """The outputs of `fn` (default: the reference, else the op) under no_grad, as float64."""
    fn = fn or spec.reference or spec.fn
    with backend(minigrad), minigrad.no_grad():
        ins = [minigrad.from_numpy(v.astype(dt)) for v, dt in zip(values, spec.dtypes)]
        out = fn(*ins, **{k: _to_lib(minigrad, v) for k, v in case.kwargs.items()})
    return [to_numpy(o) for o in _outputs(out)]


def numerical_grads(spec: Spec, case: Case, diff: list[int],
                    ups: list[np.ndarray]) -> list[np.ndarray]:  # fmt: skip
    """d/dx_i of sum(f(x)[k] * ups[k]) by central differences, element by element."""
    values = [v.copy() for v in case.values]

    def loss() -> float:
        outs = _forward_values(spec, case, values)
        return math.fsum(float(np.sum(outs[i].astype(np.float64) * u.astype(np.float64)))
                         for i, u in zip(diff, ups))  # fmt: skip

    eps, grads = spec.eps, []
    for x in values:
        g = np.zeros(x.shape)
        for idx in np.ndindex(x.shape):
            orig = x[idx]
            x[idx] = orig + eps
            plus = loss()
            x[idx] = orig - eps
            minus = loss()
            x[idx] = orig
            g[idx] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


# ----- graph inspection ------------------------------------------------------------------------
def graph_nodes(outs: list) -> list:
    """Every backward node reachable from the outputs' grad_fns (leaves' AccumulateGrad too)."""
    seen: dict = {}
    stack = [o.grad_fn for o in outs if getattr(o, "grad_fn", None) is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = None
        stack.extend(e[0] for e in node._next if e is not None)
    return list(seen)


# ----- the checks ------------------------------------------------------------------------------
def check_grad(spec: Spec, case: Case) -> None:
    run = _run(minigrad, spec, case)
    assert run.diff, "the op returned no output that requires grad"
    before = [b.copy() for b in run.buffers]
    fwd = [to_numpy(o) for o in run.outs]

    # forward: the same values with and without grad mode (and as the out-of-place reference)
    for got, want in zip(fwd, _forward_values(spec, case, case.values, spec.fn)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg="grad mode")
    if spec.reference is not None:
        for got, want in zip(fwd, _forward_values(spec, case, case.values)):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg="reference")

    ups = _upstreams(run, case.seed)
    nodes = graph_nodes(run.outs)
    saving = [n for n in nodes if n._saved]  # nodes holding saved tensors before backward
    _backward(minigrad, run, ups)

    # no input mutated (strided layouts also keep the NaN gaps of their buffers)
    for b, b0 in zip(run.buffers, before):
        np.testing.assert_array_equal(b, b0, err_msg="the op wrote into its input")

    expected = numerical_grads(spec, case, run.diff, ups)
    first = []
    for i, (leaf, lay, g_fd) in enumerate(zip(run.leaves, case.layouts, expected)):
        assert leaf.grad is not None, f"input {i} got no gradient"
        assert tuple(leaf.grad.shape) == tuple(leaf.shape), f"grad shape of input {i}"
        assert leaf.grad.dtype == leaf.dtype, f"grad dtype of input {i}"
        got = to_numpy(leaf.grad)
        first.append(got)
        np.testing.assert_allclose(got, lay.leaf_grad(g_fd), rtol=spec.rtol, atol=spec.atol,
                                   err_msg=f"gradient of input {i} ({lay.kind})")  # fmt: skip

    # the graph is freed
    for n in saving:
        assert n._saved is None, f"{n.name()} kept its saved tensors after backward()"
    if saving:
        with pytest.raises(RuntimeError, match=FREED):
            _backward(minigrad, run, ups)
    else:  # nothing to free: a second backward adds the same gradient again
        _backward(minigrad, run, ups)
        for i, (leaf, g1) in enumerate(zip(run.leaves, first)):
            np.testing.assert_allclose(to_numpy(leaf.grad), 2 * g1, rtol=1e-12, atol=1e-12,
                                       err_msg=f"second backward, input {i}")  # fmt: skip


def check_torch(spec: Spec, case: Case, torch) -> None:
    mg = _run(minigrad, spec, case)
    th = _run(torch, spec, case)
    assert len(mg.outs) == len(th.outs)
    for k, (a, b) in enumerate(zip(mg.outs, th.outs)):
        assert tuple(a.shape) == tuple(b.shape), f"output {k} shape"
        assert str(a.dtype).rsplit(".")[-1] == str(b.dtype).rsplit(".")[-1], f"output {k} dtype"
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=spec.torch_rtol,
                                   atol=spec.torch_atol, err_msg=f"forward output {k}")  # fmt: skip
    assert mg.diff == th.diff, "outputs that require grad"
    ups = _upstreams(mg, case.seed)
    _backward(minigrad, mg, ups)
    _backward(torch, th, ups)
    for i, (a, b) in enumerate(zip(mg.leaves, th.leaves)):
        assert (a.grad is None) == (b.grad is None), f"input {i}: grad is None in one library"
        if b.grad is not None:
            np.testing.assert_allclose(to_numpy(a.grad), to_numpy(b.grad), rtol=spec.torch_rtol,
                                       atol=spec.torch_atol,
                                       err_msg=f"gradient of input {i}")  # fmt: skip


def _functional_check(spec: Spec, case: Case, which: str) -> None:
    run_leaves = [lay.make_leaf(minigrad, v, dt)[0]
                  for v, lay, dt in zip(case.values, case.layouts, spec.dtypes)]  # fmt: skip
    kw = case.kwargs

    def f(*leaves):
        with backend(minigrad):
            ins = [lay.view(leaf) for leaf, lay in zip(leaves, case.layouts)]
            return spec.fn(*ins, **{k: _to_lib(minigrad, v) for k, v in kw.items()})

    check = getattr(minigrad.autograd, which)
    assert check(f, tuple(run_leaves), eps=spec.eps, atol=max(spec.atol, 1e-5),
                 rtol=max(spec.rtol, 1e-4))  # fmt: skip


# ----- the decorator ---------------------------------------------------------------------------
def _max_examples(fraction: float = 1.0, cap: int | None = None) -> int:
    n = max(1, int(settings().max_examples * fraction))
    return min(n, cap) if cap else n


def _named(fn: Callable, cls: type, name: str) -> Callable:
    """Distinct Hypothesis database keys for the generated tests of every class."""
    fn.hypothesis.inner_test._hypothesis_internal_add_digest = (
        f"{cls.__module__}.{cls.__name__}.{name}".encode()
    )
    return fn


def grad_test(
    fn: Callable,
    n_inputs: int = 1,
    *,
    domain: Domain | Sequence[Domain] = REAL,
    shapes: Any = None,
    kwargs: Callable | None = None,
    reference: Callable | None = None,
    dtypes: Sequence = (),
    layouts: Sequence[str] = LAYOUTS,
    joint_distinct: bool = False,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    torch_rtol: float = 1e-10,
    torch_atol: float = 1e-12,
    gradcheck: bool = True,
    gradgrad: bool = True,
    xfail: str | None = None,
    gradcheck_xfail: str | None = None,
    gradgrad_xfail: str | None = None,
    torch_xfail: str | None = None,
) -> Callable[[type], type]:
    """Decorate a test class with gradient tests of `fn` (see the module docstring).

    n_inputs   how many leading arguments of `fn` are differentiable float tensors.
    domain     one Domain for all inputs, or one per input.
    shapes     strategy of a tuple of shapes; the first n_inputs are the inputs', any extra
               ones are only passed to `kwargs` (default: mutually broadcastable shapes).
    kwargs     shapes -> strategy of a dict of extra keyword arguments of `fn`.
    reference  an out-of-place function whose finite differences (and forward values) the op
               must match; used for in-place ops.
    dtypes     numpy dtypes of the inputs (default float64).
    joint_distinct  draw all inputs' values from one pool of distinct values (no ties between
               inputs, for maximum/minimum).
    xfail...   strict xfail reasons for known core bugs.
    """
    domains = (domain,) * n_inputs if isinstance(domain, Domain) else tuple(domain)
    if shapes is None:
        shapes = single(_default_shapes()) if n_inputs == 1 else broadcastable_shapes(n_inputs)
    spec = Spec(fn, n_inputs, domains, shapes, kwargs, reference,
                tuple(dtypes) or (np.float64,) * n_inputs, tuple(layouts), joint_distinct, eps,
                atol, rtol, torch_rtol, torch_atol)  # fmt: skip
    float64_only = all(np.dtype(d) == np.float64 for d in spec.dtypes)

    def xf(reason: str | None):
        return pytest.mark.xfail(strict=True, reason=reason) if reason else (lambda f: f)

    def decorate(cls: type) -> type:
        @xf(xfail)
        @settings(deadline=None)
        @given(data=st.data())
        def test_grad(self, data):
            check_grad(spec, _draw_case(spec, data))

        @settings(deadline=None, max_examples=_max_examples(1 / 3))
        @given(data=st.data())
        def torch_inner(data, torch):
            check_torch(spec, _draw_case(spec, data), torch)

        @xf(torch_xfail)
        def test_torch_parity(self):
            torch = pytest.importorskip("torch")
            torch_inner(torch=torch)

        @xf(gradcheck_xfail)
        @settings(deadline=None, max_examples=_max_examples(0.1, cap=4))
        @given(data=st.data())
        def test_gradcheck(self, data):
            _functional_check(spec, _draw_case(spec, data), "gradcheck")

        @xf(gradgrad_xfail)
        @settings(deadline=None, max_examples=_max_examples(0.1, cap=4))
        @given(data=st.data())
        def test_gradgradcheck(self, data):
            _functional_check(spec, _draw_case(spec, data), "gradgradcheck")

        cls.test_grad = _named(test_grad, cls, "test_grad")
        _named(torch_inner, cls, "test_torch_parity")
        cls.test_torch_parity = test_torch_parity
        if gradcheck and float64_only:
            cls.test_gradcheck = _named(test_gradcheck, cls, "test_gradcheck")
        if gradgrad and float64_only:
            cls.test_gradgradcheck = _named(test_gradgradcheck, cls, "test_gradgradcheck")
        cls.spec = spec
        return cls

    return decorate


def _default_shapes():
    return shapes()
