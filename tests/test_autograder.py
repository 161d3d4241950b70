"""The grader is itself tested: the reference gets full marks, the blank release zero, every
known-wrong answer loses points with the right diagnosis, and isolation holds."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_autograder_support import namespace

from autograder import program, protocol
from autograder.assignments import ASSIGNMENTS
from autograder.checks import evaluate
from autograder.isolation import EngineBlocked, ReferenceBlocked, blocked, no_engine
from autograder.mutants import ELEMENTWISE, ELEMENTWISE_CHEATS, Mutant
from autograder.verdict import Property, Verdict

A1 = ASSIGNMENTS["01_elementwise"]


def scores(ns: dict) -> dict[str, Verdict]:
    return {t.name: evaluate(t.name, ns.get(t.symbol), hidden=True, ns=ns) for t in A1.tests}


@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_reference_gets_full_marks(monkeypatch: pytest.MonkeyPatch, student: str) -> None:
    monkeypatch.setenv("AUTOGRADER_STUDENT", student)  # other hidden inputs for each
    for name, v in scores(namespace()).items():
        assert v.score == v.points, f"{name}: {v.render()}"


def test_blank_release_gets_zero() -> None:
    for name, v in scores(namespace(blank_all=True)).items():
        assert v.score == 0, f"{name}: {v.render()}"
        assert "not written yet" in (v.diagnosis or "")


@pytest.mark.parametrize("mutant", ELEMENTWISE, ids=lambda m: m.name)
def test_mutant_loses_points_with_the_right_diagnosis(mutant: Mutant) -> None:
    verdicts = scores(namespace({mutant.cell: mutant.code}))
    v = verdicts[mutant.test]
    assert v.score < v.points, v.render()
    assert re.search(mutant.diagnosis, v.diagnosis or ""), v.render()
    # isolation: every other test still gets full marks (e.g. a broken unbroadcast does not
    # cost Mul or Div anything, since the reference stands in for it while they are graded)
    for name, other in verdicts.items():
        if name != mutant.test:
            assert other.score == other.points, f"{mutant.name} broke {name}: {other.render()}"


@pytest.mark.parametrize("cheat", ELEMENTWISE_CHEATS, ids=lambda m: m.name)
def test_calling_the_library_op_earns_nothing(cheat: Mutant) -> None:
    v = scores(namespace({cheat.cell: cheat.code}))[cheat.test]
    assert v.score == 0, v.render()
    assert re.search(cheat.diagnosis, v.diagnosis or ""), v.render()


def test_cheats_that_reach_library_internals_are_refused_before_they_run() -> None:
    for cheat in ELEMENTWISE_CHEATS:
        if cheat.name != "mul_uses_autograd":  # that one is stopped at run time (no_engine)
            assert program.forbidden(cheat.code), cheat.name


def test_partial_credit_is_weighted_by_property() -> None:
    props = [Property("values", 4, True), Property("broadcast", 2, False, "missing")]
    v = Verdict("test_mul", 3, props)
    assert v.score == 2.0 and v.diagnosis == "missing"
    assert Verdict.failed("test_mul", 3, "crashed").score == 0


def test_visible_check_prints_the_same_diagnosis(capsys: pytest.CaptureFixture) -> None:
    from autograder import check

    mutant = next(m for m in ELEMENTWISE if m.name == "mul_no_unbroadcast")
    ns = namespace({mutant.cell: mutant.code})
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
