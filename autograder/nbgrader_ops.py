"""nbgrader, driven in this process through its Python API (one import for the whole batch)."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any


def _prepare() -> None:
    # nbgrader runs the `alembic` script of its own environment
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    # jsonschema builds an IRI grammar at import when rfc3987_syntax is installed (seconds of
    # CPU); nbformat never validates IRIs, so skip it
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    warnings.filterwarnings("ignore", module=r"nbgrader\.")  # SQLAlchemy notes from its gradebook


def api(course: Path) -> Any:
    _prepare()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _check(result: dict, what: str) -> None:
    if not result.get("success"):
        raise RuntimeError(f"nbgrader {what} failed:\n{result.get('error') or result.get('log')}")


def ensure_released(nbg: Any, course: Path, assignment: str, notebook: str) -> None:
    """Run generate_assignment when the release is missing or older than the source."""
    src = course / "source" / assignment / f"{notebook}.ipynb"
    rel = course / "release" / assignment / f"{notebook}.ipynb"
    db = course / "gradebook.db"
    if rel.exists() and db.exists() and rel.stat().st_mtime >= src.stat().st_mtime:
        return
    _check(nbg.generate_assignment(assignment, force=True, create=True), "generate_assignment")


def autograde(nbg: Any, assignment: str, students: list[str]) -> dict[str, str]:
    """Autograde each student; returns {student: error} for the ones nbgrader refused."""
    errors = {}
    for student in students:
        result = nbg.autograde(assignment, student, force=True, create=True)
        if not result.get("success"):
            errors[student] = result.get("error") or result.get("log") or "unknown error"
    return errors


def feedback(nbg: Any, assignment: str) -> None:
    _check(nbg.generate_feedback(assignment, force=True), "generate_feedback")


def gradebook_scores(course: Path, assignment: str, notebook: str) -> dict[str, dict[str, Any]]:
    """{student: {grade_id: score, ...}} as nbgrader's gradebook holds them."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, dict[str, Any]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                nb = gb.find_submission_notebook(notebook, assignment, student.id)
            except MissingEntry:
                continue
            out[student.id] = {g.name: g.score for g in nb.grades}
    return out
