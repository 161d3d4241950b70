"""``minigrad.data``: the toy 2-D datasets and TensorDataset / DataLoader.

With ``noise=0`` every dataset's geometry is exact, so the checks recompute each label (or
radius) independently: moons on their two arcs, circles at radius 1 and ``factor``, triangle
labels from a barycentric point-in-triangle test, xor labels from the signs.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (
    DATASETS,
    DataLoader,
    TensorDataset,
    make_circles,
    make_dataset,
    make_gaussians,
    make_moons,
    make_spiral,
    make_triangle,
    make_xor,
)

NAMES = sorted(DATASETS)


def arrays(data: tuple[mg.Tensor, mg.Tensor]) -> tuple[np.ndarray, np.ndarray]:
    X, y = data
    return X.numpy(), y.numpy()


# ----- every dataset ----------------------------------------------------------------------------
def test_the_registry() -> None:
    assert NAMES == ["circles", "gaussians", "moons", "spiral", "triangle", "xor"]
    assert DATASETS["moons"] is make_moons and DATASETS["triangle"] is make_triangle


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2, 101, 300])
def test_shapes_and_dtypes(name: str, n: int) -> None:
    X, y = DATASETS[name](n, seed=0)
    assert X.shape == (n, 2) and X.dtype == mg.float32
    assert y.shape == (n,) and y.dtype == mg.int64
    assert not X.requires_grad and X.is_leaf
    assert np.isfinite(X.numpy()).all()
    assert set(np.unique(y.numpy()).tolist()) <= {0, 1}


@pytest.mark.parametrize("name", ["moons", "circles", "spiral", "gaussians"])
@pytest.mark.parametrize("n", [200, 201])
def test_two_class_sets_are_balanced(name: str, n: int) -> None:
    counts = np.bincount(DATASETS[name](n, seed=1)[1].numpy(), minlength=2)
    assert len(counts) == 2 and abs(counts[0] - counts[1]) <= 1


def test_xor_and_triangle_label_shares() -> None:
    assert 0.4 < make_xor(2000, seed=0)[1].float().mean().item() < 0.6
    # the triangle covers 0.5 * 1.6 * 1.4 = 1.12 of the 4 square units: 28% of the points
    assert make_triangle(4000, seed=0)[1].float().mean().item() == pytest.approx(0.28, abs=0.03)


@pytest.mark.parametrize(
    ("fn", "kwargs", "classes"),
    [
        (make_spiral, dict(classes=3), 3),
        (make_spiral, dict(classes=5, turns=2.0), 5),
        (make_gaussians, dict(centers=4), 4),
    ],
)
def test_multi_class_labels(fn, kwargs: dict, classes: int) -> None:
    counts = np.bincount(fn(302, seed=0, **kwargs)[1].numpy())
    assert len(counts) == classes and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", NAMES)
def test_seed_makes_it_repeatable(name: str) -> None:
    X1, y1 = arrays(DATASETS[name](50, seed=3))
    X2, y2 = arrays(DATASETS[name](50, seed=3))
    X3, _ = arrays(DATASETS[name](50, seed=4))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES)
def test_seed_leaves_the_global_generator_alone(name: str) -> None:
    mg.manual_seed(0)
    expected = mg.rand(3).tolist()
    mg.manual_seed(0)
    DATASETS[name](20, seed=1)
    assert mg.rand(3).tolist() == expected


def test_no_seed_draws_fresh_data() -> None:
    assert not np.array_equal(make_moons(50)[0].numpy(), make_moons(50)[0].numpy())


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_points_are_shuffled(name: str) -> None:
    y = DATASETS[name](200, seed=0)[1].numpy()
    assert 0 < y[:100].sum() < 100  # not the first half all one class


# ----- noise = 0: exact geometry ------------------------------------------------------------------
def test_moons_lie_on_their_arcs() -> None:
    X, y = arrays(make_moons(201, noise=0.0, seed=0))
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    assert len(upper) == 100 and len(lower) == 101
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-6)
    assert (upper[:, 1] >= -1e-7).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-6)
    assert (lower[:, 1] <= 0.5 + 1e-7).all()
    # the arcs run end to end: x from -1 to 1 above, from 0 to 2 below
    assert X[y == 0, 0].min() == pytest.approx(-1) and X[y == 0, 0].max() == pytest.approx(1)
    assert X[y == 1, 0].min() == pytest.approx(0) and X[y == 1, 0].max() == pytest.approx(2)


@pytest.mark.parametrize("factor", [0.3, 0.5, 0.8])
def test_circles_radii(factor: float) -> None:
    X, y = arrays(make_circles(200, noise=0.0, factor=factor, seed=0))
    r = np.hypot(*X.astype(np.float64).T)
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(r[y == 1], factor, rtol=1e-6)


def _inside(points: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Barycentric coordinates all >= 0 (an independent test from the dataset's side signs)."""
    v0, v1, v2 = c - a, b - a, points - a
    d00, d01, d11 = v0 @ v0, v0 @ v1, v1 @ v1
    d20, d21 = v2 @ v0, v2 @ v1
    denom = d00 * d11 - d01 * d01
    u = (d11 * d20 - d01 * d21) / denom
    v = (d00 * d21 - d01 * d20) / denom
    return (u >= 0) & (v >= 0) & (u + v <= 1)


@pytest.mark.parametrize(
    "vertices",
    [
        None,
        np.array([[-0.5, -0.5], [0.9, 0.0], [-0.2, 0.9]]),
        np.array([[0.0, 0.8], [0.8, -0.6], [-0.8, -0.6]]),  # clockwise
    ],
)
def test_triangle_labels_are_point_in_triangle(vertices: np.ndarray | None) -> None:
    kwargs = {} if vertices is None else {"vertices": vertices}
    X, y = make_triangle(1000, seed=0, **kwargs)
    tri = np.array([[-0.8, -0.6], [0.8, -0.6], [0.0, 0.8]]) if vertices is None else vertices
    pts = X.numpy().astype(np.float64)
    np.testing.assert_array_equal(y.numpy(), _inside(pts, *tri).astype(np.int64))
    assert (np.abs(pts) <= 1).all()


def test_xor_labels_follow_the_signs() -> None:
    X, y = arrays(make_xor(500, noise=0.0, seed=0))
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64))
    assert np.abs(X).min() >= 0.05 - 1e-7  # a margin around the axes
    assert np.abs(X).max() <= 1.05 + 1e-6
    quadrants = {(bool(a > 0), bool(b > 0)) for a, b in X}
    assert len(quadrants) == 4


def test_xor_noise_blurs_the_margin() -> None:
    X, y = arrays(make_xor(500, noise=0.2, seed=0))
    wrong = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64) != y
    assert 0 < wrong.sum() < 0.2 * len(y)  # labels come from the clean points


def test_spiral_arms() -> None:
    X, y = arrays(make_spiral(300, classes=3, noise=0.0, seed=0))
    r = np.hypot(*X.astype(np.float64).T)
    for k in range(3):
        rk = r[y == k]
        assert rk.min() == pytest.approx(0.05, rel=1e-5) and rk.max() == pytest.approx(1.0)
        # each arm starts at its own angle, 2 pi k / classes apart
        start = X[y == k][np.argmin(rk)]
        assert np.arctan2(start[0], start[1]) % (2 * np.pi) == pytest.approx(
            (2 * np.pi * k / 3) % (2 * np.pi), abs=1e-5
        )


def test_gaussian_centres() -> None:
    X, y = arrays(make_gaussians(4000, centers=4, spread=0.3, radius=2.0, seed=0))
    for k in range(4):
        angle = 2 * np.pi * k / 4
        np.testing.assert_allclose(
            X[y == k].mean(0), [2 * np.cos(angle), 2 * np.sin(angle)], atol=0.05
        )
        assert X[y == k].std(0) == pytest.approx([0.3, 0.3], rel=0.1)


def test_noise_moves_points_off_the_arcs() -> None:
    X, y = arrays(make_moons(400, noise=0.1, seed=0))
    r = np.hypot(*X[y == 0].T)
    assert 0.05 < np.abs(r - 1).mean() < 0.15


# ----- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_moons(1), "n must be an int >= 2, got 1"),
        (lambda: make_moons(2.5), "n must be an int >= 2, got 2.5"),
        (lambda: make_circles(0), "n must be an int >= 2, got 0"),
        (lambda: make_spiral(2, classes=3), "n must be an int >= 3, got 2"),
        (lambda: make_gaussians(3, centers=4), "n must be an int >= 4, got 3"),
        (lambda: make_xor(0), "n must be an int >= 1, got 0"),
        (lambda: make_triangle(-5), "n must be an int >= 1, got -5"),
        (lambda: make_moons(noise=-0.1), "noise must be >= 0, got -0.1"),
        (lambda: make_circles(noise=-1), "noise must be >= 0, got -1"),
        (lambda: make_xor(noise=-1), "noise must be >= 0, got -1"),
        (lambda: make_triangle(noise=-1), "noise must be >= 0, got -1"),
        (lambda: make_spiral(noise=-1), "noise must be >= 0, got -1"),
        (lambda: make_gaussians(spread=-1), "spread must be >= 0, got -1"),
        (lambda: make_circles(factor=1.0), "factor must be between 0 and 1, got 1.0"),
        (lambda: make_circles(factor=0), "factor must be between 0 and 1, got 0"),
        (
            lambda: make_dataset("spirals"),
            "unknown dataset 'spirals'; choose one of ['circles', "
            "'gaussians', 'moons', 'spiral', 'triangle', 'xor']",
        ),
    ],
)
def test_bad_arguments(call, message: str) -> None:
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


# ----- make_dataset -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_make_dataset_by_name(name: str) -> None:
    got = arrays(make_dataset(name, n=60, seed=5))
    want = arrays(DATASETS[name](60, seed=5))
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


@pytest.mark.parametrize("name", ["moons", "circles", "spiral", "xor", "triangle"])
def test_make_dataset_passes_noise(name: str) -> None:
    got = make_dataset(name, n=60, noise=0.3, seed=5)[0].numpy()
    np.testing.assert_array_equal(got, DATASETS[name](60, noise=0.3, seed=5)[0].numpy())


def test_make_dataset_ignores_noise_for_gaussians() -> None:
    np.testing.assert_array_equal(
        make_dataset("gaussians", 40, noise=0.3, seed=2)[0].numpy(),
        make_gaussians(40, seed=2)[0].numpy(),
    )


def test_make_dataset_default_size() -> None:
    assert make_dataset("spiral", seed=0)[0].shape == (200, 2)


# ----- TensorDataset / DataLoader ---------------------------------------------------------------
def _dataset(n: int = 10) -> TensorDataset:
    return TensorDataset(mg.arange(2.0 * n).reshape(n, 2), mg.arange(n))


def test_tensor_dataset() -> None:
    ds = _dataset()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and y.item() == 3
    xs, ys = ds[2:4]
    assert xs.shape == (2, 2) and ys.tolist() == [2, 3]
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(mg.ones(3, 2), mg.ones(4))


@pytest.mark.parametrize(
    ("batch_size", "drop_last", "sizes"),
    [
        (3, False, [3, 3, 3, 1]),
        (3, True, [3, 3, 3]),
        (5, False, [5, 5]),
        (5, True, [5, 5]),
        (1, False, [1] * 10),
        (10, False, [10]),
        (20, False, [10]),
        (20, True, []),
    ],
)
def test_batches(batch_size: int, drop_last: bool, sizes: list[int]) -> None:
    loader = DataLoader(_dataset(), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert [len(y) for _, y in batches] == sizes and len(loader) == len(sizes)
    if sizes and not drop_last:  # in order, everything once
        assert np.concatenate([y.numpy() for _, y in batches]).tolist() == list(range(10))
    for x, y in batches:
        assert x.dtype == mg.float32 and y.dtype == mg.int64 and x.shape == (len(y), 2)
        np.testing.assert_array_equal(x.numpy()[:, 0], 2 * y.numpy())  # rows stay together


def test_shuffle_is_a_permutation_and_seeded() -> None:
    def epoch(loader: DataLoader) -> list[int]:
        return np.concatenate([y.numpy() for _, y in loader]).tolist()

    a = DataLoader(_dataset(), batch_size=4, shuffle=True, seed=0)
    first, second = epoch(a), epoch(a)
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert first != list(range(10)) and first != second  # a new order every epoch
    b = DataLoader(_dataset(), batch_size=4, shuffle=True, seed=0)
    assert epoch(b) == first and epoch(b) == second  # same seed, same orders
    c = DataLoader(_dataset(), batch_size=4, shuffle=True, seed=1)
    assert epoch(c) != first
    for x, y in a:
        np.testing.assert_array_equal(x.numpy()[:, 0], 2 * y.numpy())


def test_shuffle_with_drop_last() -> None:
    loader = DataLoader(_dataset(), batch_size=3, shuffle=True, drop_last=True, seed=0)
    seen = np.concatenate([y.numpy() for _, y in loader])
    assert len(seen) == 9 and len(set(seen.tolist())) == 9 and len(loader) == 3


@pytest.mark.parametrize("batch_size", [0, -1])
def test_bad_batch_size(batch_size: int) -> None:
    with pytest.raises(ValueError) as info:
        DataLoader(_dataset(), batch_size=batch_size)
    assert str(info.value) == (
        f"batch_size should be a positive integer value, but got batch_size={batch_size}"
    )


def test_loader_over_a_generated_dataset() -> None:
    X, y = make_moons(100, seed=0)
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    got = [(bx.shape, by.shape) for bx, by in loader]
    assert got == [((32, 2), (32,))] * 3 + [((4, 2), (4,))]
