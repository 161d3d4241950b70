"""What a graded test is: the data that ties a notebook's test cell to the checker.

A test cell in an exercise notebook has an nbgrader ``grade_id`` such as ``test_mul``; the
assignment's spec (``autograder.assignments``) has a :class:`Test` of the same name that says
which student symbol it grades, how (its ``kind``), against which reference, and for how many
points. The trusted grader never runs test-cell code: it runs the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Arg:
    """One forward argument: a float64 tensor drawn from [low, high] away from ``kinks``, a
    plain value (``number=True``: a number, a dim, a flag) drawn from ``choices`` or given by
    the test's case generator, or a tensor that gets no gradient, given by the case generator:
    int64 (``integer=True``, class labels) or float64 (``constant=True``, a target)."""

    low: float = -2.0
    high: float = 2.0
    kinks: tuple[float, ...] = ()
    number: bool = False
    choices: tuple[Any, ...] = ()
    integer: bool = False
    constant: bool = False

    @property
    def differentiable(self) -> bool:
        return not (self.number or self.integer or self.constant)


@dataclass(frozen=True)
class Test:
    """One graded test cell.

    ``kind`` selects the case generator, probe and judge (``autograder.kinds``).
    ``reference`` computes the expected result with minigrad's own ops (the parent process
    differentiates it with minigrad's engine in float64). ``library`` names minigrad's own
    implementation of the op ("module:Class", or a tuple of them): its backward is unreachable
    while this test runs. ``swap_in`` is what stands in for ``symbol`` in the student's
    namespace while *other* tests run (isolation), as "module:attribute".
    """

    name: str
    symbol: str
    kind: str
    points: float
    reference: Callable[..., Any] | None = None
    args: tuple[Arg, ...] = ()
    library: str | tuple[str, ...] | None = None
    swap_in: str | None = None
    broadcast: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def grade_id(self) -> str:
        return f"test_{self.name}"

    @property
    def libraries(self) -> list[str]:
        if self.library is None:
            return []
        return [self.library] if isinstance(self.library, str) else list(self.library)


@dataclass(frozen=True)
class Assignment:
    name: str  # the nbgrader assignment id, also the notebook's name
    tests: tuple[Test, ...]
    language: str = "en"  # of the notebook, and of the diagnoses shown to its students

    def edition(self, language: str) -> Assignment:
        """The same assignment (same tests and points) for students of another language:
        ``01_elementwise`` -> ``01_elementwise_ru``."""
        return replace(self, name=f"{self.name}_{language}", language=language)

    @property
    def notebook(self) -> str:
        return self.name

    @property
    def seed_name(self) -> str:
        """What a student's hidden inputs are drawn for: the English name, shared by every
        edition, so that a student's hidden cases do not depend on the language."""
        return self.name.removesuffix(f"_{self.language}")

    def test(self, name: str) -> Test:
        for t in self.tests:
            if t.name == name or t.grade_id == name:
                return t
        raise KeyError(f"{self.name} has no test named {name!r}")
