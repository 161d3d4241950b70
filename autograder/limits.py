"""Resource limits and privilege separation for the process that runs student code.

The sandbox sets its own limits before it runs anything a student wrote:

- RLIMIT_AS (memory), RLIMIT_CPU (seconds), RLIMIT_FSIZE (largest file it may write),
  RLIMIT_NPROC (processes and threads), RLIMIT_CORE = 0;
- when the grader runs as root, it also switches (after importing what it needs: the Python
  installation may not be readable by that user) to a dedicated unprivileged user id per
  worker slot. RLIMIT_NPROC is not enforced for root, so this is what contains a fork bomb; it
  also keeps the sandbox from writing the gradebook or the course's files, and lets the grader
  kill every process the submission started, even ones that left its session, with one
  ``kill(-1, SIGKILL)`` issued as that user.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SANDBOX_UID_BASE = 61000  # worker slot k runs as uid SANDBOX_UID_BASE + k (root only)


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 2**30
    cpu_seconds: int = 60
    file_bytes: int = 16 * 2**20
    processes: int = 64
    output_bytes: int = 20_000  # captured stdout per cell; the rest is dropped

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Limits:
        return cls(**d)


def can_switch_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def sandbox_uid(slot: int) -> int | None:
    """The user id of worker slot ``slot`` (AUTOGRADER_UID_BASE overrides the base: two
    batches running at once on one machine must use different ones)."""
    base = int(os.environ.get("AUTOGRADER_UID_BASE", SANDBOX_UID_BASE))
    return base + slot if can_switch_user() else None


def _set(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))


def apply(limits: Limits, uid: int | None) -> None:
    """Called by the sandbox on itself, first thing: drop privileges, then cap resources."""
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_AS, limits.memory_bytes)
    _set(resource.RLIMIT_CPU, limits.cpu_seconds)
    _set(resource.RLIMIT_FSIZE, limits.file_bytes)
    # RLIMIT_NPROC counts every process of the user: without a dedicated user, allow for the
    # ones the user already has
    extra = 0 if uid is not None else len(user_processes(os.getuid()))
    _set(resource.RLIMIT_NPROC, limits.processes + extra)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, no kill


def kill_user(uid: int, patience: float = 10.0) -> bool:
    """SIGKILL every process of ``uid`` (kill(-1) issued as that user, which no fork can
    outrun), until none is left; False if some survived ``patience`` seconds."""
    code = f"import os, signal\nos.setuid({uid})\nos.kill(-1, signal.SIGKILL)"
    deadline = time.monotonic() + patience
    while True:
        subprocess.run(
            [sys.executable, "-I", "-S", "-c", code],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        if not user_processes(uid):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def user_processes(uid: int) -> list[int]:
    """Live (not zombie) pids whose real uid is ``uid`` (Linux /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if int(status.get("Uid", "-1").split()[0]) == uid and "Z" not in status.get("State", ""):
            pids.append(int(entry))
    return pids


def make_private(course: Path) -> bool:
    """Make the course folder unreadable to the sandbox users (it holds the solutions, the
    other students' work and the gradebook). Only needed, and only done, when running as root."""
    if not can_switch_user():
        return False
    os.chmod(course, 0o700)
    return True
