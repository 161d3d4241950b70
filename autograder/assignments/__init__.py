"""The course's assignments, by nbgrader assignment id."""

from __future__ import annotations

from ..spec import Assignment, Test
from .elementwise import ASSIGNMENT as ELEMENTWISE
from .mlp import ASSIGNMENT as MLP
from .reductions import ASSIGNMENT as REDUCTIONS

ENGLISH = (ELEMENTWISE, REDUCTIONS, MLP)
ASSIGNMENTS: dict[str, Assignment] = {
    a.name: a for a in (*ENGLISH, *(e.edition("ru") for e in ENGLISH))
}


def find_test(name: str, language: str | None = None) -> tuple[Assignment, Test]:
    """The assignment and test for a test name (``mul``) or grade id (``test_mul``); the
    editions share their tests, and ``language`` says which edition's assignment to return
    (default and fallback: the first, English)."""
    found = [
        (assignment, test)
        for assignment in ASSIGNMENTS.values()
        for test in assignment.tests
        if name in (test.name, test.grade_id)
    ]
    if not found:
        raise KeyError(f"no graded test named {name!r}")
    return next((f for f in found if f[0].language == language), found[0])
