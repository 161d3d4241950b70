"""The grader is itself tested: the reference gets full marks, the blank release zero, every
known-wrong answer loses points with the right diagnosis, and isolation holds."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from test_autograder_support import namespace, source

from autograder import program, protocol
from autograder.assignments import ASSIGNMENTS
from autograder.checks import evaluate
from autograder.isolation import EngineBlocked, ReferenceBlocked, blocked, no_engine
from autograder.mutants import (
    ELEMENTWISE,
    ELEMENTWISE_CHEATS,
    MLP,
    MLP_CHEATS,
    REDUCTIONS,
    REDUCTIONS_CHEATS,
    Mutant,
)
from autograder.verdict import Property, Verdict

A1 = ASSIGNMENTS["01_elementwise"]
MUTANTS = {"01_elementwise": ELEMENTWISE, "02_reductions_engine": REDUCTIONS, "03_mlp": MLP}
CHEATS = {
    "01_elementwise": ELEMENTWISE_CHEATS,
    "02_reductions_engine": REDUCTIONS_CHEATS,
    "03_mlp": MLP_CHEATS,
}
# stopped when they run (no_engine, the reference check), not by the static check
RUNTIME_CHEATS = {"mul_uses_autograd", "engine_calls_backward", "engine_is_library"}


def scores(ns: dict, assignment: str = "01_elementwise", hidden: Any = True) -> dict[str, Verdict]:
    """Every test's verdict; ``hidden`` is a bool, or the set of tests that get hidden cases."""
    out = {}
    for t in ASSIGNMENTS[assignment].tests:
        with_hidden = hidden if isinstance(hidden, bool) else t.name in hidden
        out[t.name] = evaluate(t.name, ns.get(t.symbol), hidden=with_hidden, ns=ns)
    return out


def _ns(assignment: str, replace: dict | None = None, blank_all: bool = False) -> dict:
    return namespace(replace, blank_all, notebook=source(assignment))


@pytest.mark.parametrize("assignment", sorted(MUTANTS))
@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_reference_gets_full_marks(
    monkeypatch: pytest.MonkeyPatch, student: str, assignment: str
) -> None:
    monkeypatch.setenv("AUTOGRADER_STUDENT", student)  # other hidden inputs for each
    for name, v in scores(_ns(assignment), assignment).items():
        assert v.score == v.points, f"{name}: {v.render()}"


@pytest.mark.parametrize("assignment", sorted(MUTANTS))
def test_blank_release_gets_zero(assignment: str) -> None:
    for name, v in scores(_ns(assignment, blank_all=True), assignment).items():
        assert v.score == 0, f"{name}: {v.render()}"
        assert "not written yet" in (v.diagnosis or "")


@pytest.mark.parametrize(
    "assignment,mutant",
    [(a, m) for a, ms in sorted(MUTANTS.items()) for m in ms],
    ids=lambda x: getattr(x, "name", x),
)
def test_mutant_loses_points_with_the_right_diagnosis(assignment: str, mutant: Mutant) -> None:
    # the mutated test with its hidden cases; the others with the visible ones, which is enough
    # to show that they do not depend on the mutated cell
    verdicts = scores(_ns(assignment, {mutant.cell: mutant.code}), assignment, {mutant.test})
    v = verdicts[mutant.test]
    assert v.score < v.points, v.render()
    assert re.search(mutant.diagnosis, v.diagnosis or ""), v.render()
    # isolation: every other test still gets full marks (e.g. a broken unbroadcast does not
    # cost Mul or Div anything, since the reference stands in for it while they are graded)
    for name, other in verdicts.items():
        if name != mutant.test:
            assert other.score == other.points, f"{mutant.name} broke {name}: {other.render()}"


@pytest.mark.parametrize(
    "assignment,cheat",
    [(a, m) for a, ms in sorted(CHEATS.items()) for m in ms],
    ids=lambda x: getattr(x, "name", x),
)
def test_calling_the_library_op_earns_nothing(assignment: str, cheat: Mutant) -> None:
    v = scores(_ns(assignment, {cheat.cell: cheat.code}), assignment, {cheat.test})[cheat.test]
    assert v.score == 0, v.render()
    assert re.search(cheat.diagnosis, v.diagnosis or ""), v.render()


def test_cheats_that_reach_library_internals_are_refused_before_they_run() -> None:
    for cheat in ELEMENTWISE_CHEATS + REDUCTIONS_CHEATS + MLP_CHEATS:
        if cheat.name not in RUNTIME_CHEATS:
            assert program.forbidden(cheat.code), cheat.name


def test_partial_credit_is_weighted_by_property() -> None:
    props = [Property("values", 4, True), Property("broadcast", 2, False, "missing")]
    v = Verdict("test_mul", 3, props)
    assert v.score == 2.0 and v.diagnosis == "missing"
    assert Verdict.failed("test_mul", 3, "crashed").score == 0


def test_visible_check_prints_the_same_diagnosis(capsys: pytest.CaptureFixture) -> None:
    from autograder import check

    mutant = next(m for m in ELEMENTWISE if m.name == "mul_no_unbroadcast")
    ns = _ns("01_elementwise", {mutant.cell: mutant.code})
    with pytest.raises(AssertionError, match="missing un-broadcast"):
        check("mul", ns["Mul"], ns=ns)
    assert "Diagnosis: missing un-broadcast" in capsys.readouterr().out


def test_library_backward_and_engine_are_blocked_then_restored() -> None:
    import minigrad
    from minigrad.ops.arithmetic import Mul

    original = Mul.backward
    with blocked(["minigrad.ops.arithmetic:Mul"]), no_engine():
        with pytest.raises(ReferenceBlocked):
            Mul.backward(None, None)
        x = minigrad.ones(2, requires_grad=True)
        with pytest.raises(EngineBlocked):
            (x.exp()).sum().backward()
    assert Mul.backward is original
    x = minigrad.ones(2, requires_grad=True)
    (x * x).sum().backward()
    assert np.allclose(x.grad.numpy(), 2)


def _nb(cells: list) -> dict:
    return {"cells": cells}


def _code(source: str, gid: str | None = None, **flags: bool) -> dict:
    meta = {"nbgrader": {"grade_id": gid, **flags}} if gid else {}
    return {"cell_type": "code", "source": source, "metadata": meta, "id": source[:8]}


def test_program_restores_master_cells_and_keeps_student_additions() -> None:
    master = _nb([
        _code("import x", "setup", locked=True),
        _code("ANSWER", "mul", solution=True),
        _code("check(...)", "test_mul", grade=True, locked=True),
        _code("ANSWER2", "div", solution=True),
        _code("check(...)", "test_div", grade=True, locked=True),
    ])  # fmt: skip
    student = _nb([
        _code("import x; EDITED", "setup", locked=True),  # edited locked cell
        _code("mine = 1", "mul", solution=True),
        _code("helper = 2"),  # added by the student
        _code("pass  # test deleted and replaced", None),
        _code("mine2 = 3", "div", solution=True),
        _code("check(...); INFLATED", "test_div", grade=True, locked=True),
    ])  # fmt: skip
    steps = program.build(student, master)
    assert [(s.kind, s.key, s.source) for s in steps] == [
        ("code", "setup", "import x"),
        ("code", "mul", "mine = 1"),
        ("code", "cell-helper =", "helper = 2"),
        ("code", "cell-pass  # ", "pass  # test deleted and replaced"),
        ("test", "test_mul", ""),
        ("code", "div", "mine2 = 3"),
        ("test", "test_div", ""),
    ]


def test_forbidden_constructs() -> None:
    assert program.forbidden("import autograder.checks as c; c.check = None") == "autograder.checks"
    assert program.forbidden("get_ipython().set_custom_exc((Exception,), f)")
    assert program.forbidden("import importlib") == "importlib"
    assert program.forbidden("y = re.compile('x'); z = np.exp(x)") is None
    assert program.forbidden("np.testing.assert_allclose = lambda *a, **k: None") is None


def test_protocol_round_trip_refuses_pickles() -> None:
    import os

    r, w = os.pipe()
    protocol.write(w, {"a": 1}, {"x": np.arange(3.0)})
    header, arrays = protocol.Reader(r).read(deadline=None)
    assert header == {"a": 1} and np.array_equal(arrays["x"], np.arange(3.0))
    protocol.write(w, {"a": 2}, {"x": np.array([object()], dtype=object)})
    with pytest.raises(protocol.BadMessage):
        protocol.Reader(r).read(deadline=None)
    os.close(r)
    os.close(w)


def test_notebooks_are_built_from_their_sources() -> None:
    import subprocess
    import sys

    from test_autograder_support import COURSE

    build = [sys.executable, str(COURSE / "build_notebooks.py"), "--check"]
    assert subprocess.run(build, capture_output=True).returncode == 0


A2 = "02_reductions_engine"


def test_run_node_gives_each_input_its_gradient_in_its_shape() -> None:
    import minigrad
    from autograder import run_node

    a = minigrad.randn(2, 3, dtype=minigrad.float64, requires_grad=True)
    b = minigrad.randn(3, dtype=minigrad.float64, requires_grad=True)
    grad = minigrad.randn(2, 3, dtype=minigrad.float64)
    (na, ga), (nb, gb) = run_node((a * b).grad_fn, grad)
    assert na.variable is a and nb.variable is b
    assert np.allclose(ga.numpy(), (grad * b).detach().numpy())
    assert gb.shape == (3,) and np.allclose(gb.numpy(), (grad * a).sum(0).detach().numpy())
    assert [n.variable for n, _ in run_node((a * 2.0).grad_fn, grad)] == [a]
    with pytest.raises(TypeError, match="AccumulateGrad"):
        run_node(na, grad)


def test_engine_order_is_checked_against_the_graph() -> None:
    from autograder.kinds.engine import order_violation

    flat = [
        ("leaf", [], (np.zeros(()), "x", True)),
        ("sin", [0], None),  # 1: used by 2 and 3
        ("mul", [1, 0], None),  # 2
        ("add", [1, 2], None),  # 3: the root
    ]
    assert not order_violation(flat, [3, 2, 1])
    assert order_violation(flat, [3, 1, 2])  # 1 ran before its consumer 2
    assert order_violation(flat, [2, 1])  # 2 ran, its consumer 3 never did


def test_an_engine_that_runs_every_path_is_stopped_early() -> None:
    import time

    from autograder.kinds import engine
    from autograder.mutants import by_name

    mutant = by_name(REDUCTIONS)["engine_once_per_path"]
    ns = _ns(A2, {mutant.cell: mutant.code})
    case = engine._ladder(np.random.default_rng(0), "ladder", 24)  # 2^24 paths
    t0 = time.monotonic()
    obs = engine.probe(ASSIGNMENTS[A2].test("engine"), ns["backward"], case)
    assert obs.meta["too_many"] is not None and time.monotonic() - t0 < 5


def test_case_generators_respect_their_constraints() -> None:
    from autograder.checks import make_cases

    for name in ("sum", "mean", "max"):
        test = ASSIGNMENTS[A2].test(name)
        for seed in range(20):
            for case in make_cases(test, seed):
                x, dim = case.arrays["arg0"], case.meta["numbers"]["1"]
                dims = () if dim is None else dim if isinstance(dim, tuple) else (dim,)
                assert all(-x.ndim <= d < x.ndim for d in dims), (name, case.label)
                if case.category == "keepdim":  # a missing reshape cannot line up by chance:
                    reduced = sorted(d % x.ndim for d in dims)  # not only leading dims
                    assert not case.meta["numbers"]["2"] and reduced != list(range(len(dims)))
                if name == "max":
                    gaps = np.diff(np.sort(x.ravel()))
                    assert gaps.min() > 0.25
    for seed in range(20):
        for case in make_cases(ASSIGNMENTS[A2].test("matmul"), seed):
            a, b = case.arrays["arg0"], case.arrays["arg1"]
            assert a.shape[-2] != b.shape[-1] and a.shape[-1] != b.shape[-1]  # never square


def test_hidden_test_labels_never_reach_the_sandbox() -> None:
    from autograder.checks import make_cases
    from autograder.trusted import _public

    (case,) = make_cases(ASSIGNMENTS["03_mlp"].test("training"), None)
    assert "_y_test" in case.arrays and "_y_test" not in _public(case.arrays)
    assert set(_public(case.arrays)) == {"X", "y", "X_test"}


def test_test_names_are_unique_across_assignments() -> None:
    # check("sum", Sum) finds its test by name alone; the editions in other languages share
    # their English assignment's tests
    from autograder.assignments import ENGLISH

    names = [t.name for a in ENGLISH for t in a.tests]
    assert len(names) == len(set(names))
    for edition in ASSIGNMENTS.values():
        english = ASSIGNMENTS[edition.seed_name]
        assert edition.tests == english.tests and english.language == "en"
