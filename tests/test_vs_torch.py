"""minigrad against real PyTorch, op by op (in the style of tinygrad's ``helper_test_op``).

Every case is a lambda (or a small function) taking the module as its first argument, ``torch``;
it runs once with ``torch`` bound to minigrad and once to real PyTorch, and everything observable
is compared: values (exact for ints/bools, a few ulp for floats), dtype, shape, ``repr`` (when the
values agree bit for bit), ``grad_fn`` class name, ``requires_grad``, ``is_leaf``, the input
gradients after ``backward`` with a random upstream gradient, and, when the lambda raises, the
exception type and ``str(e)`` (minigrad's hints are exception notes, not part of ``str(e)``).

Scenarios (in-place ops, version counters, grad modes, hooks ...) are functions ``fn(torch)``
whose return values (tensors, numbers, lists, caught exceptions via ``raises``) are compared the
same way. Known minigrad bugs are strict xfails whose reason says where the bug is.

Needs PyTorch (``pip install -e .[torch]``); the whole module is skipped without it.
Deliberately not compared: random values (only shapes/dtypes/ranges), devices other than CPU,
``inference_mode`` beyond ``no_grad`` semantics, uninitialised memory (``empty``), grad_fn names
of composite ops (``var``/``std``) and of batched ``matmul`` (PyTorch's folding into
mm/bmm + reshapes), ``floor_divide``'s autograd (not differentiable here, NotImplemented grad_fn
in PyTorch), PyTorch's argument-parser messages for wrongly typed arguments, unsupported dtypes
(float16, uint8, complex ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minigrad  # noqa: E402

RNG = np.random.default_rng(20240613)


# ----- inputs ------------------------------------------------------------------------------------
def rnd(*shape: int, lo: float = -3, hi: float = 3, step: float = 0.25, dtype: Any = np.float32):
    """Random multiples of ``step`` in [lo, hi]: exactly representable, so most results are too."""
    n = int(round((hi - lo) / step))
    return (lo + step * RNG.integers(0, n + 1, size=shape)).astype(dtype)


def pos(*shape: int, dtype: Any = np.float32):
    """Strictly positive values (log, sqrt, pow with a tensor exponent)."""
    return rnd(*shape, lo=0.25, hi=3, dtype=dtype)


def distinct(*shape: int, dtype: Any = np.float32):
    """No ties (max/min/argmax whose index would otherwise be implementation-defined)."""
    n = int(np.prod(shape))
    return ((RNG.permutation(n) - n / 2) * 0.5).reshape(shape).astype(dtype)


def ints(*shape: int, lo: int = -5, hi: int = 5, dtype: Any = np.int64):
    return RNG.integers(lo, hi + 1, size=shape).astype(dtype)


def bools(*shape: int):
    return RNG.integers(0, 2, size=shape).astype(bool)


class NoGrad:
    """An input tensor made without ``requires_grad`` even though it is floating point."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Raw:
    """Passed to the lambda unchanged (a numpy array stays a numpy array)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _make_input(lib: Any, x: Any, grad: bool) -> Any:
    if isinstance(x, Raw):
        return x.value.copy() if isinstance(x.value, np.ndarray) else x.value
    if isinstance(x, NoGrad):
        return lib.tensor(np.array(x.value))
    if isinstance(x, np.ndarray):
        return lib.tensor(x.copy(), requires_grad=grad and x.dtype.kind == "f")
    return x  # Python numbers and everything else


# ----- turning results into comparable plain data ------------------------------------------------
def version(t: Any) -> int:
    """``t._version``: an int in PyTorch, a shared VersionCounter object in minigrad."""
    v = t._version
    return v if isinstance(v, int) else v.value


def _name(text: str) -> str:
    return text.replace("minigrad.", "torch.").replace("minigrad::", "torch::")


def _is_tensor(x: Any) -> bool:
    return isinstance(x, (minigrad.Tensor, torch.Tensor))


def _values(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


def snap(x: Any) -> Any:
    """Plain, library-independent description of a result."""
    if _is_tensor(x):
        fn = x.grad_fn
        return {
            "kind": "tensor",
            "class": type(x).__name__,
            "dtype": _name(str(x.dtype)),
            "shape": tuple(x.shape),
            "values": _values(x),
            "requires_grad": x.requires_grad,
            "is_leaf": x.is_leaf,
            "grad_fn": None if fn is None else type(fn).__name__,
            "repr": _name(repr(x)),
        }
    if isinstance(x, (minigrad.Size, torch.Size)):
        return ("Size", tuple(x), _name(repr(x)))
    if isinstance(x, (minigrad.dtype, torch.dtype)):
        return ("dtype", _name(repr(x)))
    if "return_types" in type(x).__module__:  # max(dim) & co: namedtuple / structseq
        return ("return_types", type(x).__name__, snap(x.values), snap(x.indices), len(x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [snap(v) for v in x])
    if isinstance(x, dict):
        return ("dict", {k: snap(v) for k, v in x.items()})
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.shape, x.copy())
    if isinstance(x, BaseException):
        return ("raised", type(x).__name__, _name(str(x)))
    if isinstance(x, str):
        return _name(x)
    if x is NotImplemented:
        return ("NotImplemented",)
    if x is None or isinstance(x, (bool, int, float, complex)):
        return (type(x).__name__, x)
    if hasattr(x, "next_functions") and hasattr(x, "name"):  # a grad_fn node
        return ("node", type(x).__name__)
    raise TypeError(f"test helper cannot compare a {type(x).__name__}")


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float, where: str) -> None:
    assert a.dtype == b.dtype, f"{where}: numpy dtype {a.dtype} != {b.dtype}"
    assert a.shape == b.shape, f"{where}: shape {a.shape} != {b.shape}"
    if a.dtype.kind == "f":
        tol = rtol if a.dtype == np.float32 else rtol * 1e-6
        np.testing.assert_allclose(a, b, rtol=tol, atol=atol, equal_nan=True, err_msg=where)
        assert (np.signbit(a) == np.signbit(b))[(a == 0) & (b == 0)].all(), f"{where}: -0 vs 0"
    else:
        np.testing.assert_array_equal(a, b, err_msg=where)


def assert_same(mg: Any, pt: Any, rtol: float = 1e-6, atol: float = 1e-6, where: str = "out",
                ignore: tuple[str, ...] = ()) -> None:  # fmt: skip
    """``mg`` (minigrad's snap) must equal ``pt`` (PyTorch's); floats within rtol/atol."""
    if isinstance(pt, dict) and pt.get("kind") == "tensor":
        assert isinstance(mg, dict) and mg.get("kind") == "tensor", f"{where}: {mg!r} vs tensor"
        for key in ("class", "dtype", "shape", "requires_grad", "is_leaf", "grad_fn"):
            if key not in ignore:
                assert mg[key] == pt[key], f"{where}.{key}: minigrad {mg[key]!r}, torch {pt[key]!r}"
        if "values" not in ignore:
            _close(mg["values"], pt["values"], rtol, atol, where)
        if "repr" not in ignore and _same_bits(mg["values"], pt["values"]):
            assert mg["repr"] == pt["repr"], f"{where} repr:\n{mg['repr']}\n!=\n{pt['repr']}"
        return
    if isinstance(pt, tuple) and pt and pt[0] == "ndarray":
        assert isinstance(mg, tuple) and mg[0] == "ndarray", f"{where}: {mg!r} vs ndarray"
        _close(mg[3], pt[3], rtol, atol, where)
        return
    if isinstance(pt, dict):
        assert isinstance(mg, dict) and mg.keys() == pt.keys(), f"{where}: {mg!r} vs {pt!r}"
        for k in pt:
            assert_same(mg[k], pt[k], rtol, atol, f"{where}[{k!r}]", ignore)
        return
    if (
        isinstance(pt, tuple)
        and pt
        and pt[0] == "raised"
        or isinstance(mg, tuple)
        and mg
        and mg[0] == "raised"
    ):
        assert mg == pt, f"{where}:\n minigrad {_short(mg)}\n torch    {_short(pt)}"
        return
    if isinstance(pt, (list, tuple)):
        assert type(mg) is type(pt) and len(mg) == len(pt), f"{where}: {mg!r} != {pt!r}"
        for i, (a, b) in enumerate(zip(mg, pt)):
            assert_same(a, b, rtol, atol, f"{where}[{i}]", ignore)
        return
    if isinstance(pt, float) and isinstance(mg, float):
        assert math.isclose(mg, pt, rel_tol=rtol, abs_tol=atol) or (
            math.isnan(mg) and math.isnan(pt)
        ), f"{where}: {mg!r} != {pt!r}"
        return
    assert mg == pt, f"{where}: minigrad {mg!r}, torch {pt!r}"


def _short(x: Any) -> str:
    if isinstance(x, dict) and x.get("kind") == "tensor":
        return f"{x['repr']} (dtype {x['dtype']})"
    return repr(x)


def _run(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as e:  # noqa: BLE001 - the exception is what gets compared
        return e


def _outputs_requiring_grad(out: Any) -> list:
    if _is_tensor(out):
        return [out] if out.requires_grad else []
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in _outputs_requiring_grad(o)]
    return []


def _upstream(lib: Any, t: Any) -> Any:
    """The same 'random' upstream gradient for both libraries: nonzero halves."""
    rng = np.random.default_rng(abs(hash(tuple(t.shape))) % 2**32)
    g = rng.choice(np.array([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2]), size=tuple(t.shape))
    return lib.tensor(np.asarray(g, dtype=_values(t).dtype))


def _compare_run(lib: Any, fn: Callable, inputs: tuple, grad: bool) -> dict:
    args = [_make_input(lib, x, grad) for x in inputs]
    tensors = [a for a in args if _is_tensor(a)]
    out = _run(lambda: fn(lib, *args))
    result: dict[str, Any] = {"out": snap(out)}
    if isinstance(out, Exception):
        return result
    result["inputs"] = [(snap(t), version(t)) for t in tensors]
    roots = _outputs_requiring_grad(out)
    if grad and roots:
        grads = [_upstream(lib, r) for r in roots]
        err = _run(lambda: lib.autograd.backward(roots, grads))
        result["backward"] = snap(err)
        result["grads"] = [snap(t.grad) for t in tensors]
    return result


def compare(fn: Callable, *inputs: Any, grad: bool = True, rtol: float = 1e-6,
            atol: float = 1e-6, ignore: tuple[str, ...] = ()) -> None:  # fmt: skip
    """Run ``fn(torch, *inputs)`` with minigrad and with PyTorch and compare everything.

    numpy arrays become tensors (floating ones with ``requires_grad=grad``); ``NoGrad(a)`` is a
    tensor without grad, ``Raw(v)`` is passed as is, anything else (Python numbers) too.
    """
    mg = _compare_run(minigrad, fn, inputs, grad)
    pt = _compare_run(torch, fn, inputs, grad)
    assert_same(mg["out"], pt["out"], rtol, atol, "out", ignore)
    assert mg.keys() == pt.keys(), f"minigrad: {mg}\ntorch: {pt}"
    for key in pt:
        assert_same(mg[key], pt[key], rtol, atol, key, ignore)


def check(fn: Callable, rtol: float = 1e-6, atol: float = 1e-6,
          ignore: tuple[str, ...] = ()) -> None:  # fmt: skip
    """A scenario ``fn(torch)`` returning anything snap() understands (or raising)."""
    mg = snap(_run(lambda: fn(minigrad)))
    pt = snap(_run(lambda: fn(torch)))
    assert_same(mg, pt, rtol, atol, "result", ignore)


def raises(call: Callable[[], Any]) -> Any:
    """Inside a scenario: the exception as a value, so a scenario can check several."""
    try:
        call()
    except Exception as e:  # noqa: BLE001
        return e
    return "no exception"


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    yield
    on = (minigrad.is_grad_enabled(), torch.is_grad_enabled())
    minigrad.set_grad_enabled(True)
    torch.set_grad_enabled(True)
    assert on == (True, True), "a case left grad mode off"


class XFail(tuple):
    """A table entry that must fail (strict): a known minigrad bug, with its reason."""

    reason: str


def xfail(reason: str, *entry: Any) -> XFail:
    x = XFail(entry)
    x.reason = reason
    return x


def _param(key: str, v: tuple, *values: Any) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=v.reason)] if isinstance(v, XFail) else []
    return pytest.param(*values, id=key, marks=marks)


def cases(table: dict[str, tuple]) -> Any:
    """``@cases({"id": (fn, *inputs), ...})`` -> parametrize over (fn, inputs)."""
    return pytest.mark.parametrize(
        "fn,inputs", [_param(k, v, v[0], tuple(v[1:])) for k, v in table.items()]
    )


def scenarios(table: dict[str, Any]) -> Any:
    """``@scenarios({"id": fn, ...})`` (or ``xfail(reason, fn)``) -> parametrize over fn."""
    return pytest.mark.parametrize(
        "fn", [_param(k, v, v[0] if isinstance(v, XFail) else v) for k, v in table.items()]
    )


# ===== 1. dtype promotion ========================================================================
LHS = {
    "f32": rnd(2, 3),
    "f64": rnd(2, 3, dtype=np.float64),
    "i64": ints(2, 3, lo=1),
    "i32": ints(2, 3, lo=1, dtype=np.int32),
    "bool": bools(2, 3),
}
RHS = {
    "int": 2,
    "negint": -3,
    "float": 2.5,
    "bool": True,
    "0d_f64": np.array(1.5),
    "0d_f32": np.array(0.5, np.float32),
    "0d_i64": np.array(3),
    "0d_i32": np.array(3, np.int32),
    "0d_bool": np.array(True),
    "1d_f64": rnd(3, dtype=np.float64),
    "1d_i32": ints(3, lo=1, dtype=np.int32),
    "1d_bool": bools(3),
}
BINARY = {
    "add": lambda torch, a, b: a + b,
    "radd": lambda torch, a, b: b + a,
    "sub": lambda torch, a, b: a - b,
    "mul": lambda torch, a, b: a * b,
    "div": lambda torch, a, b: a / b,
    "rdiv": lambda torch, a, b: b / a,
    "lt": lambda torch, a, b: a < b,
    "eq": lambda torch, a, b: a == b,
}


PROMOTION_CASES = [
    pytest.param(lhs, rhs, op, id=f"{lhs}-{rhs}-{op}")
    for lhs in LHS
    for rhs in RHS
    for op in BINARY
    # reflected forms only differ for Python numbers; nothing divides by a bool tensor
    if not (op in ("radd", "rdiv") and not isinstance(RHS[rhs], (int, float)))
    and not (op == "rdiv" and LHS[lhs].dtype == bool)
]


@pytest.mark.parametrize("lhs,rhs,op", PROMOTION_CASES)
def test_promotion(lhs, rhs, op):
    compare(BINARY[op], LHS[lhs], RHS[rhs])


@cases(
    {
        "int_truediv_int": (lambda torch, a, b: a / b, ints(4, lo=1), ints(4, lo=1)),
        "int_truediv_pyint": (lambda torch, a: a / 2, ints(4)),
        "int_floordiv": (lambda torch, a, b: a // b, ints(4), ints(4, lo=1)),
        # no grad: PyTorch marks floor_divide's result as requiring grad (NotImplemented grad_fn)
        "float_floordiv": (lambda torch, a, b: a // b, NoGrad(rnd(4)), NoGrad(pos(4))),
        "int_rfloordiv": (lambda torch, a: 7 // a, ints(4, lo=1)),
        "int_mod": (lambda torch, a, b: a % b, ints(4), ints(4, lo=1)),
        "float_mod_neg": (lambda torch, a: a % -1.5, rnd(4)),
        "int_rmod": (lambda torch, a: 7 % a, ints(4, lo=1)),
        "int_pow_int": (lambda torch, a: a**2, ints(4)),
        "int_pow_float": (lambda torch, a: a**0.5, ints(4, lo=0)),
        "int_pow_neg_int": (lambda torch, a: a**-1, ints(4, lo=1)),
        "float_pow_int_tensor": (lambda torch, a, b: a**b, pos(4), ints(4, lo=0, hi=3)),
        "int_rpow": (lambda torch, a: 2**a, ints(4, lo=0)),
        "bool_sum_dtype": (lambda torch, a: a.sum(), bools(5)),
        "bool_neg": (lambda torch, a: -a, bools(3)),
        "bool_mul_float": (lambda torch, a: a * 1.5, bools(3)),
        "bool_and": (lambda torch, a, b: a & b, bools(4), bools(4)),
        "bool_or": (lambda torch, a, b: a | b, bools(4), bools(4)),
        "bool_xor": (lambda torch, a, b: a ^ b, bools(4), bools(4)),
        "bool_invert": (lambda torch, a: ~a, bools(4)),
        "int_invert": (lambda torch, a: ~a, ints(4)),
        "float_and": (lambda torch, a, b: a & b, rnd(4), rnd(4)),
        "result_type_int_float": (lambda torch, a: torch.result_type(a, 1.0), ints(2)),
        "result_type_f32_0d_f64": (
            lambda torch, a, b: torch.result_type(a, b),
            rnd(2),
            np.array(1.0),
        ),
        "promote_types": (lambda torch: torch.promote_types(torch.int32, torch.float32),),
        "promote_types_int": (lambda torch: torch.promote_types(torch.int32, torch.int64),),
        "promote_types_bool": (lambda torch: torch.promote_types(torch.bool, torch.int32),),
        "i32_plus_i64_0d": (lambda torch, a, b: a + b, ints(3, dtype=np.int32), np.array(5)),
        "i32_plus_big_int": (lambda torch, a: a + 7, ints(3, dtype=np.int32)),
        "f64_0d_plus_f32_0d": (lambda torch, a, b: a + b, np.array(1.5), np.array(0.5, np.float32)),
        "i64_0d_plus_f32_1d": (lambda torch, a, b: a + b, np.array(2), rnd(3)),
        "cmp_int_float_scalar": (lambda torch, a: a > 1.5, ints(5)),
        "cmp_bool_int": (lambda torch, a: a == 1, bools(5)),
        "cmp_float_tensor_int_tensor": (lambda torch, a, b: a >= b, rnd(4), ints(4)),
        "ne_none": (lambda torch, a: a != None, rnd(2)),  # noqa: E711
        "eq_none": (lambda torch, a: a == None, rnd(2)),  # noqa: E711
    }
)
def test_promotion_misc(fn, inputs):
    compare(fn, *inputs)


# ===== 2. creation ===============================================================================
CREATE = {
    "nested_floats": (lambda torch: torch.tensor([[1.0, 2.5], [3.0, -4.0]]),),
    "nested_ints": (lambda torch: torch.tensor([[1, 2, 3], [4, 5, 6]]),),
    "bools": (lambda torch: torch.tensor([True, False, True]),),
    "mixed_int_float": (lambda torch: torch.tensor([1, 2.5]),),
    "mixed_bool_int": (lambda torch: torch.tensor([True, 2]),),
    "mixed_bool_float": (lambda torch: torch.tensor([True, 0.5]),),
    "scalar_int": (lambda torch: torch.tensor(3),),
    "scalar_float": (lambda torch: torch.tensor(3.5),),
    "scalar_bool": (lambda torch: torch.tensor(False),),
    "scalar_0_1_item": (lambda torch: torch.tensor(0.1).item(),),
    "empty_list": (lambda torch: torch.tensor([]),),
    "empty_nested": (lambda torch: torch.tensor([[], []]),),
    "empty_int": (lambda torch: torch.tensor([], dtype=torch.int64),),
    "tuple_data": (lambda torch: torch.tensor((1, 2, 3)),),
    "np_float64": (lambda torch, a: torch.tensor(a), Raw(rnd(2, 2, dtype=np.float64))),
    "np_float32": (lambda torch, a: torch.tensor(a), Raw(rnd(2, 2))),
    "np_int32": (lambda torch, a: torch.tensor(a), Raw(ints(3, dtype=np.int32))),
    "np_int64": (lambda torch, a: torch.tensor(a), Raw(ints(3))),
    "np_bool": (lambda torch, a: torch.tensor(a), Raw(bools(3))),
    "np_float32_scalar": (lambda torch: torch.tensor(np.float32(2.5)),),
    "np_float64_scalar": (lambda torch: torch.tensor(np.float64(2.5)),),
    "np_int_scalar": (lambda torch: torch.tensor(np.int64(7)),),
    "list_of_np_f64": (lambda torch: torch.tensor([np.float64(1.5), np.float64(2)]),),
    "list_of_np_f32_and_float": (lambda torch: torch.tensor([np.float32(1.5), 2.0]),),
    "list_of_np_i32": (lambda torch: torch.tensor([np.int32(1), np.int32(2)]),),
    "list_of_np_i32_and_int": (lambda torch: torch.tensor([np.int32(1), 2]),),
    "list_of_np_i32_and_float": (lambda torch: torch.tensor([np.int32(1), 2.5]),),
    "list_of_np_f64_nested": (lambda torch: torch.tensor([[1, 2], [np.float64(1), 3]]),),
    "list_of_0d_f64_tensor": (lambda torch: torch.tensor([torch.tensor(1.5).double(), 2.0]),),
    "list_of_0d_i32_tensor": (lambda torch: torch.tensor([torch.tensor(2).int(), 3]),),
    "list_of_0d_tensors": (lambda torch: torch.tensor([torch.tensor(1.5), torch.tensor(2.0)]),),
    "dtype_kw_float64": (lambda torch: torch.tensor([1, 2], dtype=torch.float64),),
    "dtype_kw_int_from_float": (lambda torch: torch.tensor([1.7, -1.7], dtype=torch.int64),),
    "dtype_kw_bool": (lambda torch: torch.tensor([0, 2], dtype=torch.bool),),
    "dtype_kw_int32": (lambda torch: torch.tensor([1, 2], dtype=torch.int32),),
    "requires_grad_kw": (lambda torch: torch.tensor([1.0, 2.0], requires_grad=True),),
    "requires_grad_int_error": (lambda torch: torch.tensor([1, 2], requires_grad=True),),
    "from_tensor_copies": (lambda torch, a: torch.tensor(a.detach()).add_(1) + a, rnd(3)),
    "ragged_error": (lambda torch: torch.tensor([[1, 2], [3]]),),
    "string_error": (lambda torch: torch.tensor("abc"),),
    "legacy_Tensor_list": (lambda torch: torch.Tensor([1, 2]),),
    "legacy_Tensor_nested": (lambda torch: torch.Tensor([[1, 2], [3, 4]]),),
    "legacy_Tensor_sizes": (lambda torch: (torch.Tensor(2, 3).shape, torch.Tensor(2, 3).dtype),),
    "legacy_Tensor_type": (lambda torch: type(torch.Tensor([1])).__name__,),
    "zeros": (lambda torch: torch.zeros(2, 3),),
    "zeros_tuple": (lambda torch: torch.zeros((2, 3)),),
    "zeros_list": (lambda torch: torch.zeros([2]),),
    "zeros_0d": (lambda torch: torch.zeros(()),),
    "zeros_int": (lambda torch: torch.zeros(3, dtype=torch.int64),),
    "zeros_bool": (lambda torch: torch.zeros(2, dtype=torch.bool),),
    "zeros_rg": (lambda torch: torch.zeros(2, requires_grad=True),),
    "zeros_empty_dim": (lambda torch: torch.zeros(2, 0),),
    "zeros_negative_error": (lambda torch: torch.zeros(2, -1),),
    "ones": (lambda torch: torch.ones(3),),
    "ones_f64": (lambda torch: torch.ones(2, 2, dtype=torch.float64),),
    "full_float": (lambda torch: torch.full((2, 2), 1.5),),
    "full_int": (lambda torch: torch.full((3,), 7),),
    "full_bool": (lambda torch: torch.full((2,), True),),
    "full_dtype": (lambda torch: torch.full((2,), 7, dtype=torch.float32),),
    "full_rg": (lambda torch: torch.full((2,), 2.0, requires_grad=True),),
    "eye": (lambda torch: torch.eye(3),),
    "eye_rect": (lambda torch: torch.eye(2, 4),),
    "eye_int": (lambda torch: torch.eye(2, dtype=torch.int64),),
    "empty_shape": (lambda torch: (torch.empty(2, 3).shape, torch.empty(2, 3).dtype),),
    # random numbers: only shapes, dtypes, flags and ranges (the generators differ)
    "rand_meta": (lambda torch: (lambda t: (t.shape, t.dtype, t.requires_grad, t.is_leaf,
                                            bool(((t >= 0) & (t < 1)).all())))(
        torch.rand(2, 3, requires_grad=True)),),
    "randn_meta": (lambda torch: (lambda t: (t.shape, t.dtype))(
        torch.randn((4,), dtype=torch.float64)),),
    "randint_meta": (lambda torch: (lambda t: (t.shape, t.dtype,
                                               bool(((t >= 2) & (t < 5)).all())))(
        torch.randint(2, 5, (3, 3))),),
    "randperm_meta": (lambda torch: (lambda t: (t.dtype, sorted(t.tolist())))(torch.randperm(5)),),
    "rand_like_meta": (lambda torch, a: (lambda t: (t.shape, t.dtype))(torch.rand_like(a)),
                       rnd(2, dtype=np.float64)),
    "randn_like_meta": (lambda torch, a: torch.randn_like(a).shape, rnd(3, 2)),
    "uniform_meta": (lambda torch, a: (lambda t: (t.shape, version(t),
                                                  bool(((t >= -1) & (t < 1)).all())))(
        a.clone().uniform_(-1, 1)), NoGrad(rnd(3))),
    "normal_meta": (lambda torch, a: (lambda t: (t.shape, t.dtype, version(t)))(
        a.clone().normal_()), NoGrad(rnd(2, 2, dtype=np.float64))),
    "uniform_leaf_error": (lambda torch, a: a.uniform_(), rnd(3)),
    "arange_int": (lambda torch: torch.arange(5),),
    "arange_start_end": (lambda torch: torch.arange(2, 7),),
    "arange_step": (lambda torch: torch.arange(1, 10, 3),),
    "arange_neg_step": (lambda torch: torch.arange(5, 0, -1),),
    "arange_neg_step_float": (lambda torch: torch.arange(1.0, -1.0, -0.5),),
    "arange_float_end": (lambda torch: torch.arange(5.0),),
    "arange_float_step": (lambda torch: torch.arange(0, 1, 0.25),),
    "arange_dtype": (lambda torch: torch.arange(4, dtype=torch.float32),),
    "arange_empty": (lambda torch: torch.arange(0),),
    "arange_bad_sign": (lambda torch: torch.arange(0, 5, -1),),
    "arange_zero_step": (lambda torch: torch.arange(0, 5, 0),),
    "arange_1000_repr": (lambda torch: torch.arange(1000),),
    "arange_2000_repr": (lambda torch: torch.arange(2000),),
    "linspace": (lambda torch: torch.linspace(0, 1, 5),),
    "linspace_thirds": (lambda torch: torch.linspace(0, 2, 7),),
    "linspace_one": (lambda torch: torch.linspace(3, 4, 1),),
    "linspace_neg": (lambda torch: torch.linspace(2, -2, 9),),
    "linspace_int_dtype": (lambda torch: torch.linspace(0, 10, 5, dtype=torch.int64),),
    "zeros_like": (lambda torch, a: torch.zeros_like(a), rnd(2, 3)),
    "zeros_like_int": (lambda torch, a: torch.zeros_like(a), ints(2)),
    "ones_like_dtype": (lambda torch, a: torch.ones_like(a, dtype=torch.float64), ints(2)),
    "ones_like_rg": (lambda torch, a: torch.ones_like(a, requires_grad=True), rnd(2)),
    "full_like": (lambda torch, a: torch.full_like(a, 2.5), rnd(3)),
    "full_like_int_truncates": (lambda torch, a: torch.full_like(a, 2.5), ints(3)),
    "empty_like_shape": (lambda torch, a: torch.empty_like(a).shape, rnd(2, 2)),
    "new_zeros": (lambda torch, a: a.new_zeros(2, 2), ints(3)),
    "new_ones": (lambda torch, a: a.new_ones((3,)), rnd(3, dtype=np.float64)),
    "new_full": (lambda torch, a: a.new_full((2,), 3), rnd(3)),
    "new_tensor": (lambda torch, a: a.new_tensor([1, 2]), rnd(3)),
    "new_empty_shape": (lambda torch, a: a.new_empty(2).shape, rnd(3)),
    "as_tensor_list": (lambda torch: torch.as_tensor([1, 2]),),
    "as_tensor_dtype": (lambda torch: torch.as_tensor([1, 2], dtype=torch.float32),),
    "as_tensor_same": (lambda torch, a: torch.as_tensor(a) is a, rnd(2)),
    "is_tensor": (lambda torch, a: (torch.is_tensor(a), torch.is_tensor([1])), rnd(2)),
    "numel_fn": (lambda torch, a: (torch.numel(a), a.numel(), a.nelement()), rnd(2, 3)),
    "is_floating_point": (lambda torch, a, b: (a.is_floating_point(), b.is_floating_point()),
                          rnd(1), ints(1)),
}  # fmt: skip


@cases(CREATE)
def test_creation(fn, inputs):
    compare(fn, *inputs)


def _shares(torch, make):
    """Writes through numpy show in the tensor and vice versa; dtype kept."""
    a = np.array([1.0, 2.0, 3.0])
    t = make(torch, a)
    a[0] = 10.0
    t[1] = 20.0
    return t, a, version(t)


@scenarios(
    {
        "from_numpy": lambda torch: _shares(torch, lambda torch, a: torch.from_numpy(a)),
        "as_tensor_ndarray": lambda torch: _shares(torch, lambda torch, a: torch.as_tensor(a)),
        "tensor_copies": lambda torch: _shares(torch, lambda torch, a: torch.tensor(a)),
        "as_tensor_other_dtype_copies": lambda torch: _shares(
            torch, lambda torch, a: torch.as_tensor(a, dtype=torch.float32)
        ),
        "numpy_shares": lambda torch: (lambda t: (t.numpy().__setitem__(0, 5.0), t)[1])(
            torch.ones(2)
        ),
        "numpy_of_view_shares": lambda torch: (lambda t: (t[1:].numpy().__setitem__(0, 5.0), t)[1])(
            torch.zeros(3)
        ),
        "from_numpy_int32": lambda torch: torch.from_numpy(np.arange(3, dtype=np.int32)),
        "from_numpy_list_error": lambda torch: torch.from_numpy([1, 2]),
    }
)
def test_memory_sharing(fn):
    check(fn)


# ===== 3. every op in _tensor_methods.METHODS, with broadcasting =================================
OPS = {
    # arithmetic (shapes broadcast; scalars on both sides)
    "add_bcast_row": (lambda torch, a, b: a + b, rnd(2, 3), rnd(3)),
    "add_bcast_col": (lambda torch, a, b: a + b, rnd(2, 1), rnd(1, 3)),
    "add_bcast_3d": (lambda torch, a, b: a.add(b), rnd(2, 1, 3), rnd(4, 1)),
    "add_0d": (lambda torch, a, b: a + b, rnd(3), np.array(1.5, np.float32)),
    "add_alpha": (lambda torch, a, b: a.add(b, alpha=2), rnd(2, 3), rnd(3)),
    "add_fn_alpha": (lambda torch, a, b: torch.add(a, b, alpha=0.5), rnd(3), rnd(3)),
    "add_self": (lambda torch, a: a + a, rnd(3)),
    "radd": (lambda torch, a: 1 + a, rnd(3)),
    "add_numpy_array": (lambda torch, a: a + np.ones(3, np.float32), NoGrad(rnd(3))),
    "sub_bcast": (lambda torch, a, b: a - b, rnd(2, 3), rnd(2, 1)),
    "sub_alpha": (lambda torch, a, b: a.sub(b, alpha=3), rnd(3), rnd(3)),
    "subtract": (lambda torch, a, b: a.subtract(b), rnd(3), rnd(3)),
    "rsub": (lambda torch, a: 1 - a, rnd(3)),
    "rsub_float": (lambda torch, a: 2.5 - a, rnd(2, 2)),
    "mul_bcast": (lambda torch, a, b: a * b, rnd(2, 3), rnd(2, 1)),
    "mul_scalar": (lambda torch, a: a * 3, rnd(3)),
    "rmul": (lambda torch, a: 3 * a, rnd(3)),
    "multiply": (lambda torch, a, b: a.multiply(b), rnd(3), rnd(3)),
    "mul_self": (lambda torch, a: a * a, rnd(3)),
    "mul_fn": (lambda torch, a, b: torch.mul(a, b), rnd(3), rnd(1)),
    "div_bcast": (lambda torch, a, b: a / b, rnd(2, 3), pos(3)),
    "div_scalar": (lambda torch, a: a / 4, rnd(3)),
    "rdiv": (lambda torch, a: 2 / a, pos(3)),
    "divide": (lambda torch, a, b: a.divide(b), rnd(3), pos(3)),
    "true_divide": (lambda torch, a, b: a.true_divide(b), rnd(3), pos(3)),
    "div_by_zero": (lambda torch, a: a / 0, rnd(4)),
    "div_trunc": (lambda torch, a, b: torch.div(a, b, rounding_mode="trunc"), NoGrad(rnd(4)),
                  NoGrad(pos(4))),
    "div_floor": (lambda torch, a, b: a.div(b, rounding_mode="floor"), NoGrad(rnd(4)),
                  NoGrad(pos(4))),
    "div_trunc_int": (lambda torch, a, b: a.div(b, rounding_mode="trunc"), ints(4), ints(4, lo=1)),
    "div_bad_mode": (lambda torch, a: a.div(2, rounding_mode="round"), rnd(2)),
    "pow_2": (lambda torch, a: a**2, rnd(3)),
    "pow_3": (lambda torch, a: a.pow(3), rnd(3)),
    "pow_half": (lambda torch, a: a**0.5, pos(3)),
    "pow_0": (lambda torch, a: a**0, rnd(3)),
    "pow_neg1": (lambda torch, a: a**-1, pos(3)),
    "pow_tensor": (lambda torch, a, b: a**b, pos(2, 3), rnd(3)),
    "pow_tensor_bcast_base": (lambda torch, a, b: a.pow(b), pos(3), rnd(2, 3)),
    "rpow": (lambda torch, a: 2**a, rnd(3)),
    "rpow_float": (lambda torch, a: 1.5**a, rnd(3)),
    "pow_fn_scalar_base": (lambda torch, a: torch.pow(2, a), rnd(3)),
    "square": (lambda torch, a: a.square(), rnd(3)),
    "square_fn": (lambda torch, a: torch.square(a), rnd(2, 2)),
    "neg": (lambda torch, a: -a, rnd(3)),
    "neg_method": (lambda torch, a: a.neg(), rnd(3)),
    "negative": (lambda torch, a: a.negative(), rnd(3)),
    "neg_int": (lambda torch, a: -a, ints(3)),
    "pos": (lambda torch, a: +a, rnd(3)),
    "reciprocal": (lambda torch, a: a.reciprocal(), pos(3)),
    "reciprocal_int": (lambda torch, a: a.reciprocal(), ints(3, lo=1)),
    "floor_divide": (lambda torch, a, b: a.floor_divide(b), ints(4), ints(4, lo=1)),
    "floordiv_neg": (lambda torch, a: a // -2, ints(6)),
    "rfloordiv_float": (lambda torch, a: 5.0 // a, NoGrad(pos(3))),
    "remainder": (lambda torch, a, b: a.remainder(b), rnd(4), pos(4)),
    "remainder_signed_zeros": (lambda torch, a, b: a % b,
                               np.array([-1.5, 1.5, -3, 3, 0, -0.0, 2.5, -2], np.float32),
                               np.array([0.5, -0.5, 1.5, -1.5, 2, 1, -2.5, 3], np.float32)),
    "mod_neg_divisor": (lambda torch, a: a % -2, ints(6)),
    "rmod_float": (lambda torch, a: 5.0 % a, NoGrad(pos(3))),
    "matmul_op": (lambda torch, a, b: a @ b, rnd(2, 3), rnd(3, 4)),
    "rmatmul_numpy": (lambda torch, a: a.__rmatmul__(a.T), rnd(2, 3)),
    # element-wise functions (halves include 0: abs/relu/sign at 0)
    "abs": (lambda torch, a: a.abs(), rnd(2, 3)),
    "abs_builtin": (lambda torch, a: abs(a), rnd(3)),
    "absolute": (lambda torch, a: a.absolute(), rnd(3)),
    "abs_int": (lambda torch, a: a.abs(), ints(4)),
    "sqrt": (lambda torch, a: a.sqrt(), pos(2, 3)),
    "sqrt_neg_nan": (lambda torch, a: a.sqrt(), NoGrad(rnd(4))),
    "sqrt_int": (lambda torch, a: torch.sqrt(a), ints(4, lo=0)),
    "rsqrt": (lambda torch, a: a.rsqrt(), pos(4)),
    "exp": (lambda torch, a: a.exp(), rnd(2, 3)),
    "exp_int": (lambda torch, a: a.exp(), ints(3)),
    "log": (lambda torch, a: a.log(), pos(2, 3)),
    "log_zero_neg": (lambda torch, a: a.log(), NoGrad(np.array([0.0, -1.0, 1.0], np.float32))),
    "log1p": (lambda torch, a: a.log1p(), pos(4)),
    "sin": (lambda torch, a: a.sin(), rnd(2, 3)),
    "cos": (lambda torch, a: a.cos(), rnd(2, 3)),
    "tanh": (lambda torch, a: a.tanh(), rnd(2, 3)),
    "sigmoid": (lambda torch, a: a.sigmoid(), rnd(2, 3)),
    "sigmoid_extreme": (lambda torch, a: a.sigmoid(), np.array([-100.0, 100.0, 0.0], np.float32)),
    "relu": (lambda torch, a: a.relu(), rnd(2, 3)),
    "relu_fn": (lambda torch, a: torch.relu(a), rnd(5)),
    "relu_int": (lambda torch, a: a.relu(), ints(4)),
    "sign": (lambda torch, a: a.sign(), rnd(5)),
    "clamp": (lambda torch, a: a.clamp(-1, 1), rnd(6)),
    "clamp_min_only": (lambda torch, a: a.clamp(min=0.5), rnd(6)),
    "clamp_max_only": (lambda torch, a: a.clamp(max=0.5), rnd(6)),
    "clamp_boundary_grad": (lambda torch, a: a.clamp(-1, 1), np.array([-1, 1, 0, 2], np.float32)),
    "clamp_tensor": (lambda torch, a, b: a.clamp(min=b), rnd(4), rnd(4)),
    "clamp_none": (lambda torch, a: a.clamp(), rnd(2)),
    "clamp_int": (lambda torch, a: a.clamp(-1, 2), ints(6)),
    "clamp_int_float_bounds": (lambda torch, a: a.clamp(-0.5, 2.5), ints(6)),
    "clamp_min_gt_max": (lambda torch, a: a.clamp(1, -1), rnd(4)),
    "clamp_tensor_both": (lambda torch, a, b, c: a.clamp(b, c), rnd(6), rnd(6, lo=-3, hi=0),
                          rnd(6, lo=0, hi=3)),
    "clamp_tensor_crossed": (lambda torch, a, b, c: torch.clamp(a, b, c), rnd(6), rnd(6), rnd(6)),
    "clamp_tensor_max": (lambda torch, a, b: a.clamp(max=b), rnd(2, 3), rnd(3)),
    "clamp_tensor_ties": (lambda torch, a, b: a.clamp(min=b), np.array([1.0, 2.0], np.float32),
                          np.array([1.0, 1.0], np.float32)),
    "clamp_tensor_nograd": (lambda torch, a, b: a.clamp(min=b), NoGrad(rnd(4)), rnd(4)),
    "clip": (lambda torch, a: a.clip(0, 1), rnd(5)),
    "clamp_min": (lambda torch, a: a.clamp_min(0), rnd(5)),
    "clamp_max": (lambda torch, a: a.clamp_max(0), rnd(5)),
    "fn_exp": (lambda torch, a: torch.exp(a), rnd(3)),
    "fn_tanh": (lambda torch, a: torch.tanh(a), rnd(3)),
    "fn_sigmoid": (lambda torch, a: torch.sigmoid(a), rnd(3)),
    "fn_clamp": (lambda torch, a: torch.clamp(a, -1, 1), rnd(3)),
    "chain": (lambda torch, a, b: ((a * b).exp() + b.sin()).sum(), rnd(2, 3), rnd(3)),
    # comparisons and selection
    "eq": (lambda torch, a, b: a.eq(b), ints(2, 3, lo=0, hi=2), ints(3, lo=0, hi=2)),
    "eq_op": (lambda torch, a, b: a == b, rnd(4, lo=0, hi=1), rnd(4, lo=0, hi=1)),
    "ne": (lambda torch, a: a.ne(0.5), rnd(4, lo=0, hi=1)),
    "ne_op": (lambda torch, a, b: a != b, ints(4, 0, 2), ints(4, 0, 2)),
    "gt": (lambda torch, a, b: a.gt(b), rnd(2, 3), rnd(3)),
    "gt_op": (lambda torch, a: a > 0, rnd(5)),
    "ge": (lambda torch, a: a >= 0, rnd(5)),
    "ge_method": (lambda torch, a, b: a.ge(b), rnd(2, 3), rnd(3)),
    "le_method": (lambda torch, a: a.le(0.5), rnd(5)),
    "lt": (lambda torch, a: a.lt(1), rnd(5)),
    "le": (lambda torch, a: a <= 1, rnd(5)),
    "rgt": (lambda torch, a: 0 < a, rnd(5)),
    "greater": (lambda torch, a, b: a.greater(b), rnd(3), rnd(3)),
    "less": (lambda torch, a, b: a.less(b), rnd(3), rnd(3)),
    "greater_equal": (lambda torch, a, b: a.greater_equal(b), ints(3, 0, 2), ints(3, 0, 2)),
    "less_equal": (lambda torch, a, b: a.less_equal(b), ints(3, 0, 2), ints(3, 0, 2)),
    "not_equal": (lambda torch, a, b: a.not_equal(b), ints(3, 0, 2), ints(3, 0, 2)),
    "fn_eq": (lambda torch, a: torch.eq(a, 1), ints(4, 0, 2)),
    "fn_gt": (lambda torch, a, b: torch.gt(a, b), rnd(3), rnd(3)),
    "and_int": (lambda torch, a, b: a & b, ints(4, 0, 7), ints(4, 0, 7)),
    "or_int_scalar": (lambda torch, a: a | 1, ints(4, 0, 7)),
    "xor_bool": (lambda torch, a, b: a ^ b, bools(2, 3), bools(3)),
    "invert_float": (lambda torch, a: ~a, rnd(2)),
    "logical_not": (lambda torch, a: a.logical_not(), rnd(4, lo=-1, hi=1, step=1)),
    "logical_not_fn": (lambda torch, a: torch.logical_not(a), bools(4)),
    "logical_and": (lambda torch, a, b: a.logical_and(b), ints(4, 0, 1),
                    rnd(4, lo=0, hi=1, step=1)),
    "logical_or": (lambda torch, a, b: torch.logical_or(a, b), bools(4), bools(4)),
    "isnan": (lambda torch, a: (a / a).isnan(), NoGrad(rnd(6))),
    "isinf": (lambda torch, a: (1 / a).isinf(), NoGrad(rnd(6))),
    "isfinite": (lambda torch, a: torch.isfinite(1 / a), NoGrad(rnd(6))),
    "equal_true": (lambda torch, a: a.equal(a.clone()), rnd(3)),
    "equal_shape": (lambda torch, a: torch.equal(a, a[:2]), rnd(3)),
    "allclose": (lambda torch, a: a.allclose(a + 1e-7), rnd(3)),
    "allclose_false": (lambda torch, a: torch.allclose(a, a + 1), rnd(3)),
    "isclose": (lambda torch, a, b: a.isclose(b), rnd(4, lo=0, hi=1), rnd(4, lo=0, hi=1)),
    "maximum": (lambda torch, a, b: a.maximum(b), rnd(2, 3), rnd(3)),
    "maximum_ties": (lambda torch, a, b: torch.maximum(a, b), np.array([1.0, 2, 3], np.float32),
                     np.array([1.0, 1, 4], np.float32)),
    "minimum": (lambda torch, a, b: a.minimum(b), rnd(2, 3), rnd(2, 1)),
    "minimum_ties": (lambda torch, a, b: torch.minimum(a, b), np.array([1.0, 2], np.float32),
                     np.array([1.0, 1], np.float32)),
    "max_binary": (lambda torch, a, b: torch.max(a, b), rnd(3), rnd(3)),
    "min_binary": (lambda torch, a, b: a.min(b), rnd(3), rnd(3)),
    "masked_fill": (lambda torch, a, m: a.masked_fill(m, 0.0), rnd(2, 3), bools(2, 3)),
    "masked_fill_bcast": (lambda torch, a, m: a.masked_fill(m, -1.5), rnd(2, 3), bools(3)),
    "masked_fill_int_mask": (lambda torch, a, m: a.masked_fill(m, 0.0), rnd(3), ints(3, 0, 1)),
    "masked_fill_fn": (lambda torch, a, m: torch.masked_fill(a, m, 2), rnd(3), bools(3)),
    "where": (lambda torch, a, b, c: torch.where(c, a, b), rnd(2, 3), rnd(3), bools(2, 3)),
    "where_method": (lambda torch, a, c: a.where(c, 0.0), rnd(2, 3), bools(2, 3)),
    "where_scalar_other": (lambda torch, a, c: torch.where(c, a, 1.5), rnd(4), bools(4)),
    "where_int_float": (lambda torch, a, b, c: torch.where(c, a, b), ints(3), rnd(3), bools(3)),
    "where_one_arg": (lambda torch, c: torch.where(c), bools(2, 3)),
    "where_non_bool_cond": (lambda torch, a, c: torch.where(c, a, a), rnd(3), ints(3, 0, 1)),
    "where_bcast_error": (lambda torch, a, b, c: torch.where(c, a, b), rnd(3), rnd(2), bools(3)),
}  # fmt: skip


@cases(OPS)
def test_ops(fn, inputs):
    compare(fn, *inputs)


# ===== 4. reductions =============================================================================
REDUCTIONS = {
    "sum": (lambda torch, a: a.sum(), rnd(2, 3)),
    "sum_dim0": (lambda torch, a: a.sum(0), rnd(2, 3)),
    "sum_dim_neg": (lambda torch, a: a.sum(dim=-1), rnd(2, 3)),
    "sum_keepdim": (lambda torch, a: a.sum(1, keepdim=True), rnd(2, 3)),
    "sum_tuple": (lambda torch, a: a.sum((0, 2)), rnd(2, 3, 4)),
    "sum_tuple_keepdim": (lambda torch, a: a.sum(dim=(0, -1), keepdim=True), rnd(2, 3, 4)),
    "sum_list": (lambda torch, a: a.sum([1]), rnd(2, 3)),
    "sum_all_dims_tuple": (lambda torch, a: a.sum((0, 1)), rnd(2, 3)),
    "sum_0d": (lambda torch, a: a.sum(), np.array(2.5, np.float32)),
    "sum_0d_dim": (lambda torch, a: a.sum(0), np.array(2.5, np.float32)),
    "sum_int": (lambda torch, a: a.sum(), ints(2, 3)),
    "sum_int32": (lambda torch, a: a.sum(0), ints(2, 3, dtype=np.int32)),
    "sum_bool_dim": (lambda torch, a: a.sum(1), bools(2, 3)),
    "sum_dtype": (lambda torch, a: a.sum(dtype=torch.float64), rnd(3)),
    "sum_fn": (lambda torch, a: torch.sum(a, 1), rnd(2, 3)),
    "sum_empty": (lambda torch, a: a[:0].sum(), rnd(3)),
    "sum_dim_error": (lambda torch, a: a.sum(2), rnd(2, 3)),
    "sum_dup_dim_error": (lambda torch, a: a.sum((1, 1)), rnd(2, 3)),
    "mean": (lambda torch, a: a.mean(), rnd(2, 3)),
    "mean_dim": (lambda torch, a: a.mean(0), rnd(2, 3)),
    "mean_keepdim": (lambda torch, a: a.mean(-1, keepdim=True), rnd(2, 3)),
    "mean_tuple": (lambda torch, a: a.mean((1, 2)), rnd(2, 3, 4)),
    "mean_f64": (lambda torch, a: torch.mean(a), rnd(5, dtype=np.float64)),
    "mean_int_error": (lambda torch, a: a.mean(), ints(3)),
    "mean_bool_error": (lambda torch, a: a.mean(), bools(3)),
    "mean_int_dtype": (lambda torch, a: a.mean(dtype=torch.float32), ints(4)),
    "mean_empty_nan": (lambda torch, a: a[:0].mean(), NoGrad(rnd(3))),
    "max": (lambda torch, a: a.max(), distinct(2, 3)),
    "max_ties": (lambda torch, a: a.max(), np.array([1.0, 3, 3, 0], np.float32)),
    "min": (lambda torch, a: a.min(), distinct(2, 3)),
    "min_ties": (lambda torch, a: torch.min(a), np.array([1.0, 0, 3, 0], np.float32)),
    "max_int": (lambda torch, a: a.max(), ints(5)),
    "max_dim": (lambda torch, a: a.max(dim=1), distinct(2, 3)),
    "max_dim0": (lambda torch, a: a.max(0), distinct(3, 2)),
    "max_dim_keepdim": (lambda torch, a: a.max(1, keepdim=True), distinct(2, 3)),
    "max_dim_values": (lambda torch, a: a.max(dim=1).values, distinct(2, 3)),
    "max_dim_indices": (lambda torch, a: a.max(-1)[1], distinct(2, 3)),
    "max_dim_unpack": (lambda torch, a: list(a.max(0)), distinct(4)),
    "max_dim_repr": (lambda torch, a: repr(a.max(dim=1)), distinct(2, 3)),
    "max_dim_0d": (lambda torch, a: a.max(0), np.array(1.5, np.float32)),
    "min_dim": (lambda torch, a: a.min(dim=0), distinct(2, 3)),
    "min_dim_fn": (lambda torch, a: torch.min(a, 1, keepdim=True), distinct(2, 3)),
    "min_dim_repr": (lambda torch, a: repr(torch.min(a, 0)), distinct(2)),
    "max_dim_int": (lambda torch, a: a.max(0), np.array([[1, 5], [4, 2]])),
    "max_empty_error": (lambda torch, a: a[:0].max(), rnd(3)),
    "max_dim_error": (lambda torch, a: a.max(3), rnd(2, 3)),
    "argmax": (lambda torch, a: a.argmax(), distinct(2, 3)),
    "argmax_dim": (lambda torch, a: a.argmax(1), distinct(2, 3)),
    "argmax_dim0_keepdim": (lambda torch, a: a.argmax(dim=0, keepdim=True), distinct(2, 3)),
    "argmax_keepdim_nodim": (lambda torch, a: a.argmax(keepdim=True), distinct(2, 3)),
    "argmax_fn": (lambda torch, a: torch.argmax(a, -1), distinct(3, 2)),
    "argmin": (lambda torch, a: a.argmin(), distinct(5)),
    "argmin_dim": (lambda torch, a: torch.argmin(a, dim=0), distinct(3, 2)),
    "argmax_int": (lambda torch, a: a.argmax(), np.array([3, 9, 2])),
    "argmax_0d": (lambda torch, a: a.argmax(), np.array(2.0, np.float32)),
    "any": (lambda torch, a: a.any(), bools(2, 3)),
    "any_dim": (lambda torch, a: a.any(1), bools(2, 3)),
    "all": (lambda torch, a: a.all(), bools(2, 3)),
    "all_dim_keepdim": (lambda torch, a: a.all(0, keepdim=True), bools(2, 3)),
    "any_float": (lambda torch, a: (a > 1).any(), rnd(4)),
    "all_int": (lambda torch, a: torch.all(a), ints(4)),
    "softmax": (lambda torch, a: a.softmax(-1), rnd(2, 3)),
    "softmax_dim0": (lambda torch, a: torch.softmax(a, dim=0), rnd(2, 3)),
    "softmax_0d": (lambda torch, a: torch.softmax(a, 0), np.array(1.5, np.float32)),
    "softmax_int_error": (lambda torch, a: torch.softmax(a, 0), ints(3)),
    "softmax_int_dim0_error": (lambda torch, a: torch.softmax(a, 0), ints(2, 3)),
    "softmax_int_dtype": (lambda torch, a: a.softmax(0, dtype=torch.float64), ints(3)),
    "softmax_dim_error": (lambda torch, a: a.softmax(2), rnd(2, 3)),
    "log_softmax": (lambda torch, a: a.log_softmax(1), rnd(2, 3)),
    "log_softmax_fn": (lambda torch, a: torch.log_softmax(a, 0), rnd(4)),
    "log_softmax_int_error": (lambda torch, a: a.log_softmax(0), ints(3)),
    "logsumexp": (lambda torch, a: a.logsumexp(1), rnd(2, 3)),
    "logsumexp_keepdim": (lambda torch, a: torch.logsumexp(a, 0, keepdim=True), rnd(2, 3)),
    "logsumexp_tuple": (lambda torch, a: a.logsumexp((0, 1)), rnd(2, 3)),
    "var_values": (lambda torch, a: a.var(), rnd(2, 3)),
    "var_dim_unbiased_false": (lambda torch, a: a.var(1, unbiased=False), rnd(2, 3)),
    "var_correction0": (lambda torch, a: a.var(0, correction=0, keepdim=True), rnd(2, 3)),
    "std_values": (lambda torch, a: a.std(), rnd(2, 3)),
    "std_dim": (lambda torch, a: torch.std(a, 1), rnd(2, 3)),
}  # fmt: skip
# var/std are composed of differentiable ops in minigrad: same values and gradients, other node
COMPOSITE = {"var_values", "var_dim_unbiased_false", "var_correction0", "std_values", "std_dim"}


@cases(REDUCTIONS)
def test_reductions(fn, inputs, request):
    composite = request.node.callspec.id in COMPOSITE
    compare(fn, *inputs, rtol=1e-5, ignore=("grad_fn", "repr") if composite else ())


# ===== 5. linear algebra =========================================================================
LINALG = {
    "mm": (lambda torch, a, b: a.mm(b), rnd(2, 3), rnd(3, 4)),
    "mm_fn": (lambda torch, a, b: torch.mm(a, b), rnd(3, 3), rnd(3, 1)),
    "mv": (lambda torch, a, b: a.mv(b), rnd(2, 3), rnd(3)),
    "dot": (lambda torch, a, b: a.dot(b), rnd(3), rnd(3)),
    "dot_fn": (lambda torch, a, b: torch.dot(a, b), rnd(4), rnd(4)),
    "matmul_1d_1d": (lambda torch, a, b: a @ b, rnd(3), rnd(3)),
    "matmul_2d_1d": (lambda torch, a, b: a @ b, rnd(2, 3), rnd(3)),
    "matmul_1d_2d": (lambda torch, a, b: a @ b, rnd(3), rnd(3, 2)),
    "matmul_2d_2d": (lambda torch, a, b: a.matmul(b), rnd(2, 3), rnd(3, 2)),
    "matmul_3d_2d": (lambda torch, a, b: a @ b, rnd(4, 2, 3), rnd(3, 2)),
    "matmul_2d_3d": (lambda torch, a, b: torch.matmul(a, b), rnd(2, 3), rnd(4, 3, 2)),
    "matmul_3d_1d": (lambda torch, a, b: a @ b, rnd(4, 2, 3), rnd(3)),
    "matmul_1d_3d": (lambda torch, a, b: a @ b, rnd(3), rnd(4, 3, 2)),
    "matmul_bcast_batch": (lambda torch, a, b: a @ b, rnd(2, 1, 2, 3), rnd(3, 3, 2)),
    "matmul_int": (lambda torch, a, b: a @ b, ints(2, 3), ints(3, 2)),
    "bmm": (lambda torch, a, b: a.bmm(b), rnd(2, 2, 3), rnd(2, 3, 4)),
    "bmm_fn": (lambda torch, a, b: torch.bmm(a, b), rnd(3, 1, 2), rnd(3, 2, 1)),
    "outer": (lambda torch, a, b: torch.outer(a, b), rnd(3), rnd(2)),
    "mm_error": (lambda torch, a, b: a @ b, rnd(2, 3), rnd(2, 2)),
    "mm_ones_error": (lambda torch: torch.ones(2, 3) @ torch.ones(2, 2),),
    "mm_fn_error": (lambda torch, a, b: a.mm(b), rnd(2, 3), rnd(4, 2)),
    "mm_1d_error": (lambda torch, a, b: a.mm(b), rnd(3), rnd(3, 2)),
    "mv_error": (lambda torch, a, b: a.mv(b), rnd(2, 3), rnd(2)),
    "dot_size_error": (lambda torch, a, b: a.dot(b), rnd(3), rnd(2)),
    "dot_2d_error": (lambda torch, a, b: a.dot(b), rnd(2, 3), rnd(3)),
    "dot_dtype_error": (lambda torch, a, b: a.dot(b), rnd(3), ints(3)),
    "mm_dtype_error": (lambda torch, a, b: a @ b, rnd(2, 3), ints(3, 2)),
    "matmul_1d_2d_error": (lambda torch, a, b: a @ b, rnd(3), rnd(2, 2)),
    "matmul_3d_error": (lambda torch, a, b: a @ b, rnd(2, 2, 3), rnd(2, 2)),
    "matmul_0d_error": (lambda torch, a, b: a @ b, np.array(1.0, np.float32), rnd(2)),
    "bmm_2d_error": (lambda torch, a, b: a.bmm(b), rnd(2, 3), rnd(3, 2)),
    "bmm_batch_error": (lambda torch, a, b: a.bmm(b), rnd(2, 2, 3), rnd(3, 3, 2)),
}  # fmt: skip


# PyTorch folds batched matmuls into mm/bmm + reshapes, choosing by requires_grad and
# contiguity, so the final node (UnsafeViewBackward0, CloneBackward0...) is an implementation
# detail; minigrad ends in BmmBackward0 / SqueezeBackward1. Values and gradients are compared.
BATCHED = {"matmul_3d_2d", "matmul_2d_3d", "matmul_3d_1d", "matmul_1d_3d", "matmul_bcast_batch"}


@cases(LINALG)
def test_linalg(fn, inputs, request):
    batched = request.node.callspec.id in BATCHED
    compare(fn, *inputs, rtol=1e-5, ignore=("grad_fn", "repr") if batched else ())


# ===== 6. shapes, views and casts ================================================================
SHAPES = {
    "view": (lambda torch, a: a.view(3, 2), rnd(2, 3)),
    "view_tuple": (lambda torch, a: a.view((6,)), rnd(2, 3)),
    "view_infer": (lambda torch, a: a.view(-1, 2), rnd(2, 3)),
    "view_as": (lambda torch, a, b: a.view_as(b), rnd(2, 3), rnd(6)),
    "view_0d": (lambda torch, a: a.view(()), rnd(1)),
    "view_noncontig_error": (lambda torch, a: a.t().view(6), rnd(2, 3)),
    "view_size_error": (lambda torch, a: a.view(4), rnd(2, 3)),
    "view_two_infer_error": (lambda torch, a: a.view(-1, -1), rnd(2, 3)),
    "view_infer_error": (lambda torch, a: a.view(-1, 4), rnd(2, 3)),
    "reshape": (lambda torch, a: a.reshape(3, 2), rnd(2, 3)),
    "reshape_noncontig_copies": (lambda torch, a: a.t().reshape(6), rnd(2, 3)),
    "reshape_same_shape": (lambda torch, a: a.reshape(2, 3), rnd(2, 3)),
    "reshape_fn": (lambda torch, a: torch.reshape(a, (-1,)), rnd(2, 3)),
    "reshape_as": (lambda torch, a, b: a.reshape_as(b), rnd(2, 3), rnd(3, 2)),
    "reshape_0d_to_1": (lambda torch, a: a.reshape(1), np.array(2.0, np.float32)),
    "reshape_error": (lambda torch, a: a.reshape(5), rnd(2, 3)),
    "reshape_error_infer": (lambda torch, a: a.reshape(4, -1), rnd(2, 3)),
    "flatten": (lambda torch, a: a.flatten(), rnd(2, 3, 2)),
    "flatten_start1": (lambda torch, a: a.flatten(1), rnd(2, 3, 2)),
    "flatten_start1_2d_is_self": (lambda torch, a: a.flatten(start_dim=1) is a, rnd(2, 3)),
    "flatten_range": (lambda torch, a: torch.flatten(a, 0, 1), rnd(2, 3, 2)),
    "flatten_0d": (lambda torch, a: a.flatten(), np.array(2.0, np.float32)),
    "flatten_noncontig": (lambda torch, a: a.t().flatten(), rnd(2, 3)),
    "flatten_bad_range": (lambda torch, a: a.flatten(2, 1), rnd(2, 3, 2)),
    "unflatten": (lambda torch, a: a.unflatten(1, (2, 3)), rnd(2, 6)),
    "t": (lambda torch, a: a.t(), rnd(2, 3)),
    "t_1d": (lambda torch, a: a.t(), rnd(3)),
    "t_fn": (lambda torch, a: torch.t(a), rnd(2, 3)),
    "t_3d_error": (lambda torch, a: a.t(), rnd(2, 3, 4)),
    "T": (lambda torch, a: a.T, rnd(2, 3)),
    "mT": (lambda torch, a: a.mT, rnd(2, 2, 3)),
    "transpose": (lambda torch, a: a.transpose(0, 2), rnd(2, 3, 4)),
    "transpose_neg": (lambda torch, a: torch.transpose(a, -1, 0), rnd(2, 3)),
    "transpose_error": (lambda torch, a: a.transpose(0, 2), rnd(2, 3)),
    "swapaxes": (lambda torch, a: a.swapaxes(0, 1), rnd(2, 3)),
    "permute": (lambda torch, a: a.permute(2, 0, 1), rnd(2, 3, 4)),
    "permute_tuple": (lambda torch, a: a.permute((1, 0)), rnd(2, 3)),
    "permute_fn": (lambda torch, a: torch.permute(a, (0, -1, 1)), rnd(2, 3, 4)),
    "permute_error": (lambda torch, a: a.permute(0, 1), rnd(2, 3, 4)),
    "squeeze": (lambda torch, a: a.squeeze(), rnd(1, 3, 1)),
    "squeeze_dim": (lambda torch, a: a.squeeze(0), rnd(1, 3, 1)),
    "squeeze_dim_noop": (lambda torch, a: a.squeeze(1), rnd(1, 3, 1)),
    "squeeze_dims": (lambda torch, a: a.squeeze((0, 2)), rnd(1, 3, 1)),
    "squeeze_fn": (lambda torch, a: torch.squeeze(a, -1), rnd(2, 1)),
    "squeeze_error": (lambda torch, a: a.squeeze(3), rnd(1, 3, 1)),
    "unsqueeze": (lambda torch, a: a.unsqueeze(0), rnd(3)),
    "unsqueeze_last": (lambda torch, a: a.unsqueeze(-1), rnd(2, 3)),
    "unsqueeze_fn": (lambda torch, a: torch.unsqueeze(a, 1), rnd(2, 3)),
    "unsqueeze_error": (lambda torch, a: a.unsqueeze(3), rnd(3)),
    "expand": (lambda torch, a: a.expand(2, 3), rnd(3)),
    "expand_minus1": (lambda torch, a: a.expand(4, -1, 2), rnd(3, 1)),
    "expand_as": (lambda torch, a, b: a.expand_as(b), rnd(2, 1), rnd(2, 3)),
    "expand_error": (lambda torch, a: a.expand(2, 4), rnd(3)),
    "expand_too_few_error": (lambda torch, a: a.expand(3), rnd(2, 3)),
    "expand_too_few_error_int": (lambda torch, a: a.expand(3), ints(2, 3)),
    "broadcast_to": (lambda torch, a: a.broadcast_to((2, 3)), rnd(1, 3)),
    "broadcast_to_fn": (lambda torch, a: torch.broadcast_to(a, (2, 2)), rnd(2)),
    "split": (lambda torch, a: a.split(2), rnd(5, 2)),
    "split_sizes": (lambda torch, a: a.split([1, 3], dim=1), rnd(2, 4)),
    "split_fn": (lambda torch, a: torch.split(a, 3, -1), rnd(2, 4)),
    "split_sizes_error": (lambda torch, a: a.split([1, 2]), rnd(4)),
    "chunk": (lambda torch, a: a.chunk(3), rnd(7)),
    "chunk_dim": (lambda torch, a: torch.chunk(a, 2, dim=1), rnd(2, 4)),
    "unbind": (lambda torch, a: a.unbind(), rnd(3, 2)),
    "unbind_dim": (lambda torch, a: torch.unbind(a, 1), rnd(3, 2)),
    "cat": (lambda torch, a, b: torch.cat([a, b]), rnd(2, 3), rnd(1, 3)),
    "cat_dim1": (lambda torch, a, b: torch.cat((a, b), dim=1), rnd(2, 3), rnd(2, 1)),
    "cat_neg_dim": (lambda torch, a, b: torch.cat([a, b], -1), rnd(2, 3), rnd(2, 2)),
    "cat_one": (lambda torch, a: torch.cat([a]), rnd(2)),
    "cat_mixed_dtype": (lambda torch, a, b: torch.cat([a, b]), rnd(2), ints(2)),
    "cat_with_empty": (lambda torch, a: torch.cat([a, torch.tensor([])]), rnd(2, 2)),
    "concat": (lambda torch, a, b: torch.concat([a, b]), rnd(2), rnd(3)),
    "cat_size_error": (lambda torch, a, b: torch.cat([a, b]), rnd(2, 3), rnd(2, 2)),
    "cat_ndim_error": (lambda torch, a, b: torch.cat([a, b]), rnd(2, 3), rnd(3)),
    "cat_0d_error": (lambda torch, a: torch.cat([a, a]), np.array(1.0, np.float32)),
    "cat_tensor_arg_error": (lambda torch, a: torch.cat(a), rnd(2)),
    "cat_empty_list_error": (lambda torch: torch.cat([]),),
    "cat_non_tensor_error": (lambda torch, a: torch.cat([a, 3]), rnd(2)),
    "stack_empty_list_error": (lambda torch: torch.stack([]),),
    "stack_tensor_arg_error": (lambda torch, a: torch.stack(a), rnd(2)),
    "stack_mixed_dtype": (lambda torch, a, b: torch.stack([a, b]), rnd(2), ints(2)),
    "cat_dim_error": (lambda torch, a: torch.cat([a, a], 2), rnd(2, 3)),
    "stack": (lambda torch, a, b: torch.stack([a, b]), rnd(2, 3), rnd(2, 3)),
    "stack_dim1": (lambda torch, a, b: torch.stack((a, b), 1), rnd(2, 3), rnd(2, 3)),
    "stack_last": (lambda torch, a, b: torch.stack([a, b], dim=-1), rnd(3), rnd(3)),
    "stack_0d": (lambda torch, a, b: torch.stack([a, b]), np.array(1.0, np.float32),
                 np.array(2.0, np.float32)),
    "stack_size_error": (lambda torch, a, b: torch.stack([a, b]), rnd(2, 3), rnd(3, 2)),
    "stack_dim_error": (lambda torch, a: torch.stack([a, a], 3), rnd(2, 3)),
    "clone": (lambda torch, a: a.clone(), rnd(2, 3)),
    "clone_fn": (lambda torch, a: torch.clone(a), rnd(3)),
    "contiguous_is_self": (lambda torch, a: a.contiguous() is a, rnd(2, 3)),
    "contiguous_copy": (lambda torch, a: a.t().contiguous(), rnd(2, 3)),
    "is_contiguous": (lambda torch, a: (a.is_contiguous(), a.t().is_contiguous()), rnd(2, 3)),
    "stride": (lambda torch, a: (a.stride(), a.t().stride(), a.stride(1)), rnd(2, 3)),
    "float_is_self": (lambda torch, a: a.float() is a, rnd(3)),
    "float_from_int": (lambda torch, a: a.float(), ints(3)),
    "double": (lambda torch, a: a.double(), rnd(3)),
    "long_truncates": (lambda torch, a: a.long(), rnd(6)),
    "int": (lambda torch, a: a.int(), rnd(6)),
    "bool": (lambda torch, a: a.bool(), rnd(6)),
    "bool_to_float": (lambda torch, a: a.float(), bools(3)),
    "to_dtype": (lambda torch, a: a.to(torch.float64), rnd(3)),
    "to_dtype_kw": (lambda torch, a: a.to(dtype=torch.int64), rnd(3)),
    "to_same_is_self": (lambda torch, a: a.to(torch.float32) is a, rnd(3)),
    "to_copy": (lambda torch, a: a.to(torch.float32, copy=True), rnd(3)),
    "to_other": (lambda torch, a, b: a.to(b), ints(3), rnd(2, dtype=np.float64)),
    "to_cpu": (lambda torch, a: a.to("cpu") is a, rnd(3)),
    "type_as": (lambda torch, a, b: a.type_as(b), rnd(3), ints(1)),
    "type_str": (lambda torch, a, b: (a.type(), b.type()), rnd(2), ints(2)),
    "type_cast": (lambda torch, a: a.type(torch.float64), rnd(2)),
    "cpu_is_self": (lambda torch, a: a.cpu() is a, rnd(2)),
    "double_then_float": (lambda torch, a: a.double().float() * 2, rnd(3)),
    "attrs": (lambda torch, a: (a.shape, a.size(), a.size(1), a.size(-1), a.dim(), a.ndim,
                                a.ndimension(), len(a), a.dtype, a.element_size()), rnd(2, 3)),
    "size_error": (lambda torch, a: a.size(2), rnd(2, 3)),
    "size_0d_error": (lambda torch, a: a.size(0), np.array(1.0, np.float32)),
    "len_0d_error": (lambda torch, a: len(a), np.array(1.0, np.float32)),
    "iter": (lambda torch, a: list(a), rnd(3, 2)),
    "iter_values": (lambda torch, a: [r.detach() for r in a], rnd(3, 2)),
    "iter_0d_error": (lambda torch, a: list(a), np.array(1.0, np.float32)),
    "shape_slicing": (lambda torch, a: a.shape[1:], rnd(2, 3, 4)),
    "shape_eq_tuple": (lambda torch, a: (a.shape == (2, 3), list(a.shape), a.shape.numel()),
                       rnd(2, 3)),
    "item_float": (lambda torch, a: a.sum().item(), rnd(3)),
    "item_int": (lambda torch, a: a[0].item(), ints(3)),
    "item_bool": (lambda torch, a: a[0].item(), bools(3)),
    "item_1elem": (lambda torch, a: a.item(), rnd(1, 1)),
    "item_error": (lambda torch, a: a.item(), rnd(2)),
    "tolist": (lambda torch, a: a.tolist(), rnd(2, 2)),
    "tolist_int": (lambda torch, a: a.tolist(), ints(3)),
    "tolist_0d": (lambda torch, a: a.tolist(), np.array(2.5, np.float32)),
    "float_conv": (lambda torch, a: (float(a), int(a), bool(a)), np.array([2.5], np.float32)),
    "bool_multi_error": (lambda torch, a: bool(a), rnd(2)),
    "index_op": (lambda torch, a, b: a[b[0]], rnd(3), ints(1, lo=0, hi=2)),
    "format_0d": (lambda torch, a: (f"{a}", f"{a:.3f}"), np.array(27.0, np.float32)),
    "format_nd": (lambda torch, a: f"{a}", rnd(2)),
    "format_nd_spec_error": (lambda torch, a: f"{a:.2f}", rnd(2)),
    "numpy_rg_error": (lambda torch, a: a.numpy(), rnd(2)),
    "numpy_detached": (lambda torch, a: a.detach().numpy(), rnd(2)),
    "numpy_int": (lambda torch, a: a.numpy(), ints(2)),
}  # fmt: skip


@cases(SHAPES)
def test_shapes(fn, inputs):
    compare(fn, *inputs)


# ===== 7. indexing and assignment ================================================================
def _setitem(key: Any, value: Any) -> Callable:
    """``x[key] = value`` on a copy of a no-grad input: the result and its history."""

    def fn(torch, a):
        a = a.clone()
        v = value(torch) if callable(value) else value
        a[key] = v
        return a, version(a)

    return fn


def _setitem_grad(key: Any) -> Callable:
    """``s = x * 1; s[key] = v`` with both x and v requiring grad: CopySlices / IndexPut."""

    def fn(torch, a, v):
        s = a * 1
        s[key] = v
        return s

    return fn


INDEXING = {
    "int": (lambda torch, a: a[1], rnd(3, 4)),
    "neg_int": (lambda torch, a: a[-1], rnd(3, 4)),
    "two_ints": (lambda torch, a: a[1, 2], rnd(3, 4)),
    "chained": (lambda torch, a: a[1][2], rnd(3, 4)),
    "slice": (lambda torch, a: a[1:], rnd(3, 4)),
    "slice_step": (lambda torch, a: a[::2], rnd(5)),
    "slice_neg": (lambda torch, a: a[-2:], rnd(5)),
    "slice_col": (lambda torch, a: a[:, 1], rnd(3, 4)),
    "slice_both": (lambda torch, a: a[1:, :2], rnd(3, 4)),
    "slice_out_of_range_ok": (lambda torch, a: a[2:10], rnd(4)),
    "slice_empty": (lambda torch, a: a[3:1], rnd(4)),
    "ellipsis": (lambda torch, a: a[..., 0], rnd(2, 3, 4)),
    "ellipsis_middle": (lambda torch, a: a[0, ..., 1], rnd(2, 3, 4)),
    "none": (lambda torch, a: a[None], rnd(3)),
    "none_middle": (lambda torch, a: a[:, None, 1:], rnd(2, 3)),
    "full_slice": (lambda torch, a: a[:], rnd(3)),
    "ellipsis_only": (lambda torch, a: a[...], rnd(3)),
    "0d_int_tensor_index": (lambda torch, a: a[torch.tensor(1)], rnd(3, 2)),
    "list": (lambda torch, a: a[[0, 2]], rnd(3, 4)),
    "list_repeat": (lambda torch, a: a[[1, 1, 0]], rnd(3)),
    "list_neg": (lambda torch, a: a[[-1, 0]], rnd(3)),
    "int_tensor": (lambda torch, a, i: a[i], rnd(4, 2), np.array([3, 0, 3])),
    "int_tensor_2d": (lambda torch, a, i: a[i], rnd(4), np.array([[0, 1], [3, 3]])),
    "two_lists": (lambda torch, a: a[[0, 1], [2, 0]], rnd(3, 4)),
    "list_and_slice": (lambda torch, a: a[[0, 2], 1:], rnd(3, 4)),
    "slice_and_list": (lambda torch, a: a[:, [0, 0, 3]], rnd(3, 4)),
    "bool_mask": (lambda torch, a, m: a[m], rnd(2, 3), bools(2, 3)),
    "bool_mask_rows": (lambda torch, a, m: a[m], rnd(3, 2), np.array([True, False, True])),
    "bool_mask_cmp": (lambda torch, a: a[a > 0], rnd(6)),
    "bool_mask_all_false": (lambda torch, a: a[a > 100], rnd(4)),
    "bool_list_mask": (lambda torch, a: a[[True, False, True]], rnd(3)),
    "index_select": (lambda torch, a, i: a.index_select(0, i), rnd(3, 2), np.array([2, 0])),
    "index_select_fn": (lambda torch, a, i: torch.index_select(a, 1, i), rnd(2, 3),
                        np.array([1, 1])),
    "select": (lambda torch, a: a.select(1, -1), rnd(2, 3)),
    "select_fn": (lambda torch, a: torch.select(a, 0, 1), rnd(2, 3)),
    "narrow": (lambda torch, a: a.narrow(1, 1, 2), rnd(2, 4)),
    "narrow_fn": (lambda torch, a: torch.narrow(a, 0, 0, 1), rnd(2, 4)),
    "int_index_int_tensor": (lambda torch, a: a[1], ints(3)),
    # errors
    "out_of_range": (lambda torch, a: a[5], rnd(3)),
    "out_of_range_neg": (lambda torch, a: a[-4], rnd(3)),
    "out_of_range_dim1": (lambda torch, a: a[:, 7], rnd(2, 3)),
    "out_of_range_list": (lambda torch, a: a[[0, 5]], rnd(3)),
    "out_of_range_tensor": (lambda torch, a, i: a[i], rnd(3), np.array([1, -4])),
    "too_many_indices": (lambda torch, a: a[0, 0, 0], rnd(2, 3)),
    "index_0d": (lambda torch, a: a[0], np.array(1.0, np.float32)),
    "mask_shape_error": (lambda torch, a, m: a[m], rnd(3, 2), bools(2)),
    "float_index_error": (lambda torch, a, i: a[i], rnd(3), np.array([0.0, 1.0], np.float32)),
    "float_scalar_index_error": (lambda torch, a: a[1.0], rnd(3)),
    "neg_step_error": (lambda torch, a: a[::-1], rnd(3)),
    "select_out_of_range": (lambda torch, a: a.select(0, 3), rnd(3)),
    "index_select_out_of_range": (lambda torch, a: a.index_select(0, torch.tensor([5])), rnd(3)),
    "index_select_float_error": (lambda torch, a: a.index_select(0, torch.tensor([0.0])), rnd(3)),
    "narrow_error": (lambda torch, a: a.narrow(0, 2, 3), rnd(3)),
    "narrow_neg_start": (lambda torch, a: a.narrow(0, -2, 2), rnd(3)),
    # assignment
    "set_int": (_setitem(1, 5.0), NoGrad(rnd(3))),
    "set_row": (_setitem(0, 2.0), NoGrad(rnd(2, 3))),
    "set_row_vector": (_setitem(0, lambda torch: torch.tensor([1.0, 2.0, 3.0])), NoGrad(rnd(2, 3))),
    "set_col_bcast": (_setitem((slice(None), 1), lambda torch: torch.tensor([7.0, 8.0])),
                      NoGrad(rnd(2, 3))),
    "set_mask": (_setitem(np.array([True, False, True]), 0.0), NoGrad(rnd(3))),
    "set_index_list": (_setitem([0, 2], -1.0), NoGrad(rnd(3))),
    "set_index_tensor_values": (_setitem([0, 2], lambda torch: torch.tensor([9.0, 8.0])),
                                NoGrad(rnd(3))),
    "set_int_tensor_float_value": (_setitem(0, 2.7), ints(3)),
    "set_int_tensor_from_float_tensor": (_setitem(slice(None), lambda torch: torch.tensor(
        [1.5, -1.5, 2.5])), ints(3)),
    "set_bool_tensor": (_setitem(1, True), bools(3)),
    "set_ellipsis": (_setitem(Ellipsis, 1.0), NoGrad(rnd(2, 2))),
    "set_none_key": (_setitem((None, 0), 3.0), NoGrad(rnd(2))),
    "set_shape_error": (_setitem(slice(None), lambda torch: torch.ones(2)), NoGrad(rnd(3))),
    "set_mask_shape_error": (_setitem([0, 1], lambda torch: torch.ones(3)), NoGrad(rnd(3))),
    "set_out_of_range": (_setitem(3, 0.0), NoGrad(rnd(3))),
    "set_list_value_error": (_setitem(slice(1, None), [5.0, 6.0]), NoGrad(rnd(3))),
    "set_tuple_value_error": (_setitem(0, (1,)), ints(3)),
    "set_none_value_error": (_setitem(0, None), NoGrad(rnd(3))),
    "set_ndarray_value_error": (_setitem(slice(0, 2), np.ones(2)), NoGrad(rnd(3))),
    "set_too_many_dims_error": (_setitem(0, lambda torch: torch.ones(2, 3)), NoGrad(rnd(3))),
    "copy_shape_error": (lambda torch, a: a.clone().copy_(torch.ones(2)), NoGrad(rnd(3))),
    "copy_bcast": (lambda torch, a: a.clone().copy_(torch.tensor([1, 2])), NoGrad(rnd(2, 2))),
    "set_copyslices_grad": (_setitem_grad(0), rnd(3), np.array(2.0, np.float32)),
    "set_copyslices_slice_grad": (_setitem_grad(slice(1, None)), rnd(3), rnd(2)),
    "set_copyslices_bcast_grad": (_setitem_grad((slice(None), 0)), rnd(2, 3), rnd(1)),
    "set_indexput_grad": (_setitem_grad([0, 2]), rnd(3), rnd(2)),
    "set_mask_grad": (_setitem_grad(np.array([True, False, True])), rnd(3),
                      np.array(2.0, np.float32)),
}  # fmt: skip


@cases(INDEXING)
def test_indexing(fn, inputs):
    compare(fn, *inputs)


# ===== 8. in-place ops ===========================================================================
def _inplace_nonleaf(op: Callable) -> Callable:
    """``y = x * 1; op(y)``: allowed on a non-leaf; returns self; grad_fn becomes op's node."""

    def fn(torch, a, *rest):
        y = a * 1
        out = op(torch, y, *rest)
        return out is y, y, version(y)

    return fn


def _inplace_nograd(op: Callable) -> Callable:
    """``op`` on a tensor that does not require grad: values, dtype, version."""

    def fn(torch, a, *rest):
        out = op(torch, a, *rest)
        return out is a, a, version(a)

    return fn


INPLACE_OPS = {
    "add_": (lambda torch, y, b: y.add_(b), rnd(2, 3), rnd(3)),
    "add_alpha": (lambda torch, y, b: y.add_(b, alpha=2), rnd(3), rnd(3)),
    "add_scalar": (lambda torch, y: y.add_(1.5), rnd(3)),
    "sub_": (lambda torch, y, b: y.sub_(b), rnd(3), rnd(3)),
    "mul_": (lambda torch, y, b: y.mul_(b), rnd(2, 3), rnd(2, 1)),
    "mul_scalar": (lambda torch, y: y.mul_(3), rnd(3)),
    "div_": (lambda torch, y, b: y.div_(b), rnd(3), pos(3)),
    "div_scalar": (lambda torch, y: y.div_(2), rnd(3)),
    "pow_": (lambda torch, y: y.pow_(2), rnd(3)),
    "pow_tensor": (lambda torch, y, b: y.pow_(b), pos(3), rnd(3)),
    "neg_": (lambda torch, y: y.neg_(), rnd(3)),
    "abs_": (lambda torch, y: y.abs_(), rnd(3)),
    "exp_": (lambda torch, y: y.exp_(), rnd(3)),
    "log_": (lambda torch, y: y.log_(), pos(3)),
    "sqrt_": (lambda torch, y: y.sqrt_(), pos(3)),
    "sin_": (lambda torch, y: y.sin_(), rnd(3)),
    "cos_": (lambda torch, y: y.cos_(), rnd(3)),
    "tanh_": (lambda torch, y: y.tanh_(), rnd(3)),
    "sigmoid_": (lambda torch, y: y.sigmoid_(), rnd(3)),
    "relu_": (lambda torch, y: y.relu_(), rnd(4)),
    "sign_": (lambda torch, y: y.sign_(), rnd(4)),
    "reciprocal_": (lambda torch, y: y.reciprocal_(), pos(3)),
    "clamp_": (lambda torch, y: y.clamp_(-1, 1), rnd(5)),
    "clamp_min_": (lambda torch, y: y.clamp_(min=0), rnd(5)),
    "clamp_tensor": (lambda torch, y, b: y.clamp_(min=b), rnd(5), rnd(5)),
    "clip_": (lambda torch, y: y.clip_(0, 1), rnd(5)),
    "masked_fill_": (lambda torch, y, m: y.masked_fill_(m, 0.5), rnd(2, 3), bools(2, 3)),
    "fill_": (lambda torch, y: y.fill_(2.5), rnd(3)),
    "fill_tensor": (lambda torch, y, v: y.fill_(v), rnd(3), np.array(2.0, np.float32)),
    "zero_": (lambda torch, y: y.zero_(), rnd(3)),
    "copy_": (lambda torch, y, b: y.copy_(b), rnd(2, 3), rnd(3)),
    "iadd": (lambda torch, y, b: y.__iadd__(b), rnd(3), rnd(3)),
    "isub": (lambda torch, y: y.__isub__(1), rnd(3)),
    "imul": (lambda torch, y, b: y.__imul__(b), rnd(3), rnd(3)),
    "itruediv": (lambda torch, y: y.__itruediv__(4), rnd(3)),
    "ipow": (lambda torch, y: y.__ipow__(2), rnd(3)),
    "chain": (lambda torch, y: y.add_(1).mul_(2).exp_(), rnd(3)),
    "setitem_nonleaf": (lambda torch, y: y.__setitem__(0, 5.0), rnd(3)),
}  # fmt: skip


@cases(INPLACE_OPS)
def test_inplace_nonleaf(fn, inputs):
    compare(_inplace_nonleaf(fn), *inputs)


@cases(INPLACE_OPS)
def test_inplace_nograd(fn, inputs):
    compare(_inplace_nograd(fn), *(NoGrad(x) for x in inputs))


@cases({
    "leaf_add_": (lambda torch, a: a.add_(1), rnd(3)),
    "leaf_iadd": (lambda torch, a: a.__iadd__(1), rnd(3)),
    "leaf_alias_imul": (lambda torch, a: (lambda y: y.__imul__(1))(a), rnd(3)),
    "leaf_setitem": (lambda torch, a: a.__setitem__(0, 1.0), rnd(3)),
    "leaf_fill_": (lambda torch, a: a.fill_(1), rnd(3)),
    "leaf_zero_": (lambda torch, a: a.zero_(), rnd(3)),
    "leaf_exp_": (lambda torch, a: a.exp_(), rnd(3)),
    "leaf_copy_": (lambda torch, a: a.copy_(torch.ones(3)), rnd(3)),
    "leaf_masked_fill_": (lambda torch, a: a.masked_fill_(a > 0, 0.0), rnd(3)),
    "view_of_leaf_select_add_": (lambda torch, a: a[0].add_(1), rnd(2, 2)),
    "view_of_leaf_setitem_slice": (lambda torch, a: a.__setitem__(slice(1, None), 0.0), rnd(3)),
    "view_of_leaf_view_setitem": (lambda torch, a: a.view(4).__setitem__(0, 2.0), rnd(2, 2)),
    "view_of_leaf_t_mul_": (lambda torch, a: a.t().mul_(2), rnd(2, 2)),
    "leaf_mask_setitem": (lambda torch, a: a.__setitem__(a > 0, 0.0), rnd(3)),
    "int_div_": (lambda torch, a: a.div_(2), ints(3)),
    "int_itruediv": (lambda torch, a: a.__itruediv__(2), ints(3)),
    "int_mul_float": (lambda torch, a: a.mul_(1.5), ints(3)),
    "int_add_float_tensor": (lambda torch, a, b: a.add_(b), ints(3), NoGrad(rnd(3))),
    "int_exp_": (lambda torch, a: a.exp_(), ints(3)),
    "bool_add_int": (lambda torch, a: a.add_(1), bools(3)),
    "int_fill_float": (lambda torch, a: (a.fill_(3.7), a)[1], ints(3)),
    "int_clamp_float": (lambda torch, a: a.clamp_(0.5), ints(3)),
    "float_add_int_ok": (lambda torch, a, b: a.add_(b), NoGrad(rnd(3)), ints(3)),
    "f32_add_f64_ok": (lambda torch, a, b: a.add_(b), NoGrad(rnd(3)),
                       NoGrad(rnd(3, dtype=np.float64))),
    "bcast_shape_error": (lambda torch, a, b: a.add_(b), NoGrad(rnd(3)), NoGrad(rnd(2, 3))),
    "fill_nd_value_error": (lambda torch, a: a.fill_(torch.ones(2)), NoGrad(rnd(3))),
    "expanded_write_error": (lambda torch, a: a.expand(2, 3).add_(1), NoGrad(rnd(3))),
    "nograd_requires_grad_value": (lambda torch, a, v: (lambda s: (s.add_(v), s)[1])(a * 1),
                                   NoGrad(rnd(3)), rnd(3)),
})  # fmt: skip
def test_inplace_errors(fn, inputs):
    compare(fn, *inputs)


# ===== 9. views, version counters, modified-by-inplace errors ====================================
def _versions(torch):
    x = torch.ones(2, 3)
    v, t, d, data, c = x.view(6), x.t(), x.detach(), x.data, x.clone()
    out = [version(x)]
    x.add_(1)
    out += [version(x), version(v), version(t), version(d), version(data), version(c)]
    v[0] = 5.0
    out += [version(x), version(t), x[0, 0].item(), t[0, 0].item()]
    d.mul_(2)
    out += [version(x), x[0, 0].item()]
    data.zero_()
    out += [version(x), version(data), x.sum().item()]
    with torch.no_grad():
        x += 1
    out += [version(x), version(c)]
    return out


def _version_leaf_nograd(torch):
    w = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        w -= 0.5 * torch.ones(3)
        w[0] = 5.0
        w.fill_(2.0)
    return w, version(w), w.is_leaf, w.requires_grad, w.grad_fn


def _version_detach_update(torch):
    w = torch.ones(3, requires_grad=True)
    w.detach().sub_(1)
    return w, version(w), w.is_leaf


def _modified_saved_output(torch, op):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = op(x * 1)
    y.add_(1) if False else y.mul_(1)
    return raises(lambda: y.sum().backward()), x.grad


def _modified_saved_input_after(op):
    def fn(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        z = y * y
        op(y)
        return raises(lambda: z.sum().backward()), y.grad_fn, version(y)

    return fn


def _modified_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = (x * x).sum()
    with torch.no_grad():
        x.add_(1)
    return raises(lambda: z.backward()), y.grad_fn


def _modified_2d(torch):
    a = torch.ones(2, 3, requires_grad=True)
    b = a.exp()
    b.add_(1)
    return raises(lambda: b.sum().backward())


def _modified_0d(torch):
    a = torch.tensor(2.0, requires_grad=True)
    b = a.tanh()
    b.mul_(2)
    return raises(lambda: b.backward())


def _modified_f64(torch):
    a = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    b = a.sigmoid()
    b.zero_()
    return raises(lambda: b.backward())


def _asstrided_slice(torch):
    x = torch.tensor(2.0, requires_grad=True)
    s = torch.ones(2)
    s[1] = s[0] * x
    return s, raises(lambda: s.sum().backward()), x.grad


def _asstrided_fixed(torch):
    x = torch.tensor(2.0, requires_grad=True)
    s = torch.ones(2)
    s[1] = s[0].clone() * x
    s.sum().backward()
    return s, x.grad


def _copyslices_chain(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    s = torch.zeros(3)
    s[0] = x[0]
    s[1:] = x * 2
    r = [s, s.grad_fn, s.is_leaf, version(s)]
    s.sum().backward()
    return r + [x.grad]


def _view_after_base_modified(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[1:]
    y.mul_(2)
    r = [v, v.grad_fn, y.grad_fn]
    (v * v).sum().backward()
    return r + [x.grad]


def _data_silent(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    x.data.mul_(10)
    y.sum().backward()
    return x.grad, version(x), x


def _views_share_memory(torch):
    x = torch.zeros(2, 3)
    for v in (
        x.view(6),
        x.reshape(3, 2),
        x[0],
        x[:, 1],
        x.t(),
        x.detach(),
        x.data,
        x.flatten(),
        x.unsqueeze(0),
        x.expand(1, 2, 3),
        x.narrow(1, 0, 1),
        x.select(1, 2),
        x[None, 1:],
        x.permute(1, 0),
        x.squeeze(),
        x.unflatten(1, (3, 1)),
        x.view_as(x),
        x.T,
        x.mT,
        x.transpose(0, 1),
        x[...],
        x.split(1)[0],
        x.chunk(2)[1],
        x.unbind()[0],
    ):
        v.add_(1)
    copies = [x.clone(), x[[0]], x[x > 100], x.t().reshape(6), x.contiguous() is x]
    copies[0].add_(100)
    copies[1].add_(100)
    return x, version(x), copies


def _nograd_view(torch):
    y = torch.ones(4, requires_grad=True) * 1
    with torch.no_grad():
        return y[:2]


def _nograd_view_modified_in_no_grad(torch):
    x = torch.ones(4, requires_grad=True)
    with torch.no_grad():
        v = x[1:3]
        v.mul_(3)
    return v, x, v.requires_grad, v.is_leaf, int(v._version), int(x._version)


def _nograd_view_invalid_history(torch):
    b = torch.ones(4, requires_grad=True) * 1
    with torch.no_grad():
        v = b[:2]
        b.add_(1)  # the base, under no_grad: the view's history is now invalid
    return (repr(v), v.requires_grad, raises(lambda: v.grad_fn), raises(lambda: v.is_leaf),
            raises(lambda: v * 2), v.detach())  # fmt: skip


def _multi_output_views(torch):
    x = torch.ones(4, requires_grad=True)
    y = x * 1
    errors = [raises(f) for f in (
        lambda: y.split(2)[0].add_(1), lambda: y.unbind()[2].add_(1),
        lambda: y.chunk(2)[1].mul_(2), lambda: y.split([1, 3])[1].zero_(),
        lambda: y.split(2)[0].__setitem__(0, 1.0),
    )]  # fmt: skip
    z = torch.ones(4)
    z.split(2)[1].add_(1)
    z.unbind()[0].mul_(3)
    with torch.no_grad():
        y.split(2)[0].add_(1)
    return errors, z, version(z), y, version(y)


def _view_of_nonleaf_inplace(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y[0].mul_(5)
    y[1:].add_(1)
    r = [y, y.grad_fn, version(y)]
    y.backward(torch.tensor([1.0, 2.0, 3.0]))
    return r + [x.grad]


@scenarios(
    {
        "version_counters": _versions,
        "leaf_update_under_no_grad": _version_leaf_nograd,
        "leaf_update_through_detach": _version_detach_update,
        "modified_exp_output": lambda torch: _modified_saved_output(torch, lambda y: y.exp()),
        "modified_tanh_output": lambda torch: _modified_saved_output(torch, lambda y: y.tanh()),
        "modified_sigmoid_output": lambda torch: _modified_saved_output(
            torch, lambda y: y.sigmoid()
        ),
        "modified_relu_output": lambda torch: _modified_saved_output(torch, lambda y: y.relu()),
        "modified_sqrt_output": lambda torch: _modified_saved_output(
            torch, lambda y: y.abs().sqrt()
        ),
        "modified_input_add_": _modified_saved_input_after(lambda y: y.add_(1)),
        "modified_input_mul_": _modified_saved_input_after(lambda y: y.mul_(3)),
        "modified_input_exp_": _modified_saved_input_after(lambda y: y.exp_()),
        "modified_input_zero_": _modified_saved_input_after(lambda y: y.zero_()),
        "modified_input_setitem": _modified_saved_input_after(lambda y: y.__setitem__(0, 1.0)),
        "modified_input_twice": _modified_saved_input_after(lambda y: y.add_(1).add_(1)),
        "modified_leaf_no_clause": _modified_leaf,
        "modified_2d_sizes": _modified_2d,
        "modified_0d_sizes": _modified_0d,
        "modified_double_type": _modified_f64,
        "asstrided_slice_example": _asstrided_slice,
        "asstrided_slice_fixed": _asstrided_fixed,
        "copyslices_chain": _copyslices_chain,
        "view_after_base_modified": _view_after_base_modified,
        "data_changes_silently": _data_silent,
        "views_share_memory": _views_share_memory,
        "view_of_nonleaf_inplace": _view_of_nonleaf_inplace,
        "multi_output_views": _multi_output_views,
        "view_made_in_no_grad_modified": lambda torch: raises(lambda: _nograd_view(torch).add_(1)),
        "view_made_in_no_grad_modified_in_no_grad": _nograd_view_modified_in_no_grad,
        "view_made_in_no_grad_invalid_history": _nograd_view_invalid_history,
    }
)
def test_views_and_versions(fn):
    check(fn)


# ===== 10. grad modes ============================================================================
def _modes(torch):
    x = torch.ones(2, requires_grad=True)
    out = [torch.is_grad_enabled()]
    with torch.no_grad():
        a = x * 2
        out += [torch.is_grad_enabled(), a]
        with torch.enable_grad():
            b = x * 2
            out += [torch.is_grad_enabled(), b]
            with torch.no_grad():
                out += [torch.is_grad_enabled()]
            out += [torch.is_grad_enabled()]
        c = torch.zeros(2, requires_grad=True)
        out += [c, c.is_leaf, x.clone(), x.detach(), x + 1]
    out += [torch.is_grad_enabled(), x * 2]
    return out


def _views_made_in_no_grad_record(torch):
    x = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        v = x[:2]
        v2 = v.view(2, 1)
    z = v * 3
    w = v[:1]
    z.sum().backward()
    return (v, v2, z, [f for f, _ in z.grad_fn.next_functions], w.requires_grad, w.is_leaf,
            v.grad, x.grad, v.detach().requires_grad, v.clone())  # fmt: skip


def _views_made_in_no_grad(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        a, b = x[0], x.view(2)
    y = a * 2
    y.backward()
    return a, b, y, x.grad


def _set_grad_enabled(torch):
    x = torch.ones(2, requires_grad=True)
    torch.set_grad_enabled(False)
    out = [torch.is_grad_enabled(), x * 2]
    torch.set_grad_enabled(True)
    out += [torch.is_grad_enabled(), x * 2]
    with torch.set_grad_enabled(False):
        out += [torch.is_grad_enabled(), x + 1]
        with torch.set_grad_enabled(True):
            out += [torch.is_grad_enabled(), x + 1]
        out += [torch.is_grad_enabled()]
    out += [torch.is_grad_enabled()]
    return out


def _decorators(torch):
    x = torch.ones(2, requires_grad=True)

    @torch.no_grad()
    def f(t):
        return t * 2, torch.is_grad_enabled()

    @torch.enable_grad()
    def g(t):
        return t * 2, torch.is_grad_enabled()

    @torch.set_grad_enabled(False)
    def h(t):
        return t * 2, torch.is_grad_enabled()

    out = [f(x), torch.is_grad_enabled(), h(x), torch.is_grad_enabled()]
    with torch.no_grad():
        out += [g(x), torch.is_grad_enabled()]
    return out + [f.__name__]


def _restored_on_error(torch):
    def boom():
        with torch.no_grad():
            raise ValueError("boom")

    err = raises(boom)
    return err, torch.is_grad_enabled()


def _inference_mode_like_no_grad(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        y = x * 2
        on = torch.is_grad_enabled()
    return y.requires_grad, y.grad_fn, on, torch.is_grad_enabled()


def _no_grad_then_backward(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = (x * 2).sum()
    return raises(lambda: y.backward()), y.requires_grad


def _no_grad_factory_requires_grad(torch):
    with torch.no_grad():
        w = torch.ones(2, requires_grad=True)
        w2 = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w2).sum()
    loss.backward()
    return w, w2, w.grad, w2.grad


@scenarios(
    {
        "nesting": _modes,
        "views_made_in_no_grad": _views_made_in_no_grad,
        "views_made_in_no_grad_record": _views_made_in_no_grad_record,
        "set_grad_enabled": _set_grad_enabled,
        "decorators": _decorators,
        "restored_on_error": _restored_on_error,
        "inference_mode_values": _inference_mode_like_no_grad,
        "no_grad_then_backward": _no_grad_then_backward,
        "no_grad_factory_requires_grad": _no_grad_factory_requires_grad,
    }
)
def test_grad_modes(fn):
    check(fn)


# ===== 11. backward, autograd.grad, hooks ========================================================
def _backward_errors(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    return [
        raises(lambda: y.backward()),
        raises(lambda: y.backward(torch.ones(3))),
        raises(lambda: y.backward(torch.ones(2, 1))),
        raises(lambda: torch.ones(2).sum().backward()),
        raises(lambda: x.detach().sum().backward()),
        raises(lambda: torch.tensor(1).backward()),
    ]


def _backward_scalar_like(torch):
    x = torch.tensor([3.0], requires_grad=True)
    (x * x).backward()
    g1 = x.grad.clone()
    y = torch.tensor([[2.0]], requires_grad=True)
    (y * 3).backward()
    return g1, y.grad


def _backward_on_leaf(torch):
    x = torch.tensor(2.0, requires_grad=True)
    x.backward()
    x.backward(torch.tensor(3.0))
    return x.grad


def _second_backward(op):
    def fn(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = op(torch, x).sum()
        y.backward()
        g = x.grad.clone()
        err = raises(lambda: y.backward())
        return g, err, x.grad

    return fn


def _retain_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    return x.grad, raises(lambda: y.backward())


def _accumulate_and_reset(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    g = x.grad.clone()
    x.grad = None
    (x * 2).sum().backward()
    g2 = x.grad.clone()
    x.grad.zero_()
    return g, g2, x.grad, x.grad.requires_grad, x.grad.is_leaf


def _grad_setter(value):
    def fn(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        return raises(lambda: setattr(x, "grad", value(torch)))

    return fn


def _nonleaf_grad(torch):
    import warnings

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * 3
    y.retain_grad()
    z.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zg = z.grad
    return y.grad, y.retains_grad, z.retains_grad, zg, x.retains_grad


def _variants(torch, kind):
    x = torch.tensor(2.0, requires_grad=True)
    y = {
        "A": lambda: torch.tensor(3.0).requires_grad_(True),
        "B": lambda: x,
        "C": lambda: torch.tensor(1.0),
        "D": lambda: x.detach().clone(),
        "E": lambda: x.clone(),
    }[kind]()
    z = x + y * y
    z.backward()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return x.grad, y.grad, y.is_leaf, y.requires_grad, y.grad_fn, z


def _multiple_roots(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * x
    torch.autograd.backward([a.sum(), b.sum()])
    g1 = x.grad.clone()
    torch.autograd.backward([a, b], [torch.ones(2), torch.tensor([1.0, -1.0])])
    return g1, x.grad


def _backward_inputs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    return x.grad, w.grad


def _diamond(torch):
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a.sin()
    (b * c + a).sum().backward()
    return x.grad


def _grad_fn_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3 + 1
    fn = y.grad_fn
    nxt = fn.next_functions
    acc = nxt[0][0].next_functions[0][0]
    return (
        fn.name(),
        [(type(n).__name__ if n is not None else None, i) for n, i in nxt],
        type(acc).__name__,
        acc.variable is x,
        acc.next_functions,
        nxt[0][0].next_functions[1],
    )


def _int_cast_in_graph(torch):
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    y = x.double() * x
    y.sum().backward()
    return y, x.grad


GRAD_SCENARIOS = {
    "backward_errors": _backward_errors,
    "backward_scalar_like": _backward_scalar_like,
    "backward_on_leaf": _backward_on_leaf,
    "retain_graph": _retain_graph,
    "accumulate_and_reset": _accumulate_and_reset,
    "grad_setter_size_error": _grad_setter(lambda torch: torch.ones(3)),
    "grad_setter_dtype_error": _grad_setter(lambda torch: torch.ones(2, dtype=torch.float64)),
    "grad_setter_type_error": _grad_setter(lambda torch: [1.0, 2.0]),
    "grad_setter_none": _grad_setter(lambda torch: None),
    "nonleaf_grad_retain": _nonleaf_grad,
    "multiple_roots": _multiple_roots,
    "backward_inputs": _backward_inputs,
    "diamond": _diamond,
    "grad_fn_graph": _grad_fn_graph,
    "float64_in_graph": _int_cast_in_graph,
}
for _k in "ABCDE":
    GRAD_SCENARIOS[f"variant_{_k}"] = lambda torch, _k=_k: _variants(torch, _k)
# second backward: fine without saved tensors, an error with them (SPEC 3)
SECOND_BACKWARD = {
    "add": lambda torch, x: x + 1, "sub": lambda torch, x: x - 1, "rsub": lambda torch, x: 1 - x,
    "neg": lambda torch, x: -x, "sum_dim": lambda torch, x: x.sum(0),
    "mean": lambda torch, x: x.mean(),
    "view": lambda torch, x: x.view(2, 1), "clone": lambda torch, x: x.clone(),
    "cat": lambda torch, x: torch.cat([x, x]), "stack": lambda torch, x: torch.stack([x, x]),
    "slice": lambda torch, x: x[1:], "select": lambda torch, x: x[0], "t": lambda torch, x: x.t(),
    "expand": lambda torch, x: x.expand(3, 2), "unsqueeze": lambda torch, x: x.unsqueeze(0),
    "mul_scalar": lambda torch, x: x * 2, "div": lambda torch, x: x / 2,
    "pow": lambda torch, x: x**2, "exp": lambda torch, x: x.exp(), "log": lambda torch, x: x.log(),
    "sin": lambda torch, x: x.sin(), "cos": lambda torch, x: x.cos(),
    "tanh": lambda torch, x: x.tanh(), "sigmoid": lambda torch, x: x.sigmoid(),
    "relu": lambda torch, x: x.relu(), "sqrt": lambda torch, x: x.sqrt(),
    "abs": lambda torch, x: x.abs(), "max": lambda torch, x: x.max(),
    "dot": lambda torch, x: x.dot(x), "mm": lambda torch, x: x.view(1, 2).mm(x.view(2, 1)),
    "softmax": lambda torch, x: x.softmax(0),
    "setitem": lambda torch, x: (lambda s: (s.__setitem__(0, x[0] * 1), s)[1])(torch.zeros(2)),
}  # fmt: skip
for _key, _op in SECOND_BACKWARD.items():
    GRAD_SCENARIOS[f"second_backward_{_key}"] = _second_backward(_op)


@scenarios(GRAD_SCENARIOS)
def test_backward(fn):
    check(fn)


def _grad_basic(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (g,) = torch.autograd.grad(y, x)
    return g, x.grad, raises(lambda: y.backward())


def _grad_unused(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    err = raises(lambda: torch.autograd.grad((x * 2).sum(), [x, w]))
    gs = torch.autograd.grad((x * 2).sum(), [x, w], allow_unused=True)
    gm = torch.autograd.grad((x * 2).sum(), [w, x], allow_unused=True, materialize_grads=True)
    return err, gs, gm


def _grad_second_order(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x**3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    return g, g2, g3, x.grad


def _grad_second_order_backward(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x.sin()).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    return g, x.grad


def _grad_create_graph_backward(torch):
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(create_graph=True)
    g = x.grad
    gg = torch.autograd.grad(g, x)
    return g, gg


def _grad_create_graph_backward_inputs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True, inputs=[x])
    first = x.grad
    z = x * 2
    (z**2).sum().backward(create_graph=True, inputs=[z])
    (x**3).sum().backward(create_graph=True, inputs=[x])
    return first, z.grad, x.grad


def _grad_outputs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    return torch.autograd.grad(y, x, grad_outputs=torch.tensor([1.0, -2.0]))


def _grad_no_grad_input(torch):
    x = torch.tensor([1.0, 2.0])
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    return raises(lambda: torch.autograd.grad((x * w).sum(), x))


def _grad_nonleaf_input(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    return torch.autograd.grad(y, [h, x])


def _grad_retain(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp()).sum()
    a = torch.autograd.grad(y, x, retain_graph=True)
    b = torch.autograd.grad(y, x)
    return a, b, raises(lambda: torch.autograd.grad(y, x))


def _grad_of_relu_second(torch):
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y = (x.relu() * x).sum()
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), x)
    return g, h


@scenarios(
    {
        "basic": _grad_basic,
        "unused": _grad_unused,
        "second_order": _grad_second_order,
        "second_order_backward": _grad_second_order_backward,
        "create_graph_backward": _grad_create_graph_backward,
        "create_graph_backward_inputs": _grad_create_graph_backward_inputs,
        "create_graph_backward_values": lambda torch: [
            t.detach() if hasattr(t, "detach") else [u.detach() for u in t]
            for t in _grad_create_graph_backward(torch)
        ],
        "grad_outputs": _grad_outputs,
        "no_grad_input": _grad_no_grad_input,
        "nonleaf_input": _grad_nonleaf_input,
        "retain": _grad_retain,
        "relu_second_order": _grad_of_relu_second,
    }
)
def test_autograd_grad(fn):
    check(fn)


def _hook_order(torch):
    calls = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: calls.append(("y1", g.tolist())))
    y.register_hook(lambda g: calls.append(("y2", g.tolist())) or g * 10)
    y.register_hook(lambda g: calls.append(("y3", g.tolist())))
    x.register_hook(lambda g: calls.append(("x", g.tolist())))
    y.sum().backward()
    return calls, x.grad


def _hook_replace_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 0 + 7)
    (x * 3).sum().backward()
    g1 = x.grad.clone()
    h.remove()
    (x * 3).sum().backward()
    return g1, x.grad


def _hook_remove_nonleaf(torch):
    calls = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    h = y.register_hook(lambda g: calls.append(1))
    h.remove()
    y.sum().backward()
    return calls, x.grad


def _hook_errors(torch):
    return [
        raises(lambda: torch.ones(2).register_hook(lambda g: g)),
        raises(lambda: torch.ones(2).retain_grad()),
    ]


def _hook_with_retain(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 100)
    (y * 3).sum().backward()
    return y.grad, x.grad


def _hook_sees_accumulated(torch):
    seen = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: seen.append(g.tolist()))
    (y * y + y).sum().backward()
    return seen, x.grad


def _grad_fn_hooks(torch):
    seen = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.grad_fn.register_hook(lambda gi, go: seen.append(("post", len(gi), len(go))))
    y.grad_fn.register_prehook(lambda go: seen.append(("pre", go[0].tolist())))
    y.sum().backward()
    return seen, x.grad


@scenarios(
    {
        "order_and_replace": _hook_order,
        "replace_leaf_and_remove": _hook_replace_leaf,
        "remove_nonleaf": _hook_remove_nonleaf,
        "errors": _hook_errors,
        "with_retain_grad": _hook_with_retain,
        "sees_accumulated_grad": _hook_sees_accumulated,
        "grad_fn_hooks": _grad_fn_hooks,
    }
)
def test_hooks(fn):
    check(fn)


# ===== 12. detach / data / clone, requires_grad rules ============================================
def _detach_semantics(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d[0] = 5.0
    return x, d, d.requires_grad, d.is_leaf, d.grad_fn, version(x)


def _data_semantics(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    d[1] = 7.0
    x.data = torch.tensor([3.0, 4.0])
    return x, d, d.requires_grad, x.is_leaf, version(x), raises(lambda: setattr(x, "data", 1))


def _clone_semantics(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    c2 = x.detach().clone()
    with torch.no_grad():
        c3 = x.clone()
    c2.add_(1)
    return c, c2, c3, x, version(x), version(c2)


def _detach_inplace(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    r = y.detach_()
    return r is y, y, y.grad_fn, y.requires_grad, y.is_leaf


def _requires_grad_rules(torch):
    return [
        raises(lambda: torch.tensor([1, 2], requires_grad=True)),
        raises(lambda: torch.tensor([1, 2]).requires_grad_(True)),
        raises(lambda: setattr(torch.tensor([1, 2]), "requires_grad", True)),
        raises(lambda: torch.tensor([True]).requires_grad_()),
        raises(lambda: torch.zeros(2, dtype=torch.int64, requires_grad=True)),
        raises(lambda: torch.arange(3, requires_grad=True)),
        torch.tensor([1, 2]).requires_grad_(False),
    ]


def _requires_grad_nonleaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    return [
        raises(lambda: y.requires_grad_(False)),
        raises(lambda: setattr(y, "requires_grad", False)),
        y.requires_grad_(True) is y,
        y.requires_grad_() is y,
    ]


def _requires_grad_propagation(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0])
    c = a + b
    d = b * 2
    x = torch.tensor([1.0])
    x.requires_grad = True
    e = torch.tensor([1.0]).requires_grad_()
    return [c, d, c.is_leaf, d.is_leaf, x, e, a.requires_grad_(False), a.is_leaf]


def _rebinding(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x0 = x
    x = x + 1
    x = x * x
    x.sum().backward()
    return x0.grad, x.is_leaf, x0.is_leaf, x


@scenarios(
    {
        "detach": _detach_semantics,
        "data": _data_semantics,
        "clone": _clone_semantics,
        "detach_": _detach_inplace,
        "requires_grad_int_messages": _requires_grad_rules,
        "requires_grad_nonleaf": _requires_grad_nonleaf,
        "requires_grad_propagation": _requires_grad_propagation,
        "rebinding_names": _rebinding,
    }
)
def test_detach_data_clone(fn):
    check(fn)


# ===== 13. error messages for bad input ==========================================================
ERRORS = {
    "bcast_add": (lambda torch, a, b: a + b, rnd(2, 3), rnd(2, 2)),
    "bcast_mul_3d": (lambda torch, a, b: a * b, rnd(2, 3, 4), rnd(3, 3, 1)),
    "bcast_sub_1d": (lambda torch, a, b: a - b, rnd(3), rnd(2)),
    "bcast_div_lead": (lambda torch, a, b: a / b, rnd(4, 3), rnd(2, 1, 3)),
    "bcast_cmp": (lambda torch, a, b: a < b, rnd(3), rnd(4)),
    "bcast_pow": (lambda torch, a, b: a**b, pos(3), rnd(2)),
    "bcast_maximum": (lambda torch, a, b: torch.maximum(a, b), rnd(3), rnd(2)),
    "bcast_inplace": (lambda torch, a, b: (a * 1).add_(b), rnd(3), rnd(2)),
    "bcast_ones": (lambda torch: torch.ones(3) + torch.ones(2),),
    "dim_sum": (lambda torch, a: a.sum(-3), rnd(2, 3)),
    "dim_mean": (lambda torch, a: a.mean(5), rnd(2, 3)),
    "dim_argmax": (lambda torch, a: a.argmax(2), rnd(2, 3)),
    "dim_softmax_neg": (lambda torch, a: a.softmax(-3), rnd(2, 3)),
    "dim_unsqueeze_neg": (lambda torch, a: a.unsqueeze(-4), rnd(2, 3)),
    "dim_transpose": (lambda torch, a: a.transpose(-3, 0), rnd(2, 3)),
    "dim_squeeze": (lambda torch, a: a.squeeze(-3), rnd(2, 3)),
    "dim_flatten": (lambda torch, a: a.flatten(0, 4), rnd(2, 3)),
    "dim_select": (lambda torch, a: a.select(2, 0), rnd(2, 3)),
    "dim_split": (lambda torch, a: a.split(1, 2), rnd(2, 3)),
    "dim_unbind": (lambda torch, a: a.unbind(3), rnd(2, 3)),
    "dim_0d": (lambda torch, a: a.sum(1), np.array(1.0, np.float32)),
    "dim_max_0d": (lambda torch, a: a.max(1), np.array(1.0, np.float32)),
    "dim_cat_neg": (lambda torch, a: torch.cat([a, a], -3), rnd(2, 3)),
    "item_multi": (lambda torch: torch.tensor([1.0, 2.0]).item(),),
    "item_empty": (lambda torch: torch.tensor([]).item(),),
    "numpy_requires_grad": (lambda torch: torch.ones(2, requires_grad=True).numpy(),),
    "numpy_nonleaf": (lambda torch, a: (a * 2).numpy(), rnd(2)),
    "float_of_multi": (lambda torch, a: float(a), rnd(2)),
    "int_of_multi": (lambda torch, a: int(a), ints(2)),
    "index_of_float": (lambda torch, a: [1, 2, 3][a], np.array(1.0, np.float32)),
    "list_index_int_tensor": (lambda torch, a: [1, 2, 3][a], np.array(1)),
    "view_noncontig_transpose": (lambda torch, a: a.transpose(0, 1).view(-1), rnd(2, 3, 2)),
    "view_noncontig_slice": (lambda torch, a: a[:, ::2].view(4), rnd(2, 4)),
    "view_slice_ok": (lambda torch, a: a[1:].view(-1), rnd(3, 2)),
    "reshape_neg_size": (lambda torch, a: a.reshape(-2, 3), rnd(2, 3)),
    "tensor_none": (lambda torch: torch.tensor(None),),
    "tensor_nested_str": (lambda torch: torch.tensor([1, "a"]),),
    "neg_bool": (lambda torch: -torch.tensor([True]),),
    "add_string": (lambda torch, a: a + "x", rnd(2)),
    "add_list": (lambda torch, a: a + [1.0, 2.0], rnd(2)),
    "radd_list": (lambda torch, a: [1.0, 2.0] + a, rnd(2)),
    "matmul_list": (lambda torch, a: a @ [1.0, 2.0], rnd(2)),
    "mul_none": (lambda torch, a: a * None, rnd(2)),
    "pow_str": (lambda torch, a: a ** "x", rnd(2)),
    "and_str": (lambda torch, a: a & "x", ints(2)),
    "lt_str": (lambda torch, a: a < "x", rnd(2)),
    "eq_str": (lambda torch, a: (a == "x", a != "x"), rnd(2)),
    "iadd_list": (lambda torch, a: a.detach().__iadd__([1.0]), rnd(2)),
    "iadd_list_op": (lambda torch, a: exec("b = a.detach()\nb += [1.0]", {"a": a}), rnd(2)),
    "int_pow_neg": (lambda torch, a: a**-2, ints(3, lo=1)),
    "mean_empty_dim_ok": (lambda torch, a: a.mean(0), NoGrad(rnd(0, 2))),
}  # fmt: skip


@cases(ERRORS)
def test_errors(fn, inputs):
    compare(fn, *inputs)


# ===== 14. printing of values that both libraries hold exactly ==================================
PRINTING = {
    "sci_small": (lambda torch: torch.tensor([1e-5, 1.0]),),
    "sci_large_ratio": (lambda torch: torch.tensor([0.5, 1000.0]),),
    "big_value": (lambda torch: torch.tensor([123456.789]),),
    "fixed_width": (lambda torch: torch.tensor([0.1, 100.0]),),
    "nan_inf": (lambda torch: torch.tensor([float("nan"), float("inf"), -float("inf"), 0.5]),),
    "neg_zero": (lambda torch: torch.tensor([-0.0, 1.0]),),
    "int_width": (lambda torch: torch.tensor([1, -1, 100]),),
    "wrap_suffix": (lambda torch, a: a + 0.5, rnd(16, lo=0, hi=15, step=1)),
    "three_d": (lambda torch: torch.arange(12.0).view(2, 2, 3),),
    "four_d": (lambda torch: torch.arange(16).view(2, 2, 2, 2),),
    "summarized_2d": (lambda torch: torch.arange(2000.0).view(40, 50),),
    "linspace_thirds": (lambda torch: torch.linspace(0, 3, 10),),
    "float64_suffix_grad": (lambda torch, a: a * 2, rnd(3, dtype=np.float64)),
    "empty_2d_int": (lambda torch: torch.zeros(2, 0, dtype=torch.int64),),
    "size_repr": (lambda torch: (repr(torch.Size([2, 3])), repr(torch.ones(2).shape[0:0])),),
    "dtype_repr": (lambda torch: [repr(d) for d in (torch.float, torch.double, torch.long,
                                                    torch.int, torch.bool)],),
    "dtype_aliases": (lambda torch: (torch.float == torch.float32, torch.long == torch.int64,
                                     torch.double is torch.float64),),
    "dtype_props": (lambda torch: [(d.is_floating_point, d.itemsize) for d in
                                   (torch.float32, torch.int64, torch.bool)],),
    "grad_fn_repr_type": (lambda torch, a: (str(type((a * 2).grad_fn)), (a + 1).grad_fn.name()),
                          rnd(2)),
    "str_equals_repr": (lambda torch, a: str(a * 2) == repr(a * 2), rnd(2)),
}  # fmt: skip


@cases(PRINTING)
def test_printing_vs_torch(fn, inputs):
    compare(fn, *inputs)
