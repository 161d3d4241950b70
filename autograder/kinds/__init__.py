"""Each kind of test has three parts: ``cases`` (seeded inputs), ``probe`` (runs the student's
code on one case, possibly in a sandbox) and ``judge`` (trusted: compares with the reference)."""

from __future__ import annotations

from types import ModuleType

from . import engine, function, init, sgd, training, unbroadcast

KINDS: dict[str, ModuleType] = {
    "function": function,
    "unbroadcast": unbroadcast,
    "engine": engine,
    "sgd": sgd,
    "init": init,
    "training": training,
}


def kind(name: str) -> ModuleType:
    return KINDS[name]
