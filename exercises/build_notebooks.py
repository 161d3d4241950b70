"""Build the nbgrader source notebooks from their plain-text sources, in both editions.

    python exercises/build_notebooks.py           # write exercises/source/<name>/<name>.ipynb
    python exercises/build_notebooks.py --check   # exit 1 if a committed notebook is stale

Each assignment exists in two editions with the same tests and points: English
(``exercises/src/<name>.py`` -> ``source/<name>/<name>.ipynb``) and Russian
(``exercises/src/ru/<name>.py`` -> ``source/<name>_ru/<name>_ru.ipynb``, nbgrader assignment
``<name>_ru``). Each notebook records its language in its metadata (``minigrad.language``),
which minigrad and the checker follow in that notebook's kernel (``minigrad.i18n``).

``exercises/src/<name>.py`` is in "percent" format: ``# %% [markdown]`` starts a Markdown cell
(its lines lose the leading ``# ``), ``# %% [solution] id=mul`` an autograded answer cell,
``# %% [tests] id=test_mul`` a locked test cell (its points come from the assignment's spec in
``autograder.assignments``, so notebook and grader cannot disagree), ``# %% [locked] id=setup``
a locked code cell, and ``# %% id=try`` an ordinary code cell.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

if TYPE_CHECKING:
    from autograder.spec import Assignment

HERE = Path(__file__).resolve().parent
HEADER = re.compile(r"^# %%(?: \[(\w+)\])?(?: id=(\S+))?\s*$")
EDITIONS = {"en": HERE / "src", "ru": HERE / "src" / "ru"}  # language -> folder of sources


def assignment_of(src: Path, lang: str) -> Assignment:
    """The assignment a source builds: its edition in ``lang`` in ``autograder.assignments``,
    which names the editions (``01_elementwise``, ``01_elementwise_ru``) and gives the points."""
    from autograder.assignments import ASSIGNMENTS

    for assignment in ASSIGNMENTS.values():
        if assignment.seed_name == src.stem and assignment.language == lang:
            return assignment
    raise ValueError(f"{src.relative_to(HERE)}: autograder.assignments has no {lang!r} edition")


def sources() -> list[tuple[str, Path]]:
    """(language, source) for every assignment of every edition."""
    return [(lang, src) for lang, folder in EDITIONS.items() for src in sorted(folder.glob("*.py"))]


def _metadata(role: str, grade_id: str, points: float | None) -> dict:
    nb = {"grade_id": grade_id, "schema_version": 3, "task": False}
    if role == "solution":
        nb.update(grade=False, locked=False, solution=True)
    elif role == "tests":
        nb.update(grade=True, locked=True, solution=False, points=points)
    else:
        nb.update(grade=False, locked=True, solution=False)
    meta: dict = {"nbgrader": nb}
    if role != "solution":
        meta.update(deletable=False, editable=False)
    return meta


def split_cells(text: str) -> list[tuple[str, str | None, str]]:
    """(role, id, source) for each ``# %%`` block."""
    cells: list[tuple[str, str | None, list[str]]] = []
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            cells.append((m.group(1) or "code", m.group(2), []))
        elif cells:
            cells[-1][2].append(line)
    return [(role, cid, "\n".join(lines).strip("\n")) for role, cid, lines in cells]


def build(src: Path, lang: str = "en") -> nbformat.NotebookNode:
    name = src.relative_to(HERE)
    assignment = assignment_of(src, lang)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "minigrad": {"language": lang},
    }
    seen_tests = set()
    for n, (role, cid, source) in enumerate(split_cells(src.read_text())):
        cell_id = cid or f"cell-{n}"
        if role == "markdown":
            text = "\n".join(re.sub(r"^# ?", "", line) for line in source.splitlines())
            nb.cells.append(nbformat.v4.new_markdown_cell(text, id=cell_id))
            continue
        cell = nbformat.v4.new_code_cell(source, id=cell_id)
        if role in ("solution", "tests", "locked"):
            if cid is None:
                raise ValueError(f"{name}: a [{role}] cell needs id=")
            points = None
            if role == "tests":
                points = assignment.test(cid).points
                seen_tests.add(cid)
            cell.metadata = _metadata(role, cid, points)
        nb.cells.append(cell)
    missing = {t.grade_id for t in assignment.tests} - seen_tests
    if missing:
        raise ValueError(f"{name}: no test cell for {sorted(missing)}")
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that they are fresh")
    args = parser.parse_args(argv)
    stale = []
    for lang, src in sources():
        name = assignment_of(src, lang).name
        out = HERE / "source" / name / f"{name}.ipynb"
        text = nbformat.writes(build(src, lang)) + "\n"
        if out.exists() and out.read_text() == text:
            continue
        if args.check:
            stale.append(str(out.relative_to(HERE)))
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"wrote {out.relative_to(HERE)}")
    if stale:
        print("stale (run python exercises/build_notebooks.py):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
