"""Shared by the autograder's tests: the assignment's notebooks as namespaces and files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "exercises"
SOURCE = COURSE / "source" / "01_elementwise" / "01_elementwise.ipynb"


def source(assignment: str) -> Path:
    """The master notebook of an assignment."""
    return COURSE / "source" / assignment / f"{assignment}.ipynb"


SOLUTION_REGION = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[^\n]*$", re.S | re.M
)


def blank(source: str) -> str:
    """What nbgrader's release makes of a solution cell."""
    return SOLUTION_REGION.sub(
        r"\g<indent># YOUR CODE HERE\n\g<indent>raise NotImplementedError()", source
    )


def grade_id(cell: Any) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def namespace(
    replace: dict[str, str] | None = None, blank_all: bool = False, notebook: Path = SOURCE
) -> dict[str, Any]:
    """Run a source notebook's code cells (not tests, not the demo) into a fresh namespace,
    with some answer cells replaced (by grade_id)."""
    replace = replace or {}
    nb = nbformat.read(str(notebook), as_version=4)
    ns: dict[str, Any] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade") or not meta:
            continue
        source = replace.get(grade_id(cell), cell.source)
        if blank_all and meta.get("solution"):
            source = blank(source)
        exec(compile(source, f"<cell {grade_id(cell)}>", "exec"), ns)
    return ns
