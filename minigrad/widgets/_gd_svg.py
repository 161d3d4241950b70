"""SVG pictures of gradient descent, built as text (no matplotlib).

One variable: the loss curve, the path so far, the current point, its tangent and the step it
takes. Two variables: contour lines, the path and the step. Elements carry classes
(``curve``, ``contour``, ``path``, ``current``, ``tangent``, ``step``) for tests and styling.
"""

from __future__ import annotations

import hashlib
import math
from html import escape

import numpy as np

from minigrad.viz.labels import fmt_scalar
from minigrad.viz.svg import FONT_FAMILY, LIGHT

from . import _contour
from .gd_state import GDState

W, H = 520, 340
PAD = (52, 14, 26, 34)  # left, right, top, bottom
CURVE_POINTS = 240
GRID = 72
PATH, STEP = "#d4760a", LIGHT["highlight"]


class Frame:
    """Maps data coordinates to the plot area (y up)."""

    def __init__(self, xlim: tuple[float, float], ylim: tuple[float, float], w: int, h: int):
        self.xlim, self.ylim, self.w, self.h = xlim, ylim, w, h
        self.x0, self.x1 = PAD[0], w - PAD[1]
        self.y0, self.y1 = PAD[2], h - PAD[3]

    def x(self, v: float) -> float:
        lo, hi = self.xlim
        return self.x0 + (v - lo) / (hi - lo) * (self.x1 - self.x0)

    def y(self, v: float) -> float:
        lo, hi = self.ylim
        return self.y1 - (v - lo) / (hi - lo) * (self.y1 - self.y0)

    def xy(self, px: float, py: float) -> str:
        return f"{_n(self.x(px))},{_n(self.y(py))}"


def draw(state: GDState, step: int | None = None, *, title: str = "") -> str:
    """The picture for ``step`` (default: the state's)."""
    k = state.at(step)
    return _draw_1d(state, k, title) if state.dim == 1 else _draw_2d(state, k, title)


def _draw_1d(state: GDState, k: int, title: str) -> str:
    xlim = tuple(state.bounds[0])
    xs = np.linspace(*xlim, CURVE_POINTS)
    ys = state.values(xs)
    finite = ys[np.isfinite(ys)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = (hi - lo) * 0.08 or 1.0
    fr = Frame(xlim, (lo - pad, hi + pad), W, H)
    run = state.run
    parts = [_curve(fr, xs, ys)]
    pts = [(run.points[i, 0], run.losses[i]) for i in range(min(k + 1, len(run.losses)))]
    parts.append(_path(fr, pts))
    x, y = pts[-1]
    slope, icpt = state.tangent(k)
    span = (xlim[1] - xlim[0]) * 0.18
    parts.append(f'<line class="tangent" data-slope="{slope!r}" x1="{_n(fr.x(x - span))}" '
                 f'y1="{_n(fr.y(slope * (x - span) + icpt))}" x2="{_n(fr.x(x + span))}" '
                 f'y2="{_n(fr.y(slope * (x + span) + icpt))}" stroke="{LIGHT["grad"]}" '
                 f'stroke-width="1.6"/>')  # fmt: skip
    if k + 1 < len(run.points):
        nx = run.points[k + 1, 0]
        parts.append(_arrow(fr, (x, y), (nx, y), "step"))
        if k + 1 < len(run.losses):
            ny = run.losses[k + 1]
            parts.append(f'<line class="drop" x1="{_n(fr.x(nx))}" y1="{_n(fr.y(y))}" '
                         f'x2="{_n(fr.x(nx))}" y2="{_n(fr.y(ny))}" stroke="{STEP}" '
                         f'stroke-dasharray="3,3"/>')  # fmt: skip
    parts.append(_current(fr, x, y))
    return _frame(fr, parts, title, f"{state.names[0]}", "f")


def _draw_2d(state: GDState, k: int, title: str) -> str:
    (xl, xh), (yl, yh) = state.bounds
    xs, ys = np.linspace(xl, xh, GRID), np.linspace(yl, yh, GRID)
    z = state.values(*np.meshgrid(xs, ys))
    fr = Frame((xl, xh), (yl, yh), 420, 400)
    parts = []
    for i, level in enumerate(_contour.levels(z)):
        segs = _contour.segments(xs, ys, z, float(level))
        d = "".join(f"M{fr.xy(*a)}L{fr.xy(*b)}" for a, b in segs)
        shade = int(200 - 150 * i / 10)
        colour = f"rgb({shade},{shade + 20},230)"
        parts.append(f'<path class="contour" data-level="{fmt_scalar(level)}" d="{d}" '
                     f'fill="none" stroke="{colour}" stroke-width="1"/>')  # fmt: skip
    run = state.run
    pts = [tuple(p) for p in run.points[: k + 1]]
    parts.append(_path(fr, pts))
    if k + 1 < len(run.points):
        parts.append(_arrow(fr, pts[-1], tuple(run.points[k + 1]), "step"))
    parts.append(_current(fr, *pts[-1]))
    return _frame(fr, parts, title, state.names[0], state.names[1])


def _curve(fr: Frame, xs: np.ndarray, ys: np.ndarray) -> str:
    d, pen = [], "M"
    for x, y in zip(xs, ys):
        if not np.isfinite(y):
            pen = "M"
            continue
        d.append(f"{pen}{fr.xy(x, y)}")
        pen = "L"
    return (f'<path class="curve" d="{"".join(d)}" fill="none" stroke="{LIGHT["text"]}" '
            f'stroke-width="2"/>')  # fmt: skip


def _path(fr: Frame, pts: list[tuple[float, float]]) -> str:
    line = " ".join(fr.xy(*p) for p in pts)
    dots = "".join(_dot(fr, *p, "iterate", PATH, 3) for p in pts[:-1])
    return (f'<g class="path" data-points="{len(pts)}"><polyline points="{line}" fill="none" '
            f'stroke="{PATH}" stroke-width="1.4"/>{dots}</g>')  # fmt: skip


def _dot(fr: Frame, x: float, y: float, cls: str, colour: str, r: float) -> str:
    return (f'<circle class="{cls}" cx="{_n(fr.x(x))}" cy="{_n(fr.y(y))}" r="{r}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>')  # fmt: skip


def _current(fr: Frame, x: float, y: float) -> str:
    """The current point; outside the plot, a hollow ring at the border with its position."""
    (xl, xh), (yl, yh) = fr.xlim, fr.ylim
    if xl <= x <= xh and yl <= y <= yh:
        return _dot(fr, x, y, "current", STEP, 5.5)
    cx, cy = min(max(x, xl), xh), min(max(y, yl), yh)
    px, py = fr.x(cx), fr.y(cy)
    anchor = "end" if px > (fr.x0 + fr.x1) / 2 else "start"
    dx = -8 if anchor == "end" else 8
    ring = (f'<circle class="current offscreen" cx="{_n(px)}" cy="{_n(py)}" r="6" fill="none" '
            f'stroke="{STEP}" stroke-width="2"/>')  # fmt: skip
    ty = min(max(py + 4, fr.y0 + 24), fr.y1 - 4)
    where = f"({fmt_scalar(x)}, {fmt_scalar(y)})"
    return ring + _label(px + dx, ty, where, 11, anchor, STEP, "offscreen-label")


def _arrow(fr: Frame, a: tuple[float, float], b: tuple[float, float], cls: str) -> str:
    return (f'<line class="{cls}" x1="{_n(fr.x(a[0]))}" y1="{_n(fr.y(a[1]))}" '
            f'x2="{_n(fr.x(b[0]))}" y2="{_n(fr.y(b[1]))}" stroke="{STEP}" stroke-width="2.2" '
            f'marker-end="url(#\x01-arrow)"/>')  # fmt: skip


def _frame(fr: Frame, parts: list[str], title: str, xname: str, yname: str) -> str:
    """Axes, ticks, a clip box for the data and a title around ``parts``."""
    w, h = fr.w, fr.h
    body = [f'<rect width="100%" height="100%" fill="{LIGHT["background"]}"/>',
            f'<rect x="{fr.x0}" y="{fr.y0}" width="{fr.x1 - fr.x0}" height="{fr.y1 - fr.y0}" '
            f'fill="none" stroke="{LIGHT["muted"]}" stroke-width="0.8"/>']  # fmt: skip
    muted, ink = LIGHT["muted"], LIGHT["text"]
    body += [_label(fr.x(v), fr.y1 + 14, fmt_scalar(v), 10, "middle", muted, "tick")
             for v in _ticks(*fr.xlim)]  # fmt: skip
    body += [_label(fr.x0 - 5, fr.y(v) + 3, fmt_scalar(v), 10, "end", muted, "tick")
             for v in _ticks(*fr.ylim)]  # fmt: skip
    body.append(_label((fr.x0 + fr.x1) / 2, h - 6, xname, 11, "middle", ink, "axis"))
    body.append(_label(12, (fr.y0 + fr.y1) / 2, yname, 11, "start", ink, "axis"))
    body.append(f'<g clip-path="url(#\x01-clip)">{"".join(parts)}</g>')
    body.append(_label(fr.x0, fr.y0 - 9, title, 11, "start", ink, "title"))
    inner = "\n".join(body)
    prefix = "mggd" + hashlib.sha1(inner.encode()).hexdigest()[:10]
    defs = (f'<defs><clipPath id="\x01-clip"><rect x="{fr.x0}" y="{fr.y0}" '
            f'width="{fr.x1 - fr.x0}" height="{fr.y1 - fr.y0}"/></clipPath>'
            f'<marker id="\x01-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
            f'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{STEP}"/>'
            f"</marker></defs>")  # fmt: skip
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" class="minigrad-gd" '
            f'style="max-width:100%;height:auto">')  # fmt: skip
    return (head + defs + inner + "</svg>\n").replace("\x01", prefix)


def _label(x: float, y: float, s: str, size: int, anchor: str, fill: str, cls: str) -> str:
    return (f'<text class="{cls}" x="{_n(x)}" y="{_n(y)}" font-size="{size}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(s)}</text>')  # fmt: skip


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = hi - lo
    if not span > 0 or not math.isfinite(span):
        return []
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((1, 2, 2.5, 5, 10), key=lambda m: abs(m * mag - raw)) * mag
    start = math.ceil(lo / step) * step
    return [round(start + i * step, 12) for i in range(int((hi - start) / step) + 1)]


def _n(v: float) -> str:
    if not math.isfinite(v):
        v = math.copysign(1e6, v) if not math.isnan(v) else 0.0
    v = max(-1e6, min(1e6, v))
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
