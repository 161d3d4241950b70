"""Submissions in, nbgrader's layout out: ``submitted/<student>/<assignment>/<notebook>.ipynb``.

Accepts a folder (one sub-folder per student, nbgrader-style or Moodle-style ``Name_123_
assignsubmission_file_``) or an LMS zip (Canvas-style flat files ``name_123_456_file.ipynb``,
or the same folders zipped). A notebook handed in under another name is recognised by its
content (the nbgrader cell ids it shares with the assignment) and graded under the right name,
with a note.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

MAX_ZIP_BYTES = 2 * 2**30
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:late_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.I)


@dataclass
class Submission:
    student: str
    source: Path  # the notebook as handed in
    notes: list[str] = field(default_factory=list)


def safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.") or "student"


def extract(zip_path: Path, into: Path) -> Path:
    """Unpack an LMS zip, refusing paths that leave ``into`` and archives too large."""
    with zipfile.ZipFile(zip_path) as z:
        total = sum(i.file_size for i in z.infolist())
        if total > MAX_ZIP_BYTES:
            raise ValueError(f"{zip_path} unpacks to {total} bytes; refusing")
        for info in z.infolist():
            target = (into / info.filename).resolve()
            if not str(target).startswith(str(into.resolve())):
                raise ValueError(f"{zip_path}: entry {info.filename!r} leaves the folder")
        z.extractall(into)
    return into


def _student_of(rel: Path) -> str:
    if len(rel.parts) >= 2:
        return safe_id(rel.parts[0].replace("_assignsubmission_file_", ""))
    m = CANVAS.match(rel.name)
    return safe_id(f"{m['name']}_{m['uid']}" if m else rel.stem)


def _grade_ids(path: Path) -> set[str]:
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - unreadable: matches nothing
        return set()
    return {(c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") for c in nb.cells} - {
        None
    }


def find(root: Path, master: Path) -> list[Submission]:
    """One submission per student: the notebook that best matches ``master``."""
    wanted = _grade_ids(master)
    by_student: dict[str, list[Path]] = {}
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if ".ipynb_checkpoints" in rel.parts or rel.name.startswith("._"):
            continue
        by_student.setdefault(_student_of(rel), []).append(path)
    subs = []
    for student, paths in sorted(by_student.items()):

        def rank(p: Path) -> tuple[int, bool]:
            return (len(_grade_ids(p) & wanted), p.name == master.name)

        best = max(paths, key=rank)
        sub = Submission(student, best)
        name = CANVAS.match(best.name)["file"] if CANVAS.match(best.name) else best.name
        if name != master.name:
            sub.notes.append(f"The notebook {name!r} was graded as {master.name!r}.")
        if len(paths) > 1:
            sub.notes.append(f"{len(paths)} notebooks were handed in; {best.name!r} was graded.")
        subs.append(sub)
    return subs


def place(subs: list[Submission], course: Path, assignment: str, notebook: str) -> None:
    """Copy each submission into the course's ``submitted`` folder, replacing older copies."""
    for sub in subs:
        dest = course / "submitted" / sub.student / assignment
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copyfile(sub.source, dest / f"{notebook}.ipynb")


def collect(
    source: Path, course: Path, assignment: str, notebook: str, scratch: Any = None
) -> list[Submission]:
    """Find the submissions in a folder or zip and place them in the course."""
    master = course / "source" / assignment / f"{notebook}.ipynb"
    if source.is_file() and zipfile.is_zipfile(source):
        root = extract(source, Path(scratch or tempfile.mkdtemp(prefix="submissions-")))
    else:
        root = source
    subs = find(root, master)
    place(subs, course, assignment, notebook)
    return subs
