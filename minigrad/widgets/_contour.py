"""Contour lines with numpy alone: marching squares over a grid, one segment per crossed cell.

``segments(xs, ys, z, level)`` returns an ``(m, 2, 2)`` array of ``[[x0, y0], [x1, y1]]``; no
need to join them into polylines to draw them.
"""

from __future__ import annotations

import numpy as np


def segments(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, level: float) -> np.ndarray:
    """Pieces of the line ``z == level``; ``z[i, j]`` is the value at ``(xs[j], ys[i])``."""
    above = z >= level
    x0, x1 = xs[:-1][None, :], xs[1:][None, :]
    y0, y1 = ys[:-1][:, None], ys[1:][:, None]
    z00, z01, z10, z11 = z[:-1, :-1], z[:-1, 1:], z[1:, :-1], z[1:, 1:]
    a00, a01, a10, a11 = above[:-1, :-1], above[:-1, 1:], above[1:, :-1], above[1:, 1:]

    def cut(za: np.ndarray, zb: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(np.nan_to_num((level - za) / (zb - za)), 0.0, 1.0)

    shape = z00.shape
    # crossing points on the four sides of every cell: bottom, right, top, left
    pts = np.stack([
        np.stack([x0 + (x1 - x0) * cut(z00, z01), np.broadcast_to(y0, shape)], -1),
        np.stack([np.broadcast_to(x1, shape), y0 + (y1 - y0) * cut(z01, z11)], -1),
        np.stack([x0 + (x1 - x0) * cut(z10, z11), np.broadcast_to(y1, shape)], -1),
        np.stack([np.broadcast_to(x0, shape), y0 + (y1 - y0) * cut(z00, z10)], -1),
    ], axis=2).reshape(-1, 4, 2)  # fmt: skip
    crossed = np.stack([a00 != a01, a01 != a11, a10 != a11, a00 != a10], -1).reshape(-1, 4)
    count = crossed.sum(1)

    two = np.nonzero(count == 2)[0]
    first = np.argsort(~crossed[two], axis=1, kind="stable")[:, :2]
    out = [np.stack([pts[two, first[:, 0]], pts[two, first[:, 1]]], 1)]

    four = np.nonzero(count == 4)[0]  # saddle: the centre decides which corners connect
    if four.size:
        centre = ((z00 + z01 + z10 + z11) / 4).reshape(-1)[four] >= level
        joined = centre == a00.reshape(-1)[four]  # 00 and 11 connected through the centre
        p, j = pts[four], joined[:, None]
        # joined: corners 01 and 10 are cut off (bottom-right, top-left); else 00 and 11
        out.append(np.stack([p[:, 0], np.where(j, p[:, 1], p[:, 3])], 1))
        out.append(np.stack([p[:, 2], np.where(j, p[:, 3], p[:, 1])], 1))
    return np.concatenate(out, 0)


def levels(z: np.ndarray, n: int = 10) -> np.ndarray:
    """``n`` levels spread like the values (quantiles), denser near the minimum."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.zeros(0)
    q = np.linspace(0.0, 1.0, n + 2)[1:-1] ** 2 * 0.9
    return np.unique(np.quantile(finite, q))
