"""Isolation while a test runs: the student's code meets the reference everywhere else, and never
the library's own implementation of the op being graded.

- ``blocked(paths)`` replaces minigrad's own implementation of the graded ops by stubs that raise
  :class:`ReferenceBlocked` (a Function class gets a blocking ``backward``, a plain function is
  replaced where minigrad's modules hold it).
- ``no_engine()`` does the same for minigrad's backward engine: a backward that asks minigrad's
  autograd for its gradient has not written one.
- ``swapped(ns, names)`` puts the reference in the student's namespace for every *other* graded
  symbol, so one wrong answer never fails an unrelated test.
- ``grading(test, assignment, ns)`` combines the three for the duration of one probe.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from .spec import Assignment, Test


class ReferenceBlocked(RuntimeError):
    """Raised when graded code reaches minigrad's own implementation of the graded op."""


class EngineBlocked(RuntimeError):
    """Raised when a graded backward runs minigrad's backward engine."""


def resolve(path: str) -> Any:
    """``"minigrad.ops.arithmetic:Mul"`` -> the object."""
    module, _, attr = path.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def is_library(obj: Any) -> bool:
    """Whether ``obj`` (a class or function) is defined inside minigrad itself, or is one of the
    grader's reference answers."""
    return str(getattr(obj, "__module__", "") or "").startswith(("minigrad", "autograder"))


def _holders(obj: Any) -> list[tuple[Any, str]]:
    """Every (module, name) in minigrad whose attribute is ``obj``."""
    found = []
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == "minigrad" or name.startswith("minigrad.")):
            continue
        for attr, value in list(vars(mod).items()):
            if value is obj:
                found.append((mod, attr))
    return found


@contextmanager
def _patched(target: Any, attr: str, value: Any) -> Iterator[None]:
    had = attr in vars(target)
    old = vars(target).get(attr)
    setattr(target, attr, value)
    try:
        yield
    finally:
        if had:
            setattr(target, attr, old)
        else:
            delattr(target, attr)


def _stub(what: str, exc: type[RuntimeError]) -> Any:
    def blocked(*args: Any, **kwargs: Any) -> Any:
        raise exc(what)

    return blocked


def reference_message(path: str) -> str:
    name = path.partition(":")[2]
    return (
        f"this uses minigrad's own {name}, the op you are asked to write; "
        "compute the gradient yourself from the saved inputs"
    )


@contextmanager
def blocked(paths: list[str]) -> Iterator[None]:
    """minigrad's implementations at ``paths`` raise ReferenceBlocked inside the block."""
    with ExitStack() as stack:
        for path in paths:
            obj = resolve(path)
            stub = _stub(reference_message(path), ReferenceBlocked)
            if isinstance(obj, type):
                stack.enter_context(_patched(obj, "backward", staticmethod(stub)))
            else:
                for mod, attr in _holders(obj):
                    stack.enter_context(_patched(mod, attr, stub))
        yield


@contextmanager
def no_engine() -> Iterator[None]:
    from minigrad.autograd import engine

    message = (
        "your backward runs minigrad's autograd (backward() or autograd.grad); "
        "write the gradient formula with tensor operations instead"
    )
    with ExitStack() as stack:
        for mod, attr in _holders(engine.run_backward):
            stack.enter_context(_patched(mod, attr, _stub(message, EngineBlocked)))
        yield


@contextmanager
def swapped(ns: dict[str, Any] | None, replacements: dict[str, Any]) -> Iterator[None]:
    """``ns[name] = value`` for each replacement that ``ns`` defines, undone afterwards."""
    if ns is None:
        yield
        return
    old = {k: ns[k] for k in replacements if k in ns}
    ns.update({k: v for k, v in replacements.items() if k in old})
    try:
        yield
    finally:
        ns.update(old)


def references_for(test: Test, assignment: Assignment) -> dict[str, Any]:
    """The reference of every other graded symbol of the assignment."""
    return {
        t.symbol: resolve(t.swap_in)
        for t in assignment.tests
        if t is not test and t.swap_in and t.symbol != test.symbol
    }


@contextmanager
def grading(test: Test, assignment: Assignment, ns: dict[str, Any] | None) -> Iterator[None]:
    with ExitStack() as stack:
        if test.libraries:
            stack.enter_context(blocked(test.libraries))
        if not test.options.get("engine_allowed"):
            stack.enter_context(no_engine())
        stack.enter_context(swapped(ns, references_for(test, assignment)))
        yield
