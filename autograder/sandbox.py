"""The sandboxed process: runs one student's cells and probes, nothing else.

Started by :mod:`autograder.trusted` with the protocol on its stdin/stdout. Before any student
code runs it moves the protocol to private descriptors, points 0/1/2 at /dev/null, drops to the
sandbox user and caps its resources (:mod:`autograder.limits`), and blocks minigrad's own
implementation of every op the assignment asks for. It only ever *returns data*: every
comparison and every score is computed by the trusted parent.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from contextlib import ExitStack, redirect_stderr, redirect_stdout
from typing import Any


class CappedText(io.TextIOBase):
    """A text sink that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def write(self, s: str) -> int:
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(s[:room])
            self.kept += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        if self.dropped:  # on a line of its own, which the feedback translates
            out += "\n" + f"[... {self.dropped} more characters of output not shown]"
        return out


class _Shell:
    """What ``get_ipython()`` returns here: magics and exception hooks do nothing."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def _get_ipython() -> _Shell:
    return _Shell()


def _transform(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


def _error_line(e: BaseException, label: str) -> str:
    name = type(e).__name__
    msg = str(e).strip().splitlines()[0][:300] if str(e).strip() else ""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename == f"<cell {label}>":
            lineno = frame.lineno
            return f"{name} (line {lineno}): {msg}"
    return f"{name}: {msg}"


def run_cell(ns: dict, source: str, label: str, limit: int) -> dict[str, Any]:
    out, err = CappedText(limit), CappedText(limit)
    error = None
    try:
        code = compile(_transform(source), f"<cell {label}>", "exec")
        with redirect_stdout(out), redirect_stderr(err):
            exec(code, ns)  # noqa: S102 - running the student's cell is the point
    except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
        error = _error_line(e, label)
    return {"stdout": out.text(), "stderr": err.text(), "error": error}


def run_probe(ns: dict, assignment: Any, header: dict, arrays: dict) -> tuple[dict, dict]:
    from .cases import Case
    from .isolation import grading
    from .kinds import kind

    test = assignment.test(header["test"])
    case = Case(header["label"], header["category"], arrays, header["meta"])
    obj = ns.get(test.symbol)
    if obj is None:
        return {"meta": {"error": f"{test.symbol} is not defined (did its cell run?)"}}, {}
    sink = CappedText(0)
    try:
        with redirect_stdout(sink), redirect_stderr(sink), grading(test, assignment, ns):
            obs = kind(test.kind).probe(test, obj, case)
    except BaseException as e:  # noqa: BLE001
        error = _error_line(e, "")
        return {"meta": {"error": f"your code raised {error}"}}, {}
    return {"meta": obs.meta}, obs.arrays


def _block_library(assignment: Any, stack: ExitStack) -> None:
    """For the whole session: minigrad's own backward of every graded op raises."""
    from .isolation import blocked, resolve

    classes = [
        path for t in assignment.tests for path in t.libraries if isinstance(resolve(path), type)
    ]
    stack.enter_context(blocked(classes))


# Imported before privileges are dropped: the sandbox user may be unable to read the Python
# installation (e.g. one under /root), so later imports of anything else can fail.
PRELOAD = (
    "abc",
    "collections",
    "contextlib",
    "copy",
    "dataclasses",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "itertools",
    "json",
    "math",
    "numbers",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "textwrap",
    "time",
    "traceback",
    "typing",
    "warnings",
    "numpy",
    "numpy.linalg",
    "numpy.random",
    "numpy.testing",
    "IPython.core.inputtransformer2",
)


SANDBOX_MODULES = (
    "assignments",
    "cases",
    "checks",
    "course",
    "reference_mlp",
    "isolation",
    "kinds",
    "limits",
    "protocol",
    "spec",
    "verdict",
)


def preload() -> None:
    """Import what the sandbox and typical answers use, and run one probe of each test on the
    reference so that every lazy import (zip encodings, numpy submodules) happens now."""
    import importlib
    import pkgutil

    for name in PRELOAD + ("encodings.cp437", "zipfile"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    root = importlib.import_module("minigrad")
    for info in pkgutil.walk_packages(root.__path__, "minigrad."):
        if info.name.startswith(("minigrad.widgets", "minigrad.viz")):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - optional parts (their extras not installed)
            pass
    for name in SANDBOX_MODULES:
        importlib.import_module(f"autograder.{name}")


def warm_up(assignment: Any) -> None:
    from .checks import local_prober, make_cases
    from .isolation import resolve
    from .protocol import Reader, encode

    for test in assignment.tests:
        if test.swap_in:
            case = make_cases(test, None)[0]
            obs = local_prober(test, assignment, resolve(test.swap_in), {})(case)
            r, w = os.pipe()
            os.write(w, encode({"meta": obs.meta}, obs.arrays))
            Reader(r).read()
            os.close(r)
            os.close(w)


def main() -> None:
    config = json.loads(sys.argv[1])
    proto_in, proto_out = os.dup(0), os.dup(1)  # not inherited by anything the student starts
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if config.get("debug_log"):  # the grader's own failures, for its developers
        os.dup2(os.open(config["debug_log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), 2)
    preload()  # as the starting user: the interpreter may live where the sandbox user can't read
    from . import limits
    from .assignments import ASSIGNMENTS
    from .protocol import ChannelClosed, Reader, write

    lim = limits.Limits.from_json(config["limits"])
    assignment = ASSIGNMENTS[config["assignment"]]
    warm_up(assignment)
    limits.apply(lim, config.get("uid"))

    session = ExitStack()
    _block_library(assignment, session)
    ns: dict[str, Any] = {"__name__": "__main__", "get_ipython": _get_ipython, "display": print}
    reader = Reader(proto_in)
    write(proto_out, {"ready": True, "uid": os.getuid()})
    while True:
        try:
            header, arrays = reader.read()
        except ChannelClosed:
            os._exit(0)
        if header.get("op") == "exec":
            write(proto_out, run_cell(ns, header["code"], header["label"], lim.output_bytes))
        elif header.get("op") == "probe":
            reply, out_arrays = run_probe(ns, assignment, header, arrays)
            write(proto_out, reply, out_arrays)
        else:
            os._exit(0)


if __name__ == "__main__":
    main()
