"""Known-wrong answers: the grader's own tests check that each loses points with the right
diagnosis, and the end-to-end tests submit some of them through nbgrader.

A :class:`Mutant` replaces one solution cell (by nbgrader ``grade_id``) with ``code``; the test
``test`` must then lose points and its diagnosis must match ``diagnosis`` (a regex).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    cell: str
    test: str
    code: str
    diagnosis: str


def by_name(mutants: list[Mutant]) -> dict[str, Mutant]:
    return {m.name: m for m in mutants}


from .elementwise import CHEATS as ELEMENTWISE_CHEATS  # noqa: E402
from .elementwise import MUTANTS as ELEMENTWISE  # noqa: E402
from .mlp import CHEATS as MLP_CHEATS  # noqa: E402
from .mlp import MUTANTS as MLP  # noqa: E402
from .reductions import CHEATS as REDUCTIONS_CHEATS  # noqa: E402
from .reductions import MUTANTS as REDUCTIONS  # noqa: E402
from .reductions import SANDBOX_ONLY_CHEATS as REDUCTIONS_SANDBOX_CHEATS  # noqa: E402

__all__ = [
    "Mutant",
    "ELEMENTWISE",
    "ELEMENTWISE_CHEATS",
    "MLP",
    "MLP_CHEATS",
    "REDUCTIONS",
    "REDUCTIONS_CHEATS",
    "REDUCTIONS_SANDBOX_CHEATS",
    "by_name",
]
