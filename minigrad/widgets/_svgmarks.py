"""Small marks added to a ``minigrad.viz.to_svg`` picture: coloured edges, a selection ring.

They edit the SVG text ``to_svg`` writes (one ``<g class="edge ...">`` per edge with
``data-src``/``data-dst``, one ``<g class="node ..." data-node-id=...>`` per box), so the
picture stays static and complete in exported HTML. Options of ``to_svg`` could replace this.
"""

from __future__ import annotations

import re
from collections.abc import Collection

SELECTED = "#8250df"
_EDGE = re.compile(r'<g class="edge [^"]*"[^>]*>.*?</g>', re.S)
_ENDS = re.compile(r'data-src="([^"]*)" data-dst="([^"]*)"')
_PATH = re.compile(r"<path [^>]*/>")
_STROKE = re.compile(r'stroke="[^"]*" stroke-width="[^"]*"')
_MARKER = re.compile(r' marker-end="[^"]*"')


def mark_edges(svg: str, pairs: Collection[tuple[str, str]], colour: str, cls: str) -> str:
    """Draw the edges ``src -> dst`` in ``pairs`` thick in ``colour`` with class ``cls`` (a
    copy of the line on top, so the arrowhead keeps its size)."""
    if not pairs:
        return svg

    def repl(m: re.Match) -> str:
        g = m.group(0)
        ends = _ENDS.search(g)
        path = _PATH.search(g)
        if ends is None or path is None or (ends.group(1), ends.group(2)) not in pairs:
            return g
        line = _STROKE.sub(f'stroke="{colour}" stroke-width="2.4"', path.group(0), count=1)
        line = _MARKER.sub("", line).replace("<path ", f'<path class="{cls}-line" ', 1)
        g = g[: path.end()] + line + g[path.end() :]
        return g.replace('<g class="edge ', f'<g class="edge {cls} ', 1)

    return _EDGE.sub(repl, svg)


def mark_node(svg: str, nid: str, colour: str = SELECTED, cls: str = "selected") -> str:
    """A dashed ring around node ``nid``'s box, and ``cls`` on its group."""
    key = f'data-node-id="{nid}"'
    at = svg.find(key)
    if at < 0:
        return svg
    start = svg.rfind("<g ", 0, at)
    end = svg.find("</g>", at)
    group = svg[start:end]
    size = re.search(r'<rect width="([\d.]+)" height="([\d.]+)"', group)
    if size is None:
        return svg
    w, h = float(size.group(1)), float(size.group(2))
    ring = (f'<rect class="{cls}-ring" x="-4" y="-4" width="{w + 8:g}" height="{h + 8:g}" rx="9" '
            f'fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="5,3"/>')  # fmt: skip
    group = group.replace('class="node ', f'class="node {cls} ', 1) + ring
    return svg[:start] + group + svg[end:]
