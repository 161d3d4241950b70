"""``draw(f)``: the one call a notebook needs to see a tensor's history inline."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from .._tensor import Tensor
from .graph import Graph, build_graph
from .layout import Layout, layout
from .svg import to_svg


class Drawing:
    """A laid-out graph and its SVG; Jupyter displays it through ``_repr_svg_``."""

    def __init__(self, graph: Graph, lay: Layout, svg: str) -> None:
        self.graph, self.layout, self.svg = graph, lay, svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {"image/svg+xml": self.svg, "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"<minigrad.viz.Drawing: {len(self.graph)} nodes, {len(self.graph.edges)} edges>"

    def save(self, path: str | os.PathLike) -> str:
        """Write the SVG to ``path`` (returned as a string)."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)
        return os.fspath(path)


def draw(
    *tensors: Tensor,
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    names: Mapping | None = None,
    show_saved: bool = False,
    show_constants: bool = False,
    show_values: bool = True,
    show_grads: bool = True,
    show_attrs: bool = False,
    direction: str = "TB",
    highlight: str | Iterable[str] | None = None,
    theme: str | Mapping = "light",
) -> Drawing:
    """Build, lay out and render the history of ``tensors`` (see ``build_graph`` for naming:
    ``draw(f, names=locals())`` labels every tensor with its variable name)."""
    graph = build_graph(*tensors, params=params, names=names, show_saved=show_saved,
                        show_constants=show_constants)  # fmt: skip
    flags = dict(show_values=show_values, show_grads=show_grads, show_attrs=show_attrs)
    lay = layout(graph, direction, **flags)
    svg = to_svg(graph, lay, highlight=highlight, theme=theme, **flags)
    return Drawing(graph, lay, svg)
