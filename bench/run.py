"""minigrad's benchmark: one command, one table of times and ratios measured in one run.

    python bench/run.py [--quick] [--only small,chain] [--engines minigrad,numpy]
                        [--repeat N] [--rounds N] [--json out.json]

Each (workload, engine) pair runs in a fresh process (``bench/workloads.py``) with BLAS pinned to
one thread, ``--rounds`` times (interleaved); the time shown is the best (minimum) of all timed
repeats, each after one warm-up run in its process, in process CPU time by default (``--clock``):
the machine may be shared, and CPU time and the minimum are the least disturbed figures. Ratios
are time(engine) / time(reference) from this same run: below 1 means faster than the reference.
Every engine's results are checked against the hand-written numpy reference, so a benchmark that
computes the wrong thing fails (exit status 1). Targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import workloads as W  # noqa: E402  (bench/ is not a package)

# Targets for minigrad, as ratios against a reference engine measured in the same run.
TARGETS: dict[str, list[tuple[str, float]]] = {
    "small": [("torch", 0.5)],
    "chain": [("torch", 0.5)],  # and it must complete (no RecursionError)
    "mlp": [("torch", 0.5), ("numpy", 5.0)],
    "big": [("numpy", 1.1)],
}
# Relative tolerance of the agreement check (scaled by the largest reference value).
TOLERANCE = {"small": 1e-4, "chain": 1e-3, "mlp": 1e-3, "big": 1e-3}
# "Flat" memory: growth between the first and the last sample below these bounds.
FLAT_TRACED_BYTES = 256 * 1024  # tracemalloc peak: catches a leak of ~30 bytes per step
FLAT_RSS_BYTES = 8 * 1024 * 1024  # peak resident set (VmHWM): allocator noise is larger
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
CORETYPE_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PACKAGES = {"numpy": "numpy", "torch": "torch", "micrograd": "micrograd", "mygrad": "mygrad"}


def child_env(keep_coretype: bool) -> tuple[dict[str, str], list[str]]:
    """The benchmark processes' environment: one BLAS thread; OPENBLAS_CORETYPE and
    OPENBLAS_L2_SIZE removed (they pin an older, slower kernel on some machines)."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = "1"
    removed = []
    if not keep_coretype:
        removed = [var for var in CORETYPE_VARS if var in env]
        for var in removed:
            del env[var]
    return env, removed


def available(engine: str, minigrad_dir: Path = ROOT) -> bool:
    if engine == "minigrad":
        return (minigrad_dir / "minigrad" / "__init__.py").exists()
    return importlib.util.find_spec(PACKAGES[engine]) is not None


def version(engine: str) -> str:
    if engine == "minigrad":
        return "from " + describe_checkout(Path(os.environ.get(W.MINIGRAD_PATH_VAR, str(ROOT))))
    try:
        return importlib.metadata.version(PACKAGES[engine])
    except importlib.metadata.PackageNotFoundError:
        return "?"


def describe_checkout(path: Path) -> str:
    """``path (git abc1234, with uncommitted changes to minigrad/)`` where path is a checkout."""
    git = ["git", "-C", str(path)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "minigrad"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(path)
    return f"{path} (git {head}{', with uncommitted changes to minigrad/' if dirty else ''})"


def run_one(engine, workload, fixtures, args, env) -> dict:
    cmd = [
        sys.executable,
        str(HERE / "workloads.py"),
        engine,
        workload,
        "--fixtures",
        str(fixtures),
        "--repeat",
        str(args.repeat),
        "--budget",
        str(args.budget),
    ]
    if args.quick:
        cmd.append("--quick")
    try:
        proc = subprocess.run(
            cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        return {"engine": engine, "workload": workload, "error": f"timeout ({args.timeout} s)"}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {
        "engine": engine,
        "workload": workload,
        "error": f"exit {proc.returncode}: {tail[0][:200]}",
    }


def merge(old: dict | None, new: dict) -> dict:
    """One row from several rounds of the same (workload, engine): all timed repeats pooled."""
    if old is None or "error" in new:
        return new
    for key in ("times", "cpu_times"):
        old[key] = old[key] + new[key]
    old["wall"] += new["wall"]
    return old


def summarize_times(row: dict, clock: str) -> None:
    """``min`` and ``median`` of the chosen clock's timed runs (``cpu_times`` or wall ``times``)."""
    if "times" in row:
        times = row["cpu_times" if clock == "cpu" else "times"]
        row["clock"], row["min"], row["median"] = clock, min(times), statistics.median(times)


def deviation(result: dict, reference: dict) -> float:
    """Largest |a - b| / max|b| over the compared entries (loss curves: the common prefix)."""
    worst = 0.0
    for key, ref in reference.items():
        got = result.get(key)
        if got is None:
            return float("inf")
        n = min(len(got), len(ref))
        a, b = np.asarray(got[:n], np.float64), np.asarray(ref[:n], np.float64)
        if n == 0 or not np.all(np.isfinite(a)):
            return float("inf")
        scale = max(float(np.max(np.abs(b))), 1e-30)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}x" if x < 10 else f"{x:,.1f}x"


def evaluate(rows: list[dict]) -> None:
    """Adds ratios, agreement and target verdicts to the rows, in place."""
    by_key = {(r["workload"], r["engine"]): r for r in rows}
    for r in rows:
        wl = r["workload"]
        if "min" not in r or wl == "memory":
            continue
        for ref in ("numpy", "torch"):
            other = by_key.get((wl, ref), {})
            if "min" in other:
                r[f"ratio_{ref}"] = r["min"] / other["min"]
        ref_row = by_key.get((wl, "numpy"), {})
        if "result" in ref_row:
            r["deviation"] = deviation(r["result"], ref_row["result"])
            r["agrees"] = r["deviation"] <= TOLERANCE[wl] * (
                10 if r["engine"] == "micrograd" else 1
            )
    for r in rows:
        if r["engine"] != "minigrad":
            continue
        wl = r["workload"]
        if wl == "memory":
            r["target"], r["met"] = "flat", r.get("flat")
            continue
        parts, met = [], True
        if wl == "chain":
            parts.append("completes")
            met = "min" in r
        for ref, bound in TARGETS[wl]:
            parts.append(f"<= {bound:g}x {ref}")
            ratio = r.get(f"ratio_{ref}")
            met = met and ratio is not None and ratio <= bound
            if ratio is None and "min" in r:
                met = None  # reference not measured: unknown
        r["target"] = ", ".join(parts)
        r["met"] = met


def memory_verdict(row: dict) -> None:
    samples = row.get("memory") or []
    if len(samples) < 2:
        return
    first, last = samples[0], samples[-1]
    row["traced_peak_growth"] = last["traced_peak"] - first["traced_peak"]
    row["rss_peak_growth"] = last.get("vmhwm", 0) - first.get("vmhwm", 0)
    row["flat"] = (
        row["traced_peak_growth"] < FLAT_TRACED_BYTES and row["rss_peak_growth"] < FLAT_RSS_BYTES
    )


def table(rows: list[dict]) -> str:
    head = ["workload", "engine", "best (ms)", "vs numpy", "vs torch", "agrees", "target", "met?"]
    lines = []
    for r in rows:
        if "skip" in r:
            time_s, agrees = r["skip"], "-"
        elif "error" in r:
            time_s, agrees = f"failed: {r['error']}", "-"
        elif r["workload"] == "memory":
            mib = 1024 * 1024
            time_s = (
                f"traced peak +{r.get('traced_peak_growth', 0) / 1024:.0f} KiB, "
                f"RSS peak +{r.get('rss_peak_growth', 0) / mib:.1f} MiB"
            )
            agrees = "-"
        else:
            time_s = fmt_ms(r["min"])
            if r.get("notes"):
                time_s += " *"
            dev = r.get("deviation")
            agrees = "-" if dev is None else ("yes" if r["agrees"] else "NO") + f" ({dev:.0e})"
        met = r.get("met")
        lines.append(
            [
                r["workload"],
                r["engine"],
                time_s,
                fmt_ratio(r.get("ratio_numpy")),
                fmt_ratio(r.get("ratio_torch")),
                agrees,
                r.get("target", ""),
                {True: "yes", False: "NO", None: ""}[met] if "target" in r else "",
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths)) + " |" for line in lines
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    p.add_argument(
        "--only", default=",".join(W.WORKLOADS), help="comma-separated workloads (default: all)"
    )
    p.add_argument(
        "--engines",
        default=",".join(W.ENGINES),
        help="comma-separated engines (default: all that are installed)",
    )
    p.add_argument("--repeat", type=int, default=5, help="timed repeats per process")
    p.add_argument(
        "--rounds", type=int, default=2, help="processes per (workload, engine), interleaved"
    )
    p.add_argument(
        "--budget",
        type=float,
        default=10.0,
        help="seconds of timed repeats per process at most (slow engines repeat less)",
    )
    p.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: the process's CPU time (default; one thread per engine, so it is the wall "
        "time of an idle machine, and other processes disturb it far less); wall: elapsed time",
    )
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per process at most")
    p.add_argument(
        "--minigrad",
        type=Path,
        default=ROOT,
        help="directory holding the minigrad package to measure (default: this checkout)",
    )
    p.add_argument("--json", type=Path, help="also write all figures to this file")
    p.add_argument(
        "--keep-openblas-coretype",
        action="store_true",
        help="do not remove OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE from the environment",
    )
    args = p.parse_args(argv)
    only = [w for w in args.only.split(",") if w]
    engines = [e for e in args.engines.split(",") if e]
    for name, allowed in (("workload", W.WORKLOADS), ("engine", W.ENGINES)):
        bad = [x for x in (only if name == "workload" else engines) if x not in allowed]
        if bad:
            p.error(f"unknown {name}(s) {bad}; choose from {list(allowed)}")

    env, removed = child_env(args.keep_openblas_coretype)
    env[W.MINIGRAD_PATH_VAR] = os.environ[W.MINIGRAD_PATH_VAR] = str(args.minigrad.resolve())
    mode = "quick" if args.quick else "full"
    load_start = os.getloadavg()[0]
    print(
        f"minigrad benchmark ({mode}): Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}, load average "
        f"{load_start:.1f}; BLAS threads pinned to 1; {args.clock} time"
    )
    if removed:
        print(f"removed {', '.join(removed)} from the benchmark processes' environment")
    print(
        "engines: "
        + ", ".join(
            f"{e} {version(e)}" if available(e, args.minigrad) else f"{e} (not installed)"
            for e in engines
        )
    )

    rows: list[dict] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="minigrad-bench-") as tmp:
        fixtures = Path(tmp) / "fixtures.npz"
        W.make_fixtures(fixtures, mode)
        for wl in W.WORKLOADS:
            if wl not in only:
                continue
            pairs = []
            for engine in engines:
                reason = W.supported(engine, wl)
                if reason and wl == "memory":
                    continue
                if reason is None and not available(engine, args.minigrad):
                    reason = "not installed"
                if reason:
                    rows.append({"workload": wl, "engine": engine, "skip": reason})
                else:
                    pairs.append(engine)
            # rounds interleave the engines, so a burst of load elsewhere hits them alike
            measured: dict[str, dict] = {}
            for rnd in range(1 if wl == "memory" else args.rounds):
                for engine in pairs:
                    done = measured.get(engine, {})
                    if "error" in done or done.get("wall", 0) > 4 * args.budget:
                        continue  # failed, or too slow to repeat (micrograd mlp, mygrad chain)
                    t0 = time.perf_counter()
                    row = run_one(engine, wl, fixtures, args, env)
                    row["wall"] = time.perf_counter() - t0
                    summarize_times(row, args.clock)
                    status = row.get("error") or f"{fmt_ms(row['min'])} ms"
                    print(
                        f"  {wl:<7} {engine:<10} {status}  ({row['wall']:.1f} s)"
                        + (f"  [round {rnd + 1}]" if args.rounds > 1 else ""),
                        flush=True,
                    )
                    measured[engine] = merge(measured.get(engine), row)
                    summarize_times(measured[engine], args.clock)
            for engine in pairs:
                row = measured[engine]
                if wl == "memory":
                    memory_verdict(row)
                rows.append(row)
    order = {e: i for i, e in enumerate(engines)}
    rows.sort(key=lambda r: (W.WORKLOADS.index(r["workload"]), order[r["engine"]]))
    evaluate(rows)

    print()
    print(table(rows))
    notes = [(r["workload"], r["engine"], n) for r in rows for n in r.get("notes", [])]
    if notes:
        print("\n* " + "\n* ".join(f"{wl}/{e}: {n}" for wl, e, n in notes))
    for r in rows:
        if r["workload"] == "memory" and r.get("memory"):
            print(f"\nmemory ({r['engine']}, training steps of the mlp workload, tracemalloc on):")
            for s in r["memory"]:
                print(
                    f"  step {s['step']:>6}: traced current {s['traced_current'] / 1024:8.0f} "
                    f"KiB, traced peak {s['traced_peak'] / 1024:8.0f} KiB, "
                    f"RSS {s.get('vmrss', 0) / 2**20:6.1f} MiB, "
                    f"RSS peak {s.get('vmhwm', 0) / 2**20:6.1f} MiB"
                )
            print(
                f"  flat = traced peak growth < {FLAT_TRACED_BYTES // 1024} KiB and RSS peak "
                f"growth < {FLAT_RSS_BYTES // 2**20} MiB: {'yes' if r.get('flat') else 'NO'}; "
                f"gc.collect() afterwards found {r.get('gc_collected_after')} objects"
            )
    blas = next((r["blas"] for r in rows if r.get("engine") == "numpy" and r.get("blas")), None)
    for b in blas or []:
        if b.get("user_api") == "blas":
            print(
                f"\nnumpy BLAS (threadpoolctl): {b['internal_api']} {b['version']}, "
                f"{b['architecture']} kernel, {b['num_threads']} thread(s)"
            )
    load = os.getloadavg()[0]
    print(f"\ntotal {time.perf_counter() - start:.0f} s, load average at the end {load:.1f}")
    if max(load, load_start) > (os.cpu_count() or 1):
        print("warning: other processes were competing for the CPUs; the figures are disturbed")

    if args.json:
        meta = {
            "mode": mode,
            "clock": args.clock,
            "loadavg_start": load_start,
            "loadavg_end": load,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "removed_env": removed,
            "versions": {e: version(e) for e in engines},
        }
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))

    bad = [
        r
        for r in rows
        if r.get("agrees") is False or ("error" in r and r["engine"] in ("minigrad", "numpy"))
    ]
    for r in bad:
        print(
            f"FAILED: {r['workload']}/{r['engine']}: "
            + (r.get("error") or f"results differ from numpy by {r['deviation']:.1e}")
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
