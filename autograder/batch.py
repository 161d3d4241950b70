"""Grade many submissions in parallel: one sandbox per worker slot, progress on one line each."""

from __future__ import annotations

import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TextIO

from . import results
from .assignments import ASSIGNMENTS
from .collect import Submission
from .trusted import GRADER_FAILED, digest, grade_notebook
from .verdict import Verdict


def _grader_error(sub: Submission, assignment: str, path: Path, error: str) -> dict:
    note = GRADER_FAILED
    verdicts = {
        t.grade_id: Verdict.failed(t.grade_id, t.points, note).to_json()
        for t in ASSIGNMENTS[assignment].tests
    }
    return {
        "student": sub.student,
        "assignment": assignment,
        "digest": digest(path),
        "verdicts": verdicts,
        "outputs": {},
        "notes": [note, error],
        "status": "grader-error",
        "seconds": 0.0,
    }


def grade_all(
    subs: list[Submission],
    course: Path,
    assignment: str,
    notebook: str,
    *,
    jobs: int,
    timeout: float,
    secret: str | None = None,
    out: TextIO = sys.stdout,
) -> dict[str, dict]:
    """Trusted results for every submission (also saved under ``<course>/.trusted``)."""
    master = course / "source" / assignment / f"{notebook}.ipynb"
    slots: queue.Queue[int] = queue.Queue()
    for k in range(jobs):
        slots.put(k)
    lock = threading.Lock()
    done: dict[str, dict] = {}
    total = sum(t.points for t in ASSIGNMENTS[assignment].tests)
    t0 = time.monotonic()

    def one(sub: Submission) -> dict:
        path = course / "submitted" / sub.student / assignment / f"{notebook}.ipynb"
        slot = slots.get()
        try:
            result = grade_notebook(
                path, master, sub.student, assignment, timeout=timeout, slot=slot, secret=secret
            ).to_json()
        except Exception:  # noqa: BLE001 - one broken submission never stops the batch
            result = _grader_error(sub, assignment, path, traceback.format_exc(limit=5))
        finally:
            slots.put(slot)
        result["notes"] = sub.notes + result["notes"]
        results.save(results.result_path(course, sub.student, assignment, notebook), result)
        return result

    report: Callable[[str], None] = lambda line: print(line, file=out, flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, s): s for s in subs}
        for fut in as_completed(futures):
            sub, result = futures[fut], fut.result()
            score = sum(v["score"] for v in result["verdicts"].values())
            with lock:
                done[sub.student] = result
                report(
                    f"[{len(done)}/{len(subs)}] {sub.student}: {score:g}/{total:g} "
                    f"{result['status']} ({result['seconds']:.1f} s, "
                    f"{time.monotonic() - t0:.0f} s elapsed)"
                )
    return done
