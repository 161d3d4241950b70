"""The teacher's command.

    python -m autograder grade SUBMISSIONS --course exercises --out report/ --jobs 2 --timeout 60

SUBMISSIONS is a folder (one sub-folder per student) or an LMS zip. Produces, in --out:
grades.csv, feedback/<student>/*.html (hidden tests and tracebacks not shown), report.html /
report.svg / report.md / report.csv (score distribution and most common diagnoses per question),
and updates the course's nbgrader gradebook (gradebook.db, what formgrader shows).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import batch, collect, limits, nbgrader_ops, report
from .assignments import ASSIGNMENTS


def _assignment(course: Path, name: str | None) -> str:
    if name:
        return name
    found = sorted(p.name for p in (course / "source").iterdir() if p.name in ASSIGNMENTS)
    if len(found) != 1:
        raise SystemExit(f"choose one with --assignment: {', '.join(found) or 'none found'}")
    return found[0]


def grade(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    course = Path(args.course).resolve()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    assignment = _assignment(course, args.assignment)
    notebook = ASSIGNMENTS[assignment].notebook
    say = lambda line: print(line, flush=True)  # noqa: E731

    if limits.make_private(course):
        say(f"{course} is now private (mode 700): submissions cannot read solutions or grades")
    nbg = nbgrader_ops.api(course)
    nbgrader_ops.ensure_released(nbg, course, assignment, notebook)
    with tempfile.TemporaryDirectory(prefix="submissions-") as scratch:
        subs = collect.collect(Path(args.submissions), course, assignment, notebook, scratch)
    say(
        f"{len(subs)} submissions of {assignment}; grading on {args.jobs} workers, "
        f"{args.timeout:g} s each"
    )
    secret = os.environ.get(args.secret_env)
    trusted = batch.grade_all(
        subs, course, assignment, notebook, jobs=args.jobs, timeout=args.timeout, secret=secret
    )

    say("recording scores in nbgrader's gradebook (autograde) ...")
    refused = nbgrader_ops.autograde(nbg, assignment, [s.student for s in subs])
    for student, error in refused.items():
        say(f"  nbgrader refused {student}: {error.strip().splitlines()[-1][:200]}")
    say("writing feedback ...")
    nbgrader_ops.feedback(nbg, assignment)
    for sub in subs:
        src = course / "feedback" / sub.student / assignment
        if src.exists():
            dest = out / "feedback" / sub.student
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(src, dest)

    scores = nbgrader_ops.gradebook_scores(course, assignment, notebook)
    scores = {s: v for s, v in scores.items() if s in trusted}
    rows = report.write_csv(out / "grades.csv", ASSIGNMENTS[assignment], scores, trusted)
    report.write_report(out, ASSIGNMENTS[assignment], rows, trusted)
    mismatched = [
        s
        for s, res in trusted.items()
        if any(
            abs(float(scores.get(s, {}).get(g) or 0) - v["score"]) > 1e-6
            for g, v in res["verdicts"].items()
        )
    ]
    errors = [s for s, res in trusted.items() if res["status"] == "grader-error"]
    say(
        f"done in {time.monotonic() - t0:.0f} s: {out / 'grades.csv'}, {out / 'report.html'}, "
        f"{out / 'feedback'}, gradebook {course / 'gradebook.db'}"
    )
    if mismatched or errors or refused:
        say(
            f"ATTENTION: gradebook differs from the trusted run for {mismatched}; "
            f"grader errors for {errors}; nbgrader refused {sorted(refused)}"
        )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade a folder or zip of submissions")
    g.add_argument("submissions", help="folder (one sub-folder per student) or LMS zip")
    g.add_argument("--course", default="exercises", help="the nbgrader course folder")
    g.add_argument("--assignment", help="assignment id (default: the only one in source/)")
    g.add_argument("--out", default="report", help="where grades, feedback and report go")
    g.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel sandboxes")
    g.add_argument("--timeout", type=float, default=60.0, help="seconds per submission")
    g.add_argument(
        "--secret-env",
        default="AUTOGRADER_SECRET",
        help="environment variable holding the course secret for hidden seeds",
    )
    args = parser.parse_args(argv)
    return grade(args)


if __name__ == "__main__":
    sys.exit(main())
