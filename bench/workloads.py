"""The benchmark workloads, one function per (engine, workload), with identical math.

Run by ``bench/run.py`` in a fresh process per engine and workload:

    python bench/workloads.py ENGINE WORKLOAD --fixtures FILE.npz [--quick] [--repeat N]

which prints one line ``BENCH_JSON {...}`` with the timings and a summary of the results. Every
engine computes in float32 from the same inputs (the fixtures file written by ``run.py``), so the
results can be compared with the hand-written numpy reference. micrograd computes with Python
floats (float64); it is compared with a looser tolerance.

Engines: ``minigrad`` and ``torch`` share one code path (same API, module passed in as ``T``);
``numpy`` is an explicit forward and backward with no autograd (the practical limit);
``micrograd`` is Karpathy's scalar engine; ``mygrad`` is MyGrad.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MINIGRAD_PATH_VAR = "MINIGRAD_BENCH_PATH"  # run.py --minigrad: the checkout to measure


def import_minigrad():
    sys.path.insert(0, os.environ.get(MINIGRAD_PATH_VAR, str(ROOT)))
    import minigrad

    return minigrad


ENGINES = ("minigrad", "numpy", "torch", "micrograd", "mygrad")
WORKLOADS = ("small", "chain", "mlp", "big", "memory")

# Sizes of each workload; "quick" is a fast smoke run.
SIZES = {
    "full": {
        "small": 5_000,  # iterations of y = relu(y * b + a) on shape (4,)
        "chain": 100_000,  # iterations of y = y * 1.0001 + 0.0001 (two ops each) on shape (1,)
        "mlp": 300,  # SGD steps, batch 128
        "mlp_micrograd": 3,  # micrograd is per scalar: this many steps, time scaled to "mlp"
        "big": (1024, 20),  # (n, repetitions) of tanh(X @ W).sum() forward and backward
        "memory": (10_000, (1_000, 10_000)),  # training steps, steps at which memory is sampled
    },
    "quick": {
        "small": 500,
        "chain": 5_000,
        "mlp": 20,
        "mlp_micrograd": 1,
        "big": (128, 3),
        "memory": (1_000, (500, 1_000)),
    },
}
MLP_SHAPE = (2, 16, 16, 1)
MLP_BATCH = 128
MLP_DATA = 1_000
MLP_LR = 0.1
CHAIN_MUL, CHAIN_ADD = 1.0001, 0.0001
SMALL_A = (0.1, 0.2, 0.3, 0.05)
SMALL_B = (0.9, 0.5, -0.5, 0.99)
SMALL_X0 = (1.0, -1.0, 2.0, 0.5)

# ----------------------------------------------------------------------------------------------
# Fixtures: the same inputs for every engine, written once by run.py and loaded by each process.


def make_fixtures(path: Path, mode: str) -> None:
    """Write the inputs of every workload to ``path`` (an .npz file)."""
    make_moons = import_minigrad().data.make_moons
    sizes = SIZES[mode]
    x, y = make_moons(MLP_DATA, noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    fx: dict[str, np.ndarray] = {
        "mlp_x": x.numpy().astype(np.float32),
        "mlp_y": y.numpy().astype(np.float32).reshape(-1, 1),
        "mlp_idx": np.random.default_rng(1).integers(0, MLP_DATA, (sizes["mlp"], MLP_BATCH)),
    }
    for i, (fan_in, fan_out) in enumerate(zip(MLP_SHAPE[:-1], MLP_SHAPE[1:])):
        bound = 1.0 / np.sqrt(fan_in)  # PyTorch's nn.Linear initialisation range
        fx[f"mlp_w{i}"] = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        fx[f"mlp_b{i}"] = rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)
    n = sizes["big"][0]
    big = np.random.default_rng(2)
    fx["big_x"] = big.standard_normal((n, n), dtype=np.float32)
    fx["big_w"] = big.standard_normal((n, n), dtype=np.float32) / np.float32(np.sqrt(n))
    np.savez(path, **fx)


def _batches(fx: dict[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    x, y = fx["mlp_x"], fx["mlp_y"]
    return [(x[i], y[i]) for i in fx["mlp_idx"]]


def _mlp_params(fx: dict[str, np.ndarray]) -> list[np.ndarray]:
    """[w0, b0, w1, b1, w2, b2] as fresh float32 copies (weights are (out, in) like nn.Linear)."""
    n_layers = len(MLP_SHAPE) - 1
    return [fx[f"mlp_{k}{i}"].copy() for i in range(n_layers) for k in ("w", "b")]


# ----------------------------------------------------------------------------------------------
# minigrad and torch: one code path, the module is passed in as T.
# Each builder returns run(), the timed body; run() returns {name: value} for the agreement check.


def tensor_small(T, fx, n):
    a = T.tensor(SMALL_A, requires_grad=True)
    b = T.tensor(SMALL_B, requires_grad=True)
    x0 = T.tensor(SMALL_X0, requires_grad=True)

    def run():
        a.grad = b.grad = x0.grad = None
        y = x0
        for _ in range(n):
            y = T.relu(y * b + a)
        y.sum().backward()
        return {"y": y, "a.grad": a.grad, "b.grad": b.grad, "x0.grad": x0.grad}

    return run


def tensor_chain(T, fx, n):
    x0 = T.tensor([1.0], requires_grad=True)

    def run():
        x0.grad = None
        y = x0
        for _ in range(n):
            y = y * CHAIN_MUL + CHAIN_ADD
        y.sum().backward()
        return {"y": y, "x0.grad": x0.grad}

    return run


def _tensor_mlp_setup(T, fx):
    nn = T.nn
    model = nn.Sequential(
        nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
    )
    with T.no_grad():
        for p, v in zip(model.parameters(), _mlp_params(fx)):
            p.copy_(T.from_numpy(v))
    batches = [(T.from_numpy(xb), T.from_numpy(yb)) for xb, yb in _batches(fx)]
    return model, T.optim.SGD(model.parameters(), lr=MLP_LR), nn.MSELoss(), batches


def tensor_mlp(T, fx, steps):
    def run():
        # fresh model and optimiser each repeat, so every repeat computes the same losses
        model, opt, loss_fn, batches = _tensor_mlp_setup(T, fx)
        losses = []
        for xb, yb in batches[:steps]:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return {"losses": losses}

    return run


def tensor_big(T, fx, size):
    _, reps = size
    x = T.from_numpy(fx["big_x"]).requires_grad_()
    w = T.from_numpy(fx["big_w"]).requires_grad_()

    def run():
        for _ in range(reps):
            x.grad = w.grad = None
            s = T.tanh(x @ w).sum()
            s.backward()
        return {"s": s, "x.grad": x.grad, "w.grad": w.grad}

    return run


def tensor_memory(T, fx, size):
    """Train the mlp for many steps, sampling traced and resident memory along the way."""
    import tracemalloc

    steps, sample_at = size

    def run():
        model, opt, loss_fn, batches = _tensor_mlp_setup(T, fx)
        samples = []
        tracemalloc.start()
        for step in range(1, steps + 1):
            xb, yb = batches[step % len(batches)]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            if step in sample_at:
                current, peak = tracemalloc.get_traced_memory()
                samples.append(
                    {"step": step, "traced_current": current, "traced_peak": peak, **_proc_status()}
                )
        tracemalloc.stop()
        return {"memory": samples, "gc_collected_after": gc.collect(), "loss": loss.item()}

    return run


def _proc_status() -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of this process in bytes, from /proc/self/status."""
    out = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key.lower()] = int(value.split()[0]) * 1024
    except OSError:
        import resource

        out["vmhwm"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return out


# ----------------------------------------------------------------------------------------------
# numpy: explicit forward and backward, float32, no autograd.


def numpy_small(fx, n):
    a = np.array(SMALL_A, np.float32)
    b = np.array(SMALL_B, np.float32)
    x0 = np.array(SMALL_X0, np.float32)

    def run():
        y, inputs, masks = x0, [], []
        for _ in range(n):
            z = y * b + a
            inputs.append(y)
            masks.append(z > 0)
            y = np.maximum(z, 0)
        # backward of y.sum()
        g = np.ones_like(y)
        ga, gb = np.zeros_like(a), np.zeros_like(b)
        for y_in, m in zip(reversed(inputs), reversed(masks)):
            gz = g * m
            ga += gz
            gb += gz * y_in
            g = gz * b
        return {"y": y, "a.grad": ga, "b.grad": gb, "x0.grad": g}

    return run


def numpy_chain(fx, n):
    x0 = np.array([1.0], np.float32)
    mul = np.float32(CHAIN_MUL)

    def run():
        y = x0
        for _ in range(n):
            y = y * CHAIN_MUL + CHAIN_ADD
        g = np.ones_like(y)
        for _ in range(n):
            g = g * mul
        return {"y": y, "x0.grad": g}

    return run


def numpy_mlp(fx, steps):
    def run():
        w0, b0, w1, b1, w2, b2 = params = _mlp_params(fx)
        losses = []
        for xb, yb in _batches(fx)[:steps]:
            h0p = xb @ w0.T + b0
            h0 = np.maximum(h0p, 0)
            h1p = h0 @ w1.T + b1
            h1 = np.maximum(h1p, 0)
            out = h1 @ w2.T + b2
            diff = out - yb
            losses.append(float((diff * diff).mean()))
            d_out = diff * np.float32(2.0 / diff.size)
            g_w2, g_b2 = d_out.T @ h1, d_out.sum(0)
            d_h1 = (d_out @ w2) * (h1p > 0)
            g_w1, g_b1 = d_h1.T @ h0, d_h1.sum(0)
            d_h0 = (d_h1 @ w1) * (h0p > 0)
            g_w0, g_b0 = d_h0.T @ xb, d_h0.sum(0)
            for p, g in zip(params, (g_w0, g_b0, g_w1, g_b1, g_w2, g_b2)):
                p -= np.float32(MLP_LR) * g
        return {"losses": losses}

    return run


def numpy_big(fx, size):
    _, reps = size
    x, w = fx["big_x"], fx["big_w"]

    def run():
        for _ in range(reps):
            t = np.tanh(x @ w)
            s = t.sum()
            d = np.subtract(1, np.multiply(t, t, out=t), out=t)  # tanh' = 1 - tanh², in place
            g_x, g_w = d @ w.T, x.T @ d
        return {"s": s, "x.grad": g_x, "w.grad": g_w}

    return run


# ----------------------------------------------------------------------------------------------
# micrograd: scalar Values. A shape-(n,) tensor is a list of n Values.


def micrograd_small(fx, n):
    from micrograd.engine import Value

    def run():
        a = [Value(v) for v in SMALL_A]
        b = [Value(v) for v in SMALL_B]
        x0 = [Value(v) for v in SMALL_X0]
        y = x0
        for _ in range(n):
            y = [(yi * bi + ai).relu() for yi, bi, ai in zip(y, b, a)]
        sum(y).backward()
        return {
            "y": [v.data for v in y],
            "a.grad": [v.grad for v in a],
            "b.grad": [v.grad for v in b],
            "x0.grad": [v.grad for v in x0],
        }

    return run


def micrograd_chain(fx, n):
    from micrograd.engine import Value

    def run():
        x0 = Value(1.0)
        y = x0
        for _ in range(n):
            y = y * CHAIN_MUL + CHAIN_ADD
        y.backward()
        return {"y": [y.data], "x0.grad": [x0.grad]}

    return run


def micrograd_mlp(fx, steps):
    from micrograd.nn import MLP

    def run():
        model = MLP(MLP_SHAPE[0], list(MLP_SHAPE[1:]))
        values = _mlp_params(fx)
        for layer, w, b in zip(model.layers, values[0::2], values[1::2]):
            for neuron, w_row, b_j in zip(layer.neurons, w.tolist(), b.tolist()):
                for p, v in zip(neuron.w, w_row):
                    p.data = v
                neuron.b.data = b_j
        losses = []
        for xb, yb in _batches(fx)[:steps]:
            xs, ys = xb.tolist(), yb[:, 0].tolist()
            loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys)) * (1.0 / len(xs))
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= MLP_LR * p.grad
            losses.append(loss.data)
        return {"losses": losses}

    return run


# ----------------------------------------------------------------------------------------------
# MyGrad. Python float constants are passed as np.float32: MyGrad would promote to float64.


def mygrad_small(fx, n):
    import mygrad as mg
    from mygrad.nnet.activations import relu

    a = mg.tensor(np.array(SMALL_A, np.float32))
    b = mg.tensor(np.array(SMALL_B, np.float32))
    x0 = mg.tensor(np.array(SMALL_X0, np.float32))

    def run():
        y = x0
        for _ in range(n):
            y = relu(y * b + a)
        y.sum().backward()
        return {"y": y, "a.grad": a.grad, "b.grad": b.grad, "x0.grad": x0.grad}

    return run


def mygrad_chain(fx, n):
    import mygrad as mg

    x0 = mg.tensor(np.array([1.0], np.float32))
    mul, add = np.float32(CHAIN_MUL), np.float32(CHAIN_ADD)

    def run():
        y = x0
        for _ in range(n):
            y = y * mul + add
        y.sum().backward()
        return {"y": y, "x0.grad": x0.grad}

    return run


def mygrad_mlp(fx, steps):
    import mygrad as mg
    from mygrad.nnet.activations import relu

    def run():
        params = [mg.tensor(p) for p in _mlp_params(fx)]
        w0, b0, w1, b1, w2, b2 = params
        lr = np.float32(MLP_LR)
        losses = []
        for xb, yb in _batches(fx)[:steps]:
            h = relu(mg.matmul(xb, w0.T) + b0)
            h = relu(mg.matmul(h, w1.T) + b1)
            out = mg.matmul(h, w2.T) + b2
            loss = mg.mean((out - yb) ** 2)
            loss.backward()
            for p in params:
                p.data -= lr * p.grad
            losses.append(loss.item())
        return {"losses": losses}

    return run


def mygrad_big(fx, size):
    import mygrad as mg

    _, reps = size
    x, w = mg.tensor(fx["big_x"]), mg.tensor(fx["big_w"])

    def run():
        for _ in range(reps):
            s = mg.tanh(mg.matmul(x, w)).sum()
            s.backward()
        return {"s": s, "x.grad": x.grad, "w.grad": w.grad}

    return run


# ----------------------------------------------------------------------------------------------
# Dispatch, timing and the JSON report.

NOT_AVAILABLE = {
    ("micrograd", "big"): "n/a (scalar engine: 10^9 Python multiplications per matmul)",
}
MEMORY_ENGINES = ("minigrad",)


def supported(engine: str, workload: str) -> str | None:
    """None when the pair runs, else the reason shown in the table."""
    if workload == "memory" and engine not in MEMORY_ENGINES:
        return "not measured (minigrad only)"
    if workload == "memory":
        return None
    if (engine, workload) in NOT_AVAILABLE:
        return NOT_AVAILABLE[(engine, workload)]
    if engine in ("minigrad", "torch"):
        return None
    if f"{engine}_{workload}" not in globals():
        return "n/a"
    return None


def build(engine: str, workload: str, fx: dict, mode: str) -> tuple[Callable, float]:
    """The timed body for (engine, workload), and the factor that scales its time to full size."""
    sizes = SIZES[mode]
    size = sizes[workload]
    scale = 1.0
    if engine == "micrograd" and workload == "mlp":
        scale = size / sizes["mlp_micrograd"]
        size = sizes["mlp_micrograd"]
    if engine in ("minigrad", "torch"):
        if engine == "torch":
            import torch as T

            T.set_num_threads(1)
        else:
            T = import_minigrad()
        return globals()[f"tensor_{workload}"](T, fx, size), scale
    return globals()[f"{engine}_{workload}"](fx, size), scale


def to_numpy(value) -> np.ndarray:
    if hasattr(value, "detach"):  # minigrad and torch tensors
        value = value.detach().numpy()
    elif hasattr(value, "data") and not isinstance(value, np.ndarray):  # MyGrad tensor
        value = value.data
    return np.asarray(value, dtype=np.float64)


def summarize(value) -> list[float]:
    """A small, comparable fingerprint of an array: all of it when small, else 64 fixed entries,
    the sum and the norm."""
    arr = to_numpy(value).ravel()
    if arr.size <= 512:
        return arr.tolist()
    picks = np.linspace(0, arr.size - 1, 64).astype(np.int64)
    return [*arr[picks].tolist(), float(arr.sum()), float(np.linalg.norm(arr))]


def blas_info() -> list[dict]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keys = ("user_api", "internal_api", "num_threads", "architecture", "version")
    return [{k: d.get(k) for k in keys} for d in threadpool_info()]


def measure(
    engine: str, workload: str, fixtures: Path, mode: str, repeat: int, budget: float
) -> dict:
    fx = dict(np.load(fixtures))
    out: dict = {"engine": engine, "workload": workload, "notes": []}
    run, scale = build(engine, workload, fx, mode)
    if scale != 1.0:
        out["notes"].append(
            f"timed {SIZES[mode]['mlp_micrograd']} of {SIZES[mode]['mlp']} steps, scaled x{scale:g}"
        )
    if workload == "memory":
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        result = run()
        out["times"], out["cpu_times"] = [time.perf_counter() - t0], [time.process_time() - c0]
        out["memory"] = result.pop("memory")
        out["result"] = {"loss": [result["loss"]]}
        out["gc_collected_after"] = result["gc_collected_after"]
        out["blas"] = blas_info()
        return out
    # warm-up run; a RecursionError there is reported, then the limit is raised (micrograd)
    gc.collect()
    t0 = time.perf_counter()
    try:
        run()
    except RecursionError:
        out["notes"].append(
            f"RecursionError at the default recursion limit "
            f"({sys.getrecursionlimit()}); timed with the limit raised"
        )
        sys.setrecursionlimit(10_000_000)
        t0 = time.perf_counter()
        run()
    warm = time.perf_counter() - t0
    repeat = max(1, min(repeat, int(budget / max(warm, 1e-9))))
    times, cpu_times = [], []
    for _ in range(repeat):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        result = run()
        times.append((time.perf_counter() - t0) * scale)
        cpu_times.append((time.process_time() - c0) * scale)
    out["times"], out["cpu_times"] = times, cpu_times
    out["result"] = {k: summarize(v) for k, v in result.items()}
    out["blas"] = blas_info()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("engine", choices=ENGINES)
    p.add_argument("workload", choices=WORKLOADS)
    p.add_argument("--fixtures", type=Path, required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds of timed repeats at most (slow engines get fewer repeats)",
    )
    args = p.parse_args(argv)
    mode = "quick" if args.quick else "full"
    try:
        out = measure(args.engine, args.workload, args.fixtures, mode, args.repeat, args.budget)
    except Exception as e:  # reported in the table rather than crashing the whole run
        out = {
            "engine": args.engine,
            "workload": args.workload,
            "error": f"{type(e).__name__}: {str(e)[:200]}",
            "traceback": traceback.format_exc(limit=5),
        }
    out["pid"] = os.getpid()
    print("BENCH_JSON " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
