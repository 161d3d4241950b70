"""The trusted run: grade one submitted notebook with its code in a sandboxed process.

This process never runs student code. It builds the program (:mod:`autograder.program`),
starts the sandbox (:mod:`autograder.sandbox`), sends it cells to execute and cases to probe,
and judges every observation itself against the reference. Monkeypatching inside the notebook
can change only what the sandbox reports about the student's own answer, never a comparison
or a score. If the sandbox dies (os._exit, a segfault, a limit) or runs out of time, the tests
already judged keep their result and the rest score 0 with a note saying where and why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from . import limits as limits_mod
from .assignments import ASSIGNMENTS
from .cases import Case, student_seed
from .checks import judge, make_cases
from .program import Step, build
from .protocol import BadMessage, ChannelClosed, ChannelTimeout, Reader, write
from .verdict import Verdict

STARTUP_SECONDS = 60.0
GRADER_FAILED = "The grader itself failed on this notebook; your teacher will look at it."
SIGNALS = {
    signal.SIGSEGV: "a segmentation fault",
    signal.SIGKILL: "being killed (memory limit or time limit)",
    signal.SIGXCPU: "the CPU time limit",
    signal.SIGABRT: "an abort",
    signal.SIGBUS: "a bus error",
}


class SandboxDied(RuntimeError):
    """The sandboxed process is gone or unusable; the message says why, for the student."""


def _env(scratch: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": scratch,
        "TMPDIR": scratch,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for keep in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # see the machine notes: older
        if keep in os.environ:  # OpenBLAS builds misbehave without them on some processors
            env[keep] = os.environ[keep]
    return env


def _bootstrap() -> str:
    """Code for ``python -I -c``: put this checkout's packages first on sys.path, then run."""
    here = Path(__file__).resolve().parent.parent
    import minigrad

    paths = sorted({str(here), str(Path(minigrad.__file__).resolve().parent.parent)})
    return f"import sys; sys.path[:0] = {paths!r}; from autograder.sandbox import main; main()"


class Sandbox:
    """One sandboxed process for one submission; a context manager that always cleans up."""

    def __init__(self, assignment: str, limits: limits_mod.Limits, slot: int = 0) -> None:
        self.assignment, self.limits = assignment, limits
        self.uid = limits_mod.sandbox_uid(slot)
        self.proc: subprocess.Popen | None = None
        self.reader: Reader | None = None
        self.scratch = ""

    def __enter__(self) -> Sandbox:
        self.scratch = tempfile.mkdtemp(prefix="autograder-")
        if self.uid is not None:
            os.chown(self.scratch, self.uid, self.uid)
        config = {
            "assignment": self.assignment,
            "limits": self.limits.to_json(),
            "uid": self.uid,
            "debug_log": os.environ.get("AUTOGRADER_SANDBOX_LOG"),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _bootstrap(), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.scratch,
            env=_env(self.scratch),
            start_new_session=True,
            close_fds=True,
        )
        self.reader = Reader(self.proc.stdout.fileno())
        return self

    def ready(self, deadline: float) -> dict[str, Any]:
        return self._read(deadline)[0]

    def request(self, header: dict, arrays: dict | None, deadline: float) -> tuple[dict, dict]:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            write(self.proc.stdin.fileno(), header, arrays)
        except (BrokenPipeError, OSError):
            raise SandboxDied(self._death()) from None
        return self._read(deadline)

    def _read(self, deadline: float) -> tuple[dict, dict]:
        assert self.reader is not None
        try:
            return self.reader.read(deadline)
        except ChannelTimeout:
            self.kill()
            raise SandboxDied("the time limit was reached") from None
        except (ChannelClosed, BadMessage, OSError):
            raise SandboxDied(self._death()) from None

    def _death(self) -> str:
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "the kernel stopped answering"
        if code < 0:
            cause = SIGNALS.get(-code) or f"signal number {-code}"
            return f"the kernel died from {cause}"
        return f"the kernel exited with status {code} (os._exit or sys.exit?)"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.uid is not None:
            limits_mod.kill_user(self.uid)  # also what left the session (a fork bomb)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def __exit__(self, *exc: Any) -> None:
        self.kill()
        for f in (self.proc.stdin, self.proc.stdout) if self.proc else ():
            try:
                f.close()
            except OSError:
                pass
        shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass
class Result:
    student: str
    assignment: str
    digest: str
    verdicts: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    status: str = "ok"
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _public(d: dict) -> dict:
    """What the sandbox may see of a case: keys starting with "_" (the expected answers of a
    case, e.g. hidden test labels) stay in this process."""
    return {k: v for k, v in d.items() if not k.startswith("_")}


def _probe(box: Sandbox, test: Any, case: Case, deadline: float) -> Case:
    header = {
        "op": "probe",
        "test": test.name,
        "label": case.label,
        "category": case.category,
        "meta": _public(case.meta),
    }
    reply, arrays = box.request(header, _public(case.arrays), deadline)
    meta = reply.get("meta") if isinstance(reply.get("meta"), dict) else {"error": "bad reply"}
    return Case(case.label, case.category, arrays, meta)


def _died(step: Step, reason: str) -> str:
    """The note on every test from ``step`` on, after the sandbox died there."""
    if step.kind == "test":
        return (
            f"While running the test {step.key!r}, {reason}; the tests from there on were not "
            "run and score 0."
        )
    return (
        f"While running the cell {step.key!r}, {reason}; the tests from there on were not run "
        "and score 0."
    )


def run_steps(
    steps: list[Step], result: Result, box: Sandbox, timeout: float, secret: str | None
) -> None:
    assignment = ASSIGNMENTS[result.assignment]
    start = time.monotonic()
    deadline = start + timeout
    dead: str | None = None
    try:
        box.ready(min(deadline, start + STARTUP_SECONDS))
    except SandboxDied as e:
        dead = f"The grader could not start your notebook ({e})."
    for step in steps:
        if step.note and step.kind == "code":
            result.notes.append(step.note)
        if dead is not None:
            if step.kind == "test":
                test = assignment.test(step.key)
                result.verdicts[step.key] = Verdict.failed(step.key, test.points, dead).to_json()
            continue
        try:
            if step.kind == "code":
                reply, _ = box.request(
                    {"op": "exec", "code": step.source, "label": step.key}, None, deadline
                )
                result.outputs[step.key] = {k: reply.get(k) for k in ("stdout", "error")}
                continue
            test = assignment.test(step.key)
            seed = student_seed(result.student, assignment.seed_name, test.grade_id, secret)
            # (the batch's worker threads compute references at once: grad mode is per thread)
            cases = make_cases(test, seed)
            observations = [_probe(box, test, c, deadline) for c in cases]
            result.verdicts[step.key] = judge(test, cases, observations).to_json()
        except SandboxDied as e:
            result.status = "timeout" if "time limit" in str(e) else "crashed"
            dead = _died(step, str(e))
            result.notes.append(dead)
            if step.kind == "test":
                test = assignment.test(step.key)
                result.verdicts[step.key] = Verdict.failed(step.key, test.points, dead).to_json()


def grade_notebook(
    path: Path,
    master: Path,
    student: str,
    assignment: str,
    *,
    timeout: float = 60.0,
    limits: limits_mod.Limits | None = None,
    slot: int = 0,
    secret: str | None = None,
) -> Result:
    """Grade the submitted notebook at ``path`` against the master notebook ``master``."""
    limits = limits or limits_mod.Limits(cpu_seconds=int(timeout) + 5)
    t0 = time.monotonic()
    result = Result(student, assignment, digest(path))
    try:
        student_nb = nbformat.read(str(path), as_version=4)
    except Exception as e:  # noqa: BLE001 - any unreadable file
        result.status = "unreadable"
        error = type(e).__name__
        note = f"The notebook could not be read ({error}); every test scores 0."
        result.notes.append(note)
        for t in ASSIGNMENTS[assignment].tests:
            result.verdicts[t.grade_id] = Verdict.failed(t.grade_id, t.points, note).to_json()
        return result
    steps = build(student_nb, nbformat.read(str(master), as_version=4))
    with Sandbox(assignment, limits, slot) as box:
        run_steps(steps, result, box, timeout, secret)
    result.seconds = round(time.monotonic() - t0, 2)
    return result
