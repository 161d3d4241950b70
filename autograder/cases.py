"""Seeded test inputs: per-student seeds, values away from kinks, non-uniform upstream grads.

A :class:`Case` is plain data (numpy arrays and JSON-able metadata) so it can be sent to the
sandboxed process that runs the student's code and be judged back in the trusted one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .spec import Arg

KINK_MARGIN = 0.25  # drawn values stay this far from every kink of the function
VISIBLE_SEED = 20240917  # the visible checks are the same for everyone


@dataclass
class Case:
    """One call of the student's code: ``category`` says which property it tests."""

    label: str
    category: str
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def student_seed(student: str, assignment: str, test: str, secret: str | None = None) -> int:
    """The hidden inputs' seed: differs per student and test; unpredictable without the course
    secret (``AUTOGRADER_SECRET``, known only to the teacher's machine)."""
    if secret is None:
        secret = os.environ.get("AUTOGRADER_SECRET", "")
    digest = hashlib.sha256(f"{secret}\0{student}\0{assignment}\0{test}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def draw(rng: np.random.Generator, arg: Arg, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform values in [low, high], redrawn while closer than KINK_MARGIN to a kink."""
    x = rng.uniform(arg.low, arg.high, size=shape)
    for _ in range(100):
        near = np.zeros(shape, dtype=bool)
        for k in arg.kinks:
            near |= np.abs(x - k) < KINK_MARGIN
        if not near.any():
            return x
        x[near] = rng.uniform(arg.low, arg.high, size=int(near.sum()))
    raise ValueError(f"cannot draw away from kinks {arg.kinks} in [{arg.low}, {arg.high}]")


def upstream(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """A random, non-uniform upstream gradient (all-ones would hide many mistakes), with no
    entry near 0 so that every element of the result is tested."""
    sign = rng.choice([-1.0, 1.0], size=shape)
    return sign * rng.uniform(0.5, 2.0, size=shape)
