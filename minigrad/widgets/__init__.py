"""Interactive explorers for Jupyter (anywidget views over pure-Python state).

Names load lazily: ``import minigrad`` never needs anywidget or ipywidgets; only touching
``minigrad.widgets.GraphExplorer`` (or another view) imports them.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "GraphExplorer": ".graph_explorer",
    "GradientDescentExplorer": ".gd_explorer",
    "Trainer": ".trainer",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
