"""Checks for the minigrad exercises and the grading command line around nbgrader.

In a notebook: ``from autograder import check`` then ``check("mul", Mul)``.
The teacher: ``python -m autograder grade SUBMISSIONS --course exercises --out report/``.
"""

from .checks import check
from .course import run_node

__all__ = ["check", "run_node"]
