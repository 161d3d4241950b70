"""torchviz's ``make_dot``, without needing Graphviz to see the picture.

``make_dot(loss, params=dict(model.named_parameters()))`` returns an object shaped like
``graphviz.Digraph``: ``.source`` is torchviz-style DOT text, Jupyter shows it through minigrad's
own SVG renderer, and ``render()`` calls the ``dot`` program only when it is installed (SVG is
drawn by minigrad otherwise; other formats say how to get Graphviz).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from .._tensor import Tensor
from .graph import Graph, build_graph
from .labels import fmt_shape
from .svg import to_svg

NODE_ATTR = {"align": "left", "fontname": "monospace", "fontsize": "10", "height": "0.2",
             "ranksep": "0.1", "shape": "box", "style": "filled"}  # fmt: skip
INSTALL_HINT = (
    "Install Graphviz and make sure `dot` is on PATH (Debian/Ubuntu: sudo apt install graphviz; "
    "macOS: brew install graphviz; conda: conda install graphviz; others: "
    "https://graphviz.org/download/). minigrad draws SVG itself: use format='svg', or just "
    "display the object in Jupyter."
)


class ExecutableNotFound(RuntimeError):
    """Graphviz's ``dot`` is missing (same name as the ``graphviz`` package's error)."""


def make_dot(
    var: Tensor | Iterable[Tensor],
    params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
    max_attr_chars: int = 50,
    *,
    names: Mapping | None = None,
) -> Dot:
    """The graph of ``var`` as DOT, like ``torchviz.make_dot``: one box per ``grad_fn`` (with
    its saved values when ``show_attrs``), light blue leaves labelled ``name\\n (2, 3)``, an
    ``AccumulateGrad`` box per leaf, darkolivegreen1 outputs, orange saved tensors."""
    tensors = [var] if isinstance(var, Tensor) else list(var)
    graph = build_graph(*tensors, params=params, names=names, show_saved=show_saved)
    return Dot(graph, _body(graph, show_attrs, max_attr_chars))


class Dot:
    """The everyday surface of ``graphviz.Digraph``: ``source``, ``save``, ``render``, ``pipe``,
    ``attr``, ``format``; shown inline in Jupyter without Graphviz."""

    def __init__(self, graph: Graph, body: list[str], filename: str = "Digraph.gv") -> None:
        self.graph, self.body, self.filename, self.directory = graph, body, filename, ""
        self.format = "svg"
        self.graph_attr: dict[str, str] = {}
        self.node_attr = dict(NODE_ATTR)
        self.edge_attr: dict[str, str] = {}
        self.graph_attr["size"] = _size(len(body))

    @property
    def source(self) -> str:
        lines = ["digraph {"]
        for kind, attrs in (("graph", self.graph_attr), ("node", self.node_attr),
                            ("edge", self.edge_attr)):  # fmt: skip
            if attrs:
                lines.append(f"\t{kind} [{_attrs(sorted(attrs.items()))}]")
        return "\n".join(lines + self.body + ["}"]) + "\n"

    def __str__(self) -> str:
        return self.source

    def attr(self, kw: str | None = None, **attrs: Any) -> None:
        """``dot.attr(rankdir='LR')`` or ``dot.attr('node', shape='ellipse')``."""
        target = {None: self.graph_attr, "graph": self.graph_attr, "node": self.node_attr,
                  "edge": self.edge_attr}[kw]  # fmt: skip
        target.update({k: str(v) for k, v in attrs.items()})

    # ----- pictures -----------------------------------------------------------------------
    def svg(self) -> str:
        """minigrad's own SVG of the graph (``rankdir=LR`` is honoured)."""
        direction = "LR" if self.graph_attr.get("rankdir") == "LR" else "TB"
        return to_svg(self.graph, show_values=False, show_grads=False, direction=direction)

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {"image/svg+xml": self.svg(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"<minigrad.viz.Dot: {len(self.graph)} nodes>"

    def save(self, filename: str | None = None, directory: str | None = None) -> str:
        """Write the DOT source; returns its path."""
        path = self._path(filename, directory)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def pipe(self, format: str | None = None) -> bytes:
        """The rendered picture as bytes (SVG without Graphviz; other formats need it)."""
        fmt = format or self.format
        with tempfile.TemporaryDirectory() as tmp:
            with open(self.render(os.path.join(tmp, "g.gv"), format=fmt), "rb") as f:
                return f.read()

    def render(
        self,
        filename: str | None = None,
        directory: str | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
    ) -> str:
        """Save the source and render it to ``<filename>.<format>``; returns that path.

        Uses Graphviz's ``dot`` when it is on PATH. Without it, 'svg' is drawn by minigrad and
        any other format raises :class:`ExecutableNotFound` saying how to install Graphviz.
        """
        if view:
            raise ValueError("view=True is not supported; display the object in Jupyter instead")
        fmt = format or self.format
        exe = shutil.which("dot")
        if exe is None and fmt != "svg":
            raise ExecutableNotFound(
                f"failed to execute 'dot': Graphviz is not installed, and format={fmt!r} needs "
                f"it. {INSTALL_HINT}"
            )
        src = self.save(filename, directory)
        out = f"{src}.{fmt}"
        if exe is None:
            with open(out, "w", encoding="utf-8") as f:
                f.write(self.svg())
        else:
            done = subprocess.run([exe, f"-T{fmt}", "-o", out, src], capture_output=True)
            if done.returncode != 0:
                raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        if cleanup:
            os.remove(src)
        return out

    def _path(self, filename: str | None, directory: str | None) -> str:
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        return os.path.join(self.directory, self.filename)


def _body(graph: Graph, show_attrs: bool, max_attr_chars: int) -> list[str]:
    """Statements in forward order: each node, then the edges into it (torchviz's colours)."""
    fill = {"leaf": "lightblue", "saved": "orange", "output": "darkolivegreen1"}
    into: dict[str, list] = {}
    for e in graph.edges:
        into.setdefault(e.dst, []).append(e)
    lines = []
    for nid, node in graph.nodes.items():
        if node.kind == "op":
            label = _fn_label(node.label, node.attrs if show_attrs else {}, max_attr_chars)
            lines.append(f"\t{nid} [{_attrs([('label', label)])}]")
        elif node.kind in fill:
            label = f"{node.label}\n {fmt_shape(node.shape)}"
            lines.append(f"\t{nid} [{_attrs([('label', label), ('fillcolor', fill[node.kind])])}]")
        if node.name == "AccumulateGrad":  # torchviz shows the leaf's node too
            lines.append(f"\t{nid}_acc [label=AccumulateGrad]")
            lines.append(f"\t{nid} -> {nid}_acc")
        for e in into.get(nid, ()):
            if e.kind == "saved":  # torchviz: fn -> saved, no arrowhead
                lines.append(f"\t{nid} -> {e.src} [dir=none]")
            elif e.kind == "data":
                src = f"{e.src}_acc" if graph.nodes[e.src].name == "AccumulateGrad" else e.src
                lines.append(f"\t{src} -> {nid}")
    return lines


def _fn_label(name: str, attrs: dict[str, str], max_attr_chars: int) -> str:
    """torchviz's ``get_fn_name``: the name, a rule, then ``key: value`` rows."""
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    col1 = max(len(k) for k in attrs)
    col2 = min(max(len(v) for v in attrs.values()), max_attr_chars)
    sep = "-" * max(col1 + col2 + 2, len(name))

    def cut(v: str) -> str:
        return v[: col2 - 3] + "..." if len(v) > col2 else v

    rows = "\n".join(f"{k:<{col1}}: {cut(v):>{col2}}" for k, v in attrs.items())
    return f"{name}\n{sep}\n{rows}"


def _size(n_statements: int) -> str:
    """torchviz's ``resize_graph``: 0.15 inch per statement, at least 12."""
    size = max(12, n_statements * 0.15)
    return f"{size},{size}"


_ID = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")


def _quote(v: str) -> str:
    if _ID.match(v):
        return v
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(items: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"{k}={_quote(str(v))}" for k, v in items)
