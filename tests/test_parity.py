"""PyTorch parity: every course example in ../shared/parity must print what PyTorch printed.

The harness runs once per session (all cases, in parallel subprocesses); each case is then one
test that compares its output with the recorded one and shows a unified diff when they differ.
"""

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARITY = Path(__file__).resolve().parents[2] / "shared" / "parity"

# Case name (file stem) -> why minigrad deliberately prints something else. Every entry must
# also be listed under "Deliberate differences from PyTorch" in README.md.
KNOWN_DIFFERENCES: dict[str, str] = {}

pytestmark = pytest.mark.xdist_group("parity")  # one worker runs the harness once


def _param(case: str):
    if case in KNOWN_DIFFERENCES:
        # strict: a deliberate difference that stops differing means the README is stale
        return pytest.param(
            case, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[case])
        )
    return case


if PARITY.is_dir():
    CASES = [_param(p.stem) for p in sorted((PARITY / "cases").glob("*.py"))]
else:
    CASES = [pytest.param("-", marks=pytest.mark.skip(reason=f"no parity corpus at {PARITY}"))]


@pytest.fixture(scope="session")
def parity_outputs(tmp_path_factory) -> Path:
    if not PARITY.is_dir():
        pytest.skip(f"parity corpus not found at {PARITY} (expected beside the checkout)")
    actual = tmp_path_factory.mktemp("parity-actual")
    cmd = [sys.executable, str(PARITY / "run_parity.py"), "--module", "minigrad", "--jobs", "2"]
    cmd += ["--actual", str(actual), "--pythonpath", str(ROOT)]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL
    )
    # 0: all identical, 1: some differ (each test says which); anything else: no run at all
    if proc.returncode not in (0, 1):
        pytest.fail(
            f"parity harness exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}",
            pytrace=False,
        )
    return actual


@pytest.mark.parametrize("case", CASES)
def test_parity_case(case: str, parity_outputs: Path) -> None:
    expected = (PARITY / "expected" / f"{case}.out").read_text(encoding="utf-8")
    actual = (parity_outputs / f"{case}.out").read_text(encoding="utf-8")
    if actual == expected:
        return
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            "expected (torch 2.13.0)",
            "actual (minigrad)",
        )
    )
    err_file = parity_outputs / f"{case}.err"
    err = err_file.read_text(encoding="utf-8").strip() if err_file.exists() else ""
    if err:
        diff += "\n--- stderr (last lines) ---\n" + "\n".join(err.splitlines()[-8:])
    pytest.fail(f"{case} differs from PyTorch:\n{diff}", pytrace=False)


def test_known_differences_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    _, heading, rest = readme.partition("\n## Deliberate differences from PyTorch\n")
    assert heading, "README.md has no '## Deliberate differences from PyTorch' section"
    section = rest.split("\n## ", 1)[0]
    missing = [case for case in KNOWN_DIFFERENCES if case not in section]
    assert not missing, f"README's differences list does not name: {missing}"
