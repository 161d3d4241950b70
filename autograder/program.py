"""What the trusted run executes: the student's answers between the master's locked cells.

Cells are matched by their nbgrader ``grade_id``, never by position or by the student's copy of
the metadata: locked and test cells always come from the master notebook (an edited or deleted
one is restored), answer cells from the student (a missing one stays empty), and cells the
student added run where they were added. Test cells are not executed at all: a test is run by
the trusted grader from the assignment's spec.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

# What graded code has no reason to use and would let it reach the reference implementation or
# the grader: re-importing or reloading a module, reading source files, patching modules.
FORBIDDEN_NAMES = {
    "importlib",
    "reload",
    "__import__",
    "exec",
    "eval",
    "compile",
    "getsource",
    "__file__",
    "autograder",
    "set_custom_exc",
    "builtins",
    "__builtins__",
    "gc",
    "inspect",
    "sum_to",
}
FORBIDDEN_ATTRIBUTES = {
    "__globals__",
    "__closure__",
    "__code__",
    "__file__",
    "__builtins__",
    "__import__",
    "getsource",
    "set_custom_exc",
    "reload",
    "modules",
    "ops",
    "engine",
    "sum_to",
}
FORBIDDEN_MODULES = ("minigrad.ops", "minigrad.autograd.engine", "minigrad.autograd.function")


@dataclass
class Step:
    kind: str  # "code" or "test"
    key: str  # grade_id, or "cell-<id>" for a cell the student added
    source: str = ""
    note: str | None = None  # why the cell was changed or is missing


def _grade_id(cell: Any) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _role(cell: Any) -> str:
    nb = cell.get("metadata", {}).get("nbgrader") or {}
    if nb.get("grade") and not nb.get("solution"):
        return "test"
    if nb.get("solution"):
        return "solution"
    return "locked" if nb.get("locked") else "plain"


def _cell_key(cell: Any, index: int) -> str:
    return f"cell-{cell.get('id') or index}"


def forbidden(source: str) -> str | None:
    """The first forbidden name or module used by ``source``, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # it will fail on its own when run
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            return node.id
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            return ast.unparse(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom):
                mods = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            for m in mods:
                if m.split(".")[0] in FORBIDDEN_NAMES or m.startswith(FORBIDDEN_MODULES):
                    return m
    return None


def _student_code(cell: Any, key: str) -> Step:
    source = cell.get("source", "")
    bad = forbidden(source)
    if bad:
        note = (
            f"this cell was not run: it uses `{bad}`, which graded code may not use "
            "(see the assignment's rules)"
        )
        return Step("code", key, f"raise RuntimeError({note!r})", note)
    return Step("code", key, source)


def build(student: Any, master: Any) -> list[Step]:
    """The steps for a student's notebook ``student`` against the master notebook ``master``
    (both as nbformat dicts)."""
    master_cells = [c for c in master["cells"] if c["cell_type"] == "code" and _grade_id(c)]
    known = {_grade_id(c) for c in master_cells}
    answers: dict[str, Any] = {}
    extras: dict[str | None, list[Step]] = {None: []}
    anchor: str | None = None
    for i, cell in enumerate(student.get("cells", [])):
        gid = _grade_id(cell)
        if gid in known:
            if gid not in answers:
                answers[gid] = cell
            anchor = gid
        elif cell.get("cell_type") == "code" and gid is None:
            extras.setdefault(anchor, []).append(_student_code(cell, _cell_key(cell, i)))
    steps = list(extras[None])
    for cell in master_cells:
        gid = _grade_id(cell)
        role = _role(cell)
        if role == "test":
            steps.append(Step("test", gid))
        elif role == "solution":
            if gid in answers and answers[gid].get("cell_type") == "code":
                steps.append(_student_code(answers[gid], gid))
            else:
                steps.append(Step("code", gid, "", f"the answer cell {gid!r} is missing"))
        else:
            steps.append(Step("code", gid, cell["source"]))
        steps.extend(extras.get(gid, []))
    return steps
