"""Smoke test of the benchmark suite (bench/run.py): it runs and the engines agree.

Only minigrad and the hand-written numpy reference, at the quick sizes. No timing is asserted:
timing lives in the benchmark, never in a test.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_runs_and_engines_agree(tmp_path):
    out = tmp_path / "bench.json"
    args = "--quick --only small,mlp --engines minigrad,numpy --repeat 1 --rounds 1".split()
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), *args, "--json", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(out.read_text())["rows"]
    assert {(r["workload"], r["engine"]) for r in rows} == {
        (w, e) for w in ("small", "mlp") for e in ("minigrad", "numpy")
    }
    for row in rows:
        assert "error" not in row, row
        assert row["agrees"], (row["workload"], row["engine"], row["deviation"])
    mlp = next(r for r in rows if r["workload"] == "mlp" and r["engine"] == "minigrad")
    losses = mlp["result"]["losses"]
    assert len(losses) == 20 and losses[-1] < losses[0]  # it trained
    assert "| small    | minigrad |" in proc.stdout  # the table is printed
