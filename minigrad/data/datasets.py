"""Toy 2-D classification datasets, generated in code (nothing to download).

Each returns ``(X, y)``: ``X`` a float32 tensor of shape ``[n, 2]``, ``y`` an int64 tensor of
class labels. ``noise`` adds Gaussian jitter; ``seed`` makes the draw repeatable without touching
the global generator (``minigrad.manual_seed``).
"""

from __future__ import annotations

import numpy as np

from .._errors import value_error
from .._tensor import Tensor


def _finish(x: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
            shuffle: bool = True) -> tuple[Tensor, Tensor]:  # fmt: skip
    _check_nonnegative("noise", noise)
    x = x + rng.normal(0.0, noise, x.shape) if noise else x
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
    return Tensor._wrap(x.astype(np.float32)), Tensor._wrap(y.astype(np.int64))


def _check_nonnegative(name: str, value: float) -> None:
    """A negative spread is a mistake, not numpy's ``scale < 0`` from deep inside."""
    if value < 0:
        raise value_error(f"{name} must be >= 0, got {value}")


def _check_n(n: int, classes: int = 1) -> None:
    if not isinstance(n, int) or n < classes:
        raise value_error(f"n must be an int >= {classes}, got {n!r}")


def make_moons(n: int = 200, noise: float = 0.1, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (scikit-learn's moons)."""
    _check_n(n, 2)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n - n_out)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])  # fmt: skip
    y = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    return _finish(x, y, noise, rng)


def make_circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
                 seed: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """A small circle (label 1) inside a big one (label 0)."""
    _check_n(n, 2)
    if not 0 < factor < 1:
        raise value_error(f"factor must be between 0 and 1, got {factor}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_out, endpoint=False)
    x = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])  # fmt: skip
    y = np.concatenate([np.zeros(n_out), np.ones(n - n_out)])
    return _finish(x, y, noise, rng)


def make_spiral(n: int = 300, classes: int = 2, noise: float = 0.2, turns: float = 1.0,
                seed: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``classes`` interleaved spiral arms (the CS231n / Playground spiral)."""
    _check_n(n, classes)
    _check_nonnegative("noise", noise)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for k in range(classes):
        m = n // classes + (1 if k < n % classes else 0)
        r = np.linspace(0.05, 1.0, m)
        t = np.linspace(0, 2 * np.pi * turns, m) + 2 * np.pi * k / classes
        t = t + rng.normal(0, noise, m) if noise else t
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(m, k))
    return _finish(np.concatenate(xs), np.concatenate(ys), 0.0, rng)


def make_xor(n: int = 200, noise: float = 0.05, seed: int | None = None) -> tuple[Tensor, Tensor]:
    """Points in [-1, 1]^2 labelled 1 where x and y have different signs (XOR)."""
    _check_n(n)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    x = x + np.sign(x) * 0.05  # keep a small margin around the axes
    y = (x[:, 0] * x[:, 1] < 0).astype(np.int64)
    return _finish(x, y, noise, rng, shuffle=False)


def make_gaussians(n: int = 200, centers: int = 2, spread: float = 0.5, radius: float = 1.5,
                   seed: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """``centers`` Gaussian blobs on a circle: linearly separable when there are two."""
    _check_n(n, centers)
    _check_nonnegative("spread", spread)
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % centers
    angles = 2 * np.pi * labels / centers
    mean = radius * np.stack([np.cos(angles), np.sin(angles)], 1)
    return _finish(mean + rng.normal(0, spread, (n, 2)), labels, 0.0, rng)


TRIANGLE = np.array([[-0.8, -0.6], [0.8, -0.6], [0.0, 0.8]])


def make_triangle(n: int = 300, noise: float = 0.0, seed: int | None = None,
                  vertices: np.ndarray = TRIANGLE) -> tuple[Tensor, Tensor]:  # fmt: skip
    """Points in [-1, 1]^2 labelled 1 inside a triangle: a boundary no single line can draw,
    but three lines (three hidden neurons) can."""
    _check_n(n)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    a, b, c = np.asarray(vertices, float)

    def side(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return (q[0] - p[0]) * (x[:, 1] - p[1]) - (q[1] - p[1]) * (x[:, 0] - p[0])

    s1, s2, s3 = side(a, b), side(b, c), side(c, a)
    inside = ((s1 >= 0) & (s2 >= 0) & (s3 >= 0)) | ((s1 <= 0) & (s2 <= 0) & (s3 <= 0))
    return _finish(x, inside.astype(np.int64), noise, rng, shuffle=False)


DATASETS = {
    "moons": make_moons, "circles": make_circles, "spiral": make_spiral, "xor": make_xor,
    "gaussians": make_gaussians, "triangle": make_triangle,
}  # fmt: skip


def make_dataset(name: str, n: int = 200, noise: float | None = None,
                 seed: int | None = None) -> tuple[Tensor, Tensor]:  # fmt: skip
    """A toy dataset by name (what the Playground-like trainer offers)."""
    if name not in DATASETS:
        raise value_error(f"unknown dataset {name!r}; choose one of {sorted(DATASETS)}")
    kwargs = {} if noise is None or name == "gaussians" else {"noise": noise}
    return DATASETS[name](n, seed=seed, **kwargs)
