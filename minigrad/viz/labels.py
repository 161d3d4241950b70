"""Text shown in a node box, and the box size it needs.

Layout and SVG both call ``node_size``, so boxes are measured once by one rule. Text is drawn in
a monospace font, so its width is a character count times a fixed advance: no font metrics.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .graph import GraphNode

# grad_fn short name -> the operator a learner wrote
SYMBOLS = {
    "Add": "+", "Sub": "-", "Rsub": "-", "Mul": "*", "Div": "/", "Neg": "-", "Pow": "**",
    "Mm": "@", "Mv": "@", "Dot": "@", "Bmm": "@", "Remainder": "%",
}  # fmt: skip

# role -> (font size, character advance, line height) in px
FONTS = {"title": (12, 7.3, 16), "sub": (10, 6.1, 13), "value": (11, 6.7, 14),
         "grad": (11, 6.7, 14), "attr": (10, 6.1, 13)}  # fmt: skip
PAD_X, PAD_Y, MIN_W = 9.0, 5.0, 36.0
MAX_CHARS = 44  # longer lines are cut with an ellipsis


@functools.lru_cache(maxsize=512)
def op_names(grad_fn_name: str) -> tuple[str, str]:
    """``'LogSoftmaxBackward0'`` -> ``('log_softmax', 'log_softmax')``, ``'MulBackward0'`` ->
    ``('mul', '*')``: the names a learner typed, recovered from PyTorch's node name."""
    short = re.sub(r"Backwards?\d*$", "", grad_fn_name) or grad_fn_name
    op = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", short).lower()
    return op, SYMBOLS.get(short, op)


def fmt_scalar(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        s = f"{float(v):.4g}"
        return "0" if s == "-0" else s
    return str(v)


def fmt_array(a: np.ndarray, limit: int = MAX_CHARS) -> str:
    """One line: ``-12`` for a scalar, ``[1.5, 2, 3]`` for a small array, cut to ``limit``."""
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt_scalar(a.item())
    s = np.array2string(a, separator=", ", max_line_width=10**6, threshold=10**6,
                        formatter={"float_kind": fmt_scalar})  # fmt: skip
    return cut(" ".join(s.split()), limit)


def fmt_shape(shape: tuple[int, ...] | None) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ")" if shape is not None else "?"


def cut(s: str, limit: int = MAX_CHARS) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


def node_lines(
    node: GraphNode, show_values: bool = True, show_grads: bool = True, show_attrs: bool = False
) -> list[tuple[str, str]]:
    """``(text, role)`` lines of a box: title, shape, ``data ...`` (green), ``grad ...`` (blue)."""
    title = f"{node.var_name}: {node.label}" if node.var_name else node.label
    lines = [(cut(title), "title")]
    if node.shape:  # scalars need no shape line: the value says it all
        lines.append((fmt_shape(node.shape), "sub"))
    if (
        show_values
        and node.value is not None
        and not (node.kind == "constant" and node.label == fmt_array(node.value))
    ):
        lines.append(("data " + fmt_array(node.value, MAX_CHARS - 5), "value"))
    if show_grads and node.grad is not None:
        lines.append(("grad " + fmt_array(node.grad, MAX_CHARS - 5), "grad"))
    if show_attrs:
        lines.extend((cut(f"{k}: {v}"), "attr") for k, v in node.attrs.items())
    return lines


def lines_size(lines: list[tuple[str, str]]) -> tuple[float, float]:
    w = max(len(text) * FONTS[role][1] for text, role in lines) + 2 * PAD_X
    h = sum(FONTS[role][2] for _, role in lines) + 2 * PAD_Y
    return max(w, MIN_W), h


def node_size(node: GraphNode, **flags: bool) -> tuple[float, float]:
    """Width and height of the box ``to_svg`` draws for ``node`` with the same flags."""
    return lines_size(node_lines(node, **flags))
