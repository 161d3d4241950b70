"""The chapter notebooks: built from their sources, and run top to bottom under nbval.

nbval runs in a subprocess (its own pytest session with ``--nbval-lax``, which compares only the
cells marked ``# NBVAL_CHECK_OUTPUT``), with Jupyter and IPython configuration in a temporary
folder, so the notebooks see the same fresh kernel as in CI and the outer session's options
(xdist, strict markers) never interfere. Same command by hand, from the repository root:

    python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=60 notebooks/
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 60  # seconds per cell; the seven chapters take about 15 s in all


def test_notebooks_are_built_from_their_sources() -> None:
    proc = subprocess.run(
        [sys.executable, str(NOTEBOOKS / "build.py"), "--check"],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_self_check_has_an_answer_and_a_verification() -> None:
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        import selfcheck
    finally:
        sys.path.remove(str(NOTEBOOKS))
    asked, verified = set(), set()
    for src in sorted((NOTEBOOKS / "src").glob("*.py")):
        text = src.read_text()
        asked |= set(re.findall(r'answer\("([\w.]+)"', text))
        verified |= set(re.findall(r'expect\(\s*"([\w.]+)"', text))
    assert asked == set(selfcheck.QUESTIONS), "questions asked != questions with a stored answer"
    assert asked <= verified, f"no [verify] cell for {sorted(asked - verified)}"
    assert all(hashes and all(hashes) for hashes, _, _ in selfcheck.QUESTIONS.values())


def test_self_check_feedback(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        import selfcheck
    finally:
        sys.path.remove(str(NOTEBOOKS))
    qid = next(iter(selfcheck.QUESTIONS))
    selfcheck.answer(qid, ...)
    selfcheck.answer(qid, "certainly not this")
    selfcheck.answer("no-such-question", 1)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Question {qid}: replace ...")
    assert out[1].startswith("Not quite: ")
    assert out[2].startswith("There is no question")
    # lenient forms of the same answer hash alike
    assert selfcheck._hash("q", (2, 3)) == selfcheck._hash("q", [2.0, 3.0])
    assert selfcheck._hash("q", "torch.float") == selfcheck._hash("q", "float32")
    assert selfcheck._hash("q", [[12.0]]) == selfcheck._hash("q", 12)
    assert selfcheck._hash("q", True) != selfcheck._hash("q", 1)


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_notebooks_run_under_nbval(tmp_path: Path) -> None:
    pytest.importorskip("nbval")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON", "PYTEST_"))}  # fmt: skip
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    cmd = [
        sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
        f"--nbval-cell-timeout={CELL_TIMEOUT}", "-p", "no:cacheprovider", "-q",
        str(NOTEBOOKS),
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
