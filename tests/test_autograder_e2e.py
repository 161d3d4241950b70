"""End to end: a real nbgrader course, one teacher command, and submissions that try to break
it. Every adversarial submission must neither gain points, nor stop the batch, nor cost anyone
else their grades; the assertions read the grades CSV the command writes."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_autograder_support import COURSE, SOURCE, blank, grade_id, source

from autograder.mutants import (
    ELEMENTWISE,
    ELEMENTWISE_CHEATS,
    MLP,
    REDUCTIONS,
    REDUCTIONS_SANDBOX_CHEATS,
    Mutant,
    by_name,
)

# one worker runs the whole module (one course, one batch); slow, but CI runs it
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("autograder_e2e")]
TIMEOUT = 25  # seconds per submission: the endless ones use all of it
ROOT = os.geteuid() == 0  # a dedicated sandbox user (fork-bomb containment) needs root
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
MUTANTS = {m.name: m for m in ELEMENTWISE + ELEMENTWISE_CHEATS}


def _student_copy(master: Path = SOURCE) -> nbformat.NotebookNode:
    nb = nbformat.read(str(master), as_version=4)
    for cell in nb.cells:
        cell.source = HIDDEN.sub("", cell.source)
    return nb


def _cell(nb: nbformat.NotebookNode, gid: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if grade_id(c) == gid)


def _blank_all(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if (cell.metadata.get("nbgrader") or {}).get("solution"):
            cell.source = blank(cell.source)
    return nb


def _extra(nb: nbformat.NotebookNode, source: str, at: int = 1) -> nbformat.NotebookNode:
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def submissions(course: Path) -> dict[str, tuple[str, nbformat.NotebookNode]]:
    """student -> (file name, notebook)."""
    name = SOURCE.name
    subs: dict[str, tuple[str, nbformat.NotebookNode]] = {}
    ref = _student_copy()
    subs["reference"] = (name, ref)
    subs["blank"] = (name, _blank_all(_student_copy()))
    for student, mutant in [
        ("unbroadcast", "mul_no_unbroadcast"),
        ("sign", "div_sign"),
        ("factor", "exp_factor2"),
        ("library", "mul_calls_library_backward"),
    ]:
        nb = _student_copy()
        _cell(nb, MUTANTS[mutant].cell).source = MUTANTS[mutant].code
        subs[student] = (name, nb)

    def edit(gid: str, extra: str) -> nbformat.NotebookNode:
        nb = _student_copy()
        _cell(nb, gid).source += "\n" + extra
        return nb

    subs["loop_sigint"] = (
        name,
        edit(
            "sigmoid",
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        ),
    )
    subs["os_exit"] = (name, edit("tanh", "import os\nos._exit(1)"))
    subs["segfault"] = (
        name,
        edit("pow", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"),
    )
    subs["stderr"] = (
        name,
        edit(
            "exp",
            "import sys, warnings\nwarnings.warn('careful')\n"
            "print('noise on stderr', file=sys.stderr)",
        ),
    )
    subs["print_bomb"] = (name, edit("mul", "for _ in range(10**4):\n    print('x' * 10**5)"))
    subs["memory_bomb"] = (name, _extra(_student_copy(), "big = bytearray(64 * 2**30)"))
    nb = _student_copy()
    _cell(nb, "exp").source = "big = bytearray(64 * 2**30)\n" + _cell(nb, "exp").source
    subs["memory_bomb"] = (name, nb)
    if ROOT:
        subs["fork_bomb"] = (
            name,
            edit(
                "div",
                "import os\nwhile True:\n    try:\n"
                "        os.fork()\n    except OSError:\n        pass",
            ),
        )
    subs["monkey_numpy"] = (
        name,
        _extra(
            _blank_all(_student_copy()),
            "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "np.array_equal = lambda *a, **k: True",
        ),
    )
    subs["monkey_checker"] = (
        name,
        _extra(
            _blank_all(_student_copy()),
            "import autograder.checks\nautograder.checks.check = lambda *a, **k: None\n"
            "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)",
        ),
    )
    nb = _student_copy()
    nb.cells.remove(_cell(nb, "test_mul"))
    subs["deleted_test"] = (name, nb)
    nb = _blank_all(_student_copy())
    test = _cell(nb, "test_div")
    test.source = "pass"
    test.metadata["nbgrader"]["points"] = 100
    subs["inflated"] = (name, nb)
    subs["renamed"] = ("my homework (1).ipynb", _student_copy())
    if ROOT:
        steal = (
            "import json, sys\n"
            f"src = json.load(open({str(course / 'source' / '01_elementwise' / name)!r}))\n"
            "cells = [''.join(c['source']) for c in src['cells'] if c['cell_type'] == 'code']\n"
            "code = '\\n'.join(c for c in cells if 'check(' not in c)\n"
            "open('stolen.py', 'w').write(code)\nsys.path.insert(0, '.')\nfrom stolen import *"
        )
        vandal = f"open({str(course / 'gradebook.db')!r}, 'r+b').write(b'0' * 4096)"
        nb = _student_copy()  # no answers of its own: everything would come from the solutions
        nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader") or {}).get("solution")]
        at = nb.cells.index(_cell(nb, "setup")) + 1
        subs["steal_and_vandalise"] = (name, _extra(_extra(nb, vandal, at), steal, at))
    return subs


def _grade(tmp: Path, course: Path, assignment: str, subs: dict) -> dict:
    """Write the submissions, run the teacher's command on them, read grades.csv."""
    subs_dir, out, home = tmp / f"subs-{assignment}", tmp / f"out-{assignment}", tmp / "home"
    for student, (fname, nb) in subs.items():
        (subs_dir / student).mkdir(parents=True)
        nbformat.write(nb, str(subs_dir / student / fname))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "jc"),
        IPYTHONDIR=str(home / "ip"),
        JUPYTER_DATA_DIR=str(home / "jd"),
        JUPYTER_RUNTIME_DIR=str(home / "jr"),
        AUTOGRADER_SECRET="e2e-secret",
        # sandbox users of their own, so a concurrent run cannot clash with this one
        AUTOGRADER_UID_BASE=str(62000 + (os.getpid() % 1000) * 4),
    )
    cmd = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(subs_dir),
        "--course",
        str(course),
        "--assignment",
        assignment,
        "--out",
        str(out),
        "--jobs",
        "2",
        "--timeout",
        str(TIMEOUT),
    ]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )
    with (out / "grades.csv").open() as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    return {"proc": proc, "rows": rows, "out": out, "course": course}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One course holding every assignment, graded one assignment after the other."""
    course = tmp_path_factory.mktemp("e2e") / "course"
    course.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source", course / "source")
    return course


@pytest.fixture(scope="module")
def graded(course: Path) -> dict:
    return _grade(course.parent, course, "01_elementwise", submissions(course))


def score(graded: dict, student: str, column: str = "score") -> float:
    return float(graded["rows"][student][column])


def test_the_batch_finishes_and_the_gradebook_agrees(graded: dict) -> None:
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\[\d+/\d+\] reference: 17/17", proc.stdout)  # progress lines
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gb:
        for student, row in graded["rows"].items():
            sub = gb.find_submission("01_elementwise", student)
            assert sub.score == pytest.approx(float(row["score"])), student
            assert sub.max_score == 17


def test_reference_full_blank_zero_mutants_partial(graded: dict) -> None:
    assert score(graded, "reference") == 17
    assert score(graded, "blank") == 0
    for student, test in [
        ("unbroadcast", "test_mul"),
        ("sign", "test_div"),
        ("factor", "test_exp"),
    ]:
        full = float(graded["rows"]["reference"][test])
        assert 0 < score(graded, student, test) < full
        assert score(graded, student) == pytest.approx(17 - full + score(graded, student, test))


def test_calling_the_library_op_earns_nothing(graded: dict) -> None:
    assert score(graded, "library", "test_mul") == 0
    assert score(graded, "library") == 14


def test_kernel_death_keeps_earlier_tests(graded: dict) -> None:
    row = graded["rows"]["os_exit"]
    assert score(graded, "os_exit") == 5  # exp, log, sin, sigmoid ran before tanh's cell
    assert "exited with status 1" in row["notes"] and row["status"] == "crashed"
    row = graded["rows"]["segfault"]
    assert score(graded, "segfault") == 7
    assert "segmentation fault" in row["notes"]


def test_endless_loop_ignoring_sigint_times_out(graded: dict) -> None:
    row = graded["rows"]["loop_sigint"]
    assert score(graded, "loop_sigint") == 3 and row["status"] == "timeout"
    assert "time limit" in row["notes"]


@pytest.mark.skipif(not ROOT, reason="fork-bomb containment needs a dedicated user (root)")
def test_fork_bomb_is_contained(graded: dict) -> None:
    assert score(graded, "fork_bomb") == 14
    assert graded["rows"]["fork_bomb"]["status"] == "timeout"


def test_memory_and_print_bombs(graded: dict) -> None:
    assert score(graded, "memory_bomb") == 16  # MemoryError in exp's cell, the rest is fine
    assert score(graded, "print_bomb") == 17


def test_stderr_warnings_do_not_zero_a_correct_answer(graded: dict) -> None:
    assert score(graded, "stderr") == 17


def test_monkeypatching_gains_nothing(graded: dict) -> None:
    assert score(graded, "monkey_numpy") == 0
    assert score(graded, "monkey_checker") == 0
    assert "was not run" in graded["rows"]["monkey_checker"]["notes"]


def test_edited_deleted_and_inflated_cells(graded: dict) -> None:
    assert score(graded, "deleted_test") == 17  # the test came back and was graded
    assert score(graded, "inflated", "test_div") == 0
    assert float(graded["rows"]["inflated"]["max_score"]) == 17


def test_renamed_notebook_is_graded_with_a_note(graded: dict) -> None:
    row = graded["rows"]["renamed"]
    assert score(graded, "renamed") == 17
    assert "was graded as" in row["notes"]


@pytest.mark.skipif(not ROOT, reason="a private course folder needs a dedicated user (root)")
def test_reading_solutions_or_writing_the_gradebook_fails(graded: dict) -> None:
    assert score(graded, "steal_and_vandalise") == 0
    assert score(graded, "reference") == 17  # the gradebook is intact


def test_feedback_and_report(graded: dict) -> None:
    out = graded["out"]
    html = (out / "feedback" / "unbroadcast" / "01_elementwise.html").read_text()
    assert "missing un-broadcast" in html
    assert "hidden=True" not in html and "HIDDEN TESTS" not in html
    report = (out / "report.csv").read_text()
    assert "missing un-broadcast (1)" in report and "sign error (1)" in report
    assert "| test_mul | 3 |" in (out / "report.md").read_text()
    assert (out / "report.svg").read_text().startswith("<svg")


# -- assignments 2 and 3: a few submissions each (the adversarial ones above test the machinery)


def _few(assignment: str, mutants: dict[str, Mutant]) -> dict:
    master = source(assignment)
    subs = {"reference": _student_copy(master), "blank": _blank_all(_student_copy(master))}
    for student, mutant in mutants.items():
        nb = _student_copy(master)
        _cell(nb, mutant.cell).source = mutant.code
        subs[student] = nb
    return {k: (master.name, nb) for k, nb in subs.items()}


A2 = "02_reductions_engine"


@pytest.fixture(scope="module")
def graded2(course: Path, graded: dict) -> dict:  # after assignment 1, in the same course
    mutants = {
        "per_path": by_name(REDUCTIONS)["engine_once_per_path"],
        "captured": by_name(REDUCTIONS_SANDBOX_CHEATS)["matmul_captured_library_backward"],
    }
    return _grade(course.parent, course, A2, _few(A2, mutants))


def test_assignment2_reference_full_blank_zero_mutant_partial(graded2: dict) -> None:
    proc = graded2["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert score(graded2, "reference") == 17
    assert score(graded2, "blank") == 0
    # an engine that runs a node once per path: stopped on the ladder of diamonds, never
    # timing out, and only the engine loses points
    engine = score(graded2, "per_path", "test_engine")
    assert 0 < engine < 5 and score(graded2, "per_path") == pytest.approx(12 + engine)
    assert graded2["rows"]["per_path"]["status"] == "ok"
    html = (graded2["out"] / "feedback" / "per_path" / f"{A2}.html").read_text()
    assert "more than once" in html and "HIDDEN TESTS" not in html
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded2['course'] / 'gradebook.db'}") as gb:
        assert gb.find_submission(A2, "reference").score == 17
        assert gb.find_submission("01_elementwise", "reference").score == 17  # still there


def test_assignment2_library_backward_captured_early_earns_nothing(graded2: dict) -> None:
    # the cell keeps minigrad's own backward in a variable before any check runs: the local
    # check cannot notice, the sandbox blocks it for the whole session
    assert score(graded2, "captured", "test_matmul") == 0
    assert score(graded2, "captured") == 14


A3 = "03_mlp"


@pytest.fixture(scope="module")
def graded3(course: Path, graded2: dict) -> dict:
    mutants = {
        "no_grad": by_name(MLP)["sgd_without_no_grad"],
        "squeeze": by_name(MLP)["train_without_squeeze"],
    }
    return _grade(course.parent, course, A3, _few(A3, mutants))


def test_assignment3_trains_in_the_sandbox_on_hidden_data(graded3: dict) -> None:
    proc = graded3["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert score(graded3, "reference") == 13
    assert score(graded3, "blank") == 0
    # in-place update of a leaf with autograd on: minigrad's leaf error, named for the student
    assert score(graded3, "no_grad", "test_sgd") == 0 and score(graded3, "no_grad") == 11
    # (N, 1) logits against (N,) targets broadcast to (N, N): the network learns nothing
    assert score(graded3, "squeeze", "test_training") == 0 and score(graded3, "squeeze") == 9
    html = (graded3["out"] / "feedback" / "no_grad" / f"{A3}.html").read_text()
    assert "torch.no_grad()" in html


# -- the Russian edition: the same submission, the same score, feedback in Russian

A1_RU = "01_elementwise_ru"


@pytest.fixture(scope="module")
def graded_ru(course: Path, graded: dict) -> dict:  # after assignment 1, in the same course
    """The English batch's "unbroadcast" student, handed in to the Russian edition."""
    mutant = MUTANTS["mul_no_unbroadcast"]
    nb = _student_copy(source(A1_RU))
    _cell(nb, mutant.cell).source = mutant.code
    return _grade(course.parent, course, A1_RU, {"unbroadcast": (f"{A1_RU}.ipynb", nb)})


def test_russian_edition_scores_the_same_with_russian_feedback(
    graded_ru: dict, graded: dict
) -> None:
    proc = graded_ru["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for column in ("score", "max_score", "test_mul", "test_div"):
        assert score(graded_ru, "unbroadcast", column) == score(graded, "unbroadcast", column)
    assert 0 < score(graded_ru, "unbroadcast", "test_mul") < 3
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_ru['course'] / 'gradebook.db'}") as gb:
        assert gb.find_submission(A1_RU, "unbroadcast").score == score(graded, "unbroadcast")
    html = (graded_ru["out"] / "feedback" / "unbroadcast" / f"{A1_RU}.html").read_text()
    assert "HIDDEN TESTS" not in html and "hidden=True" not in html
    assert "Задание 1" in html  # the Russian notebook, and the diagnosis in Russian:
    assert "пропущена «отмена трансляции» (un-broadcast)" in html
    assert "missing un-broadcast" not in html
    # the teacher's report keeps the English diagnoses
    assert "missing un-broadcast (1)" in (graded_ru["out"] / "report.csv").read_text()
