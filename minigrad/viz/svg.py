"""SVG text for a laid-out graph: self-contained (no fonts, CSS or scripts to fetch).

Course colours: forward values in green, gradients in blue. Every box is a ``<g>`` with
``class="node op"``, ``data-node-id`` and ``data-name`` so a browser test (or a widget's script)
can find it, and a ``<title>`` tooltip. Styles are presentation attributes, never a ``<style>``
element, which would leak into the whole notebook page. Element ids carry a prefix hashed from
the content, so two pictures on one page do not clash and the same graph gives the same string.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .labels import FONTS, PAD_Y, fmt_array, fmt_shape, node_lines
from .layout import Layout, Point
from .layout import layout as make_layout

if TYPE_CHECKING:
    from .graph import Graph, GraphNode

LIGHT = {
    "background": "#ffffff", "text": "#1f2328", "muted": "#6e7781",
    "value": "#1a7f37", "grad": "#0550ae", "highlight": "#d1242f",
    "edge": "#57606a", "saved_edge": "#d4760a", "constant_edge": "#8c959f",
    "leaf": ("#d8ebff", "#3b82f6"), "leaf_nograd": ("#eaeef2", "#8c959f"),
    "op": ("#fff3d1", "#e09b12"), "output": ("#dcf7e3", "#2da44e"),
    "saved": ("#ffeedd", "#e8740c"), "constant": ("#f6f8fa", "#8c959f"),
}  # fmt: skip
DARK = {
    "background": "#1e1e1e", "text": "#e6edf3", "muted": "#9da7b3",
    "value": "#56d364", "grad": "#79c0ff", "highlight": "#ff7b72",
    "edge": "#9da7b3", "saved_edge": "#f0883e", "constant_edge": "#6e7781",
    "leaf": ("#0c2d6b", "#58a6ff"), "leaf_nograd": ("#30363d", "#8b949e"),
    "op": ("#3d2e00", "#d29922"), "output": ("#0f3d1f", "#3fb950"),
    "saved": ("#3d1d00", "#f0883e"), "constant": ("#21262d", "#6e7781"),
}  # fmt: skip
THEMES = {"light": LIGHT, "dark": DARK}
FONT_FAMILY = "DejaVu Sans Mono, Menlo, Consolas, monospace"
ROLE_COLOUR = {"title": "text", "sub": "muted", "value": "value", "grad": "grad", "attr": "muted"}
_P = "\x01"  # id prefix placeholder: escaped text can never contain it


def to_svg(
    graph: Graph,
    layout: Layout | None = None,
    *,
    show_values: bool = True,
    show_grads: bool = True,
    show_attrs: bool = False,
    highlight: str | Iterable[str] | None = None,
    theme: str | Mapping = "light",
    direction: str = "TB",
) -> str:
    """The SVG document for ``graph`` (laid out with the same flags unless ``layout`` is given).

    ``highlight``: node id(s) drawn with a thick red outline (a widget's current step).
    ``theme``: 'light', 'dark' or a dict overriding colours of the light theme.
    """
    flags = dict(show_values=show_values, show_grads=show_grads, show_attrs=show_attrs)
    if layout is None:
        layout = make_layout(graph, direction, **flags)
    colours = _theme(theme)
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    parts = [_defs(colours), f'<rect width="100%" height="100%" fill="{colours["background"]}"/>']
    parts.append('<g class="edges">')
    for i, (edge, route) in enumerate(zip(graph.edges, layout.routes)):
        parts.append(_edge(graph, i, edge, route, layout.direction, colours))
    parts.append('</g><g class="nodes">')
    for nid, node in graph.nodes.items():
        parts.append(_node(node, layout, colours, nid in marked, flags))
    parts.append("</g>")
    body = "\n".join(parts)
    prefix = "mg" + hashlib.sha1(body.encode(errors="replace")).hexdigest()[:10]
    w, h = _n(layout.width), _n(layout.height)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" class="minigrad-graph" '
            f'style="max-width:100%;height:auto">')  # fmt: skip
    return head + "\n" + body.replace(_P, prefix) + "\n</svg>\n"


def _theme(theme: str | Mapping) -> dict:
    if isinstance(theme, str):
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {sorted(THEMES)} or a dict, not {theme!r}")
        return THEMES[theme]
    return {**LIGHT, **theme}


def _defs(c: Mapping) -> str:
    return (
        f'<defs><marker id="{_P}-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{c["edge"]}"/></marker></defs>'
    )


def _edge(graph: Graph, i: int, edge, route: list[Point], direction: str, c: Mapping) -> str:
    src, dst = graph.nodes[edge.src], graph.nodes[edge.dst]
    stroke = {"saved": c["saved_edge"], "constant": c["constant_edge"]}.get(edge.kind, c["edge"])
    extra = ' stroke-dasharray="4,3"' if edge.kind != "data" else ""
    arrow = f' marker-end="url(#{_P}-arrow)"' if edge.kind != "saved" else ""
    shape = fmt_shape(edge.shape) if edge.shape is not None else ""
    slot = f' data-slot="{edge.slot}"' if edge.slot is not None else ""
    tip = f"{src.label} → {dst.label}" + (f" {shape}" if shape else "")
    return (
        f'<g class="edge {edge.kind}" id="{_P}-e{i}" data-src="{edge.src}" data-dst="{edge.dst}"'
        f' data-shape="{_esc(shape)}"{slot}><title>{_esc(tip)}</title>'
        f'<path d="{_path(route, direction)}" fill="none" stroke="{stroke}" stroke-width="1.2"'
        f"{extra}{arrow}/></g>"
    )


def _path(pts: list[Point], direction: str) -> str:
    """Smooth curve through the route: tangents along the flow at every point, like splines."""
    d = [f"M{_n(pts[0][0])},{_n(pts[0][1])}"]
    for (ax, ay), (bx, by) in zip(pts, pts[1:]):
        if direction == "TB":
            my = (ay + by) / 2
            d.append(f"C{_n(ax)},{_n(my)} {_n(bx)},{_n(my)} {_n(bx)},{_n(by)}")
        else:
            mx = (ax + bx) / 2
            d.append(f"C{_n(mx)},{_n(ay)} {_n(mx)},{_n(by)} {_n(bx)},{_n(by)}")
    return " ".join(d)


def _node(node: GraphNode, lay: Layout, c: Mapping, marked: bool, flags: dict) -> str:
    x0, y0, x1, y1 = lay.box(node.id)
    w, h = x1 - x0, y1 - y0
    key = "leaf_nograd" if node.kind == "leaf" and not node.requires_grad else node.kind
    fill, stroke = c[key]
    classes = ["node", node.kind]
    if node.kind == "leaf" and not node.requires_grad:
        classes.append("no-grad")
    if marked:
        classes.append("highlight")
        stroke = c["highlight"]
    dash = {"saved": ' stroke-dasharray="2,2"', "constant": ' stroke-dasharray="4,3"'}
    attrs = [f'class="{" ".join(classes)}"', f'id="{_P}-{node.id}"',
             f'data-node-id="{node.id}"', f'data-kind="{node.kind}"',
             f'data-name="{_esc(node.name if node.kind == "op" else node.label)}"',
             f'data-label="{_esc(node.label)}"']  # fmt: skip
    if node.symbol:
        attrs.append(f'data-op="{_esc(node.symbol)}"')
    if node.order is not None:
        attrs.append(f'data-order="{node.order}"')
    if node.shape is not None:
        attrs.append(f'data-shape="{fmt_shape(node.shape)}"')
    out = [f'<g {" ".join(attrs)} transform="translate({_n(x0)},{_n(y0)})">',
           f"<title>{_esc(_tooltip(node))}</title>",
           f'<rect width="{_n(w)}" height="{_n(h)}" rx="6" fill="{fill}" stroke="{stroke}" '
           f'stroke-width="{2.6 if marked else 1.2}"{dash.get(node.kind, "")}/>']  # fmt: skip
    top = PAD_Y
    for text, role in node_lines(node, **flags):
        size, _, line_h = FONTS[role]
        weight = ' font-weight="bold"' if role == "title" else ""
        baseline = top + line_h / 2 + size * 0.35
        out.append(
            f'<text class="{_ROLE_CLASS[role]}" x="{_n(w / 2)}" y="{_n(baseline)}"'
            f' text-anchor="middle" font-size="{size}"{weight} fill="{c[ROLE_COLOUR[role]]}">'
            f"{_esc(text)}</text>"
        )
        top += line_h
    out.append("</g>")
    return "".join(out)


_ROLE_CLASS = {"title": "label", "sub": "shape", "value": "value", "grad": "grad", "attr": "attr"}


def _tooltip(node: GraphNode) -> str:
    """Everything known about a node, untruncated where it is short enough to read."""
    lines = [f"{node.var_name} = {node.label}" if node.var_name else node.label]
    if node.kind == "op":
        lines.append(f"op: {node.symbol}" + (f" ({node.op})" if node.op != node.symbol else ""))
    if node.shape is not None:
        lines.append(f"shape {fmt_shape(node.shape)}" + (f" {node.dtype}" if node.dtype else ""))
    if node.kind in ("leaf", "output"):
        lines.append(f"requires_grad={node.requires_grad}")
    if node.value is not None:
        lines.append("data " + fmt_array(node.value, 400))
    if node.grad is not None:
        lines.append("grad " + fmt_array(node.grad, 400))
    lines.extend(f"{k}: {v}" for k, v in node.attrs.items())
    if node.order is not None:
        lines.append(f"backward step {node.order}")
    if node.saved_freed:
        lines.append("saved tensors freed by backward()")
    return "\n".join(lines)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(s: str) -> str:
    """XML-escape text and attribute values; drop characters XML 1.0 forbids."""
    s = _CONTROL.sub("", str(s))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _n(v: float) -> str:
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s
