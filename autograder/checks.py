"""The checker: run one graded test on a student's answer and explain the result.

``check("mul", Mul)`` is what a notebook's test cell calls: it runs the visible checks in the
student's own kernel and prints the same report, with the same diagnosis, that the teacher's
trusted run will produce. ``grade_test`` is the shared core: seeded cases, a probe (in this
process, or in a sandbox for the trusted run) and a judge that compares with the reference.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.i18n import get_language

from .assignments import find_test
from .cases import VISIBLE_SEED, Case, student_seed
from .isolation import grading
from .kinds import kind
from .spec import Assignment, Test
from .verdict import Verdict, translate

Prober = Callable[[Case], Case]


def make_cases(test: Test, hidden_seed: int | None) -> list[Case]:
    """The visible cases, then (with a seed) the hidden ones."""
    k = kind(test.kind)
    cases = k.cases(test, np.random.default_rng(VISIBLE_SEED), False)
    if hidden_seed is not None:
        cases += k.cases(test, np.random.default_rng(hidden_seed), True)
    return cases


def judge(test: Test, cases: list[Case], observations: list[Case]) -> Verdict:
    return Verdict(test.grade_id, test.points, kind(test.kind).judge(test, cases, observations))


def grade_test(test: Test, probe: Prober, hidden_seed: int | None) -> Verdict:
    cases = make_cases(test, hidden_seed)
    return judge(test, cases, [probe(c) for c in cases])


def local_prober(test: Test, assignment: Assignment, obj: Any, ns: dict | None) -> Prober:
    """Probe in this process, with the graded op's reference blocked and the other graded
    symbols swapped for their references in ``ns``."""

    def probe(case: Case) -> Case:
        with grading(test, assignment, ns):
            return kind(test.kind).probe(test, obj, case)

    return probe


def evaluate(
    name: str, obj: Any, hidden: bool = False, ns: dict | None = None, lang: str | None = None
) -> Verdict:
    """The verdict of test ``name`` on ``obj``, probed in this process.

    ``hidden=True`` adds the hidden cases, drawn from this student's seed (the teacher's
    trusted run uses the course secret, so these are not the cases it grades with). ``lang``
    picks the edition of the assignment (the same tests, points and seeds in every language).
    """
    assignment, test = find_test(name, lang)
    seed = None
    if hidden:
        student = os.environ.get("AUTOGRADER_STUDENT", "anonymous")
        seed = student_seed(student, assignment.seed_name, test.grade_id)
    return grade_test(test, local_prober(test, assignment, obj, ns), seed)


def check(name: str, obj: Any, hidden: bool = False, ns: dict | None = None) -> None:
    """Run test ``name`` on ``obj`` and print the report; raise AssertionError unless full marks.

    ``ns`` is the namespace the answer lives in (default: the caller's globals, the notebook's).
    The report is in the notebook's language (:func:`minigrad.i18n.get_language`: the Russian
    edition's notebooks declare ``ru``), the same words the teacher's run writes into feedback.
    """
    if ns is None:
        ns = sys._getframe(1).f_globals
    lang = get_language()
    verdict = evaluate(name, obj, hidden, ns, lang)
    test = find_test(name, lang)[1]
    title = (
        f"{test.name} (visible and hidden checks)" if hidden else f"{test.name} (visible checks)"
    )
    print(verdict.render(title, lang))
    if verdict.score < verdict.points:
        problem = verdict.diagnosis or f"{test.name}: not all checks passed"
        raise AssertionError(translate(problem, lang))
