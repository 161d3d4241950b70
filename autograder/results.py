"""Where trusted results live, and how they become the autograded notebook's outputs.

Results are JSON files under ``<course>/.trusted/<student>/<assignment>/<notebook>.json``,
written only by the trusted grader, and bound to the exact submitted file by its SHA-256 so a
re-submission is never scored with an old result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from .assignments import ASSIGNMENTS
from .verdict import Verdict, translate

TRUSTED_DIR = ".trusted"


def result_path(course: Path, student: str, assignment: str, notebook: str) -> Path:
    return course / TRUSTED_DIR / student / assignment / f"{notebook}.json"


def save(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1))
    tmp.replace(path)


def load(path: Path, digest: str | None = None) -> dict[str, Any] | None:
    """The result at ``path``, if it exists and (given ``digest``) is for that exact file."""
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if digest is not None and result.get("digest") != digest:
        return None
    return result


def _error_output(error: str, lang: str) -> Any:
    """A cell's error; the grader's own message (a cell that was not run) in ``lang``, Python's
    stays as it is."""
    ename, sep, evalue = translate(error, lang).partition(": ")
    evalue = translate(evalue, lang)
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[ename + sep + evalue]
    )


def _stream(text: str) -> Any:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _stdout(text: str, lang: str) -> str:
    """A cell's output, with the sandbox's note on a cut output (its last line) in ``lang``."""
    head, newline, last = text.rpartition("\n")
    return head + newline + translate(last, lang) if last.startswith("[... ") else text


def apply(nb: Any, result: dict[str, Any]) -> Any:
    """Replace every code cell's outputs by what the trusted run produced for it. A test
    cell shows its report and ends with its score as the result, which nbgrader's SaveAutoGrades
    takes as the cell's (partial) credit. The words are in the assignment's language."""
    edition = ASSIGNMENTS.get(result.get("assignment", ""))
    lang = edition.language if edition else "en"
    count = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        gid = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        count += 1
        cell.execution_count = count
        outputs = []
        if gid in result["verdicts"]:
            verdict = Verdict.from_json(result["verdicts"][gid])
            outputs.append(_stream(verdict.render(lang=lang) + "\n"))
            outputs.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data={"text/plain": f"{verdict.score:g}"},
                    execution_count=count,
                )
            )
        else:
            key = gid if gid in result["outputs"] else f"cell-{cell.get('id') or i}"
            out = result["outputs"].get(key) or {}
            if out.get("stdout"):
                outputs.append(_stream(_stdout(out["stdout"], lang)))
            if out.get("error"):
                outputs.append(_error_output(out["error"], lang))
        cell.outputs = outputs
    return nb
