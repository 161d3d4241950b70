"""Tensor ``repr`` text, byte-identical to PyTorch 2.13 (``torch/_tensor_str.py``).

Course material shows printed tensors next to PyTorch's, so the algorithm is PyTorch's own:
one formatter per tensor (integer / fixed-point / scientific, common width) decided from the
elements that are actually shown, recursive layout wrapped at ``linewidth``, summarisation
with ``...`` above ``threshold`` elements, and suffixes wrapped onto their own line when needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["format_tensor", "get_printoptions", "printoptions", "set_printoptions"]

# Printed where PyTorch prints "torch."; parity checks map it back, so line lengths are measured
# as if it were "torch." (otherwise a dtype suffix would wrap at a different column).
_MODULE, _TORCH = "minigrad.", "torch."
# dtypes whose name PyTorch leaves out of a non-empty tensor's repr (float32 is the default).
_IMPLICIT_DTYPES = ("float32", "int64", "bool")
_DEFAULT_DTYPE = "float32"


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set print options exactly like ``torch.set_printoptions``.

    As in PyTorch, a profile is applied first, an unknown profile is ignored, and ``sci_mode``
    is always reset (to None = automatic) unless given.
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(_OPTS, name, value)
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    for name, value in given.items():
        if value is not None:
            setattr(_OPTS, name, value)
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current options, as keyword arguments that ``set_printoptions`` accepts."""
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change print options; the previous ones are restored on exit."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """How every element of one tensor is written: decided once, from the shown elements."""

    def __init__(self, shown: np.ndarray) -> None:
        self.floating = shown.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if self.floating:
            self._fit_floats(shown)
        elif shown.size:
            # str() is longest at an extreme value (most digits, or the minus sign; 'False').
            extremes = (shown.min().item(), shown.max().item())
            self.width = max(len(str(v)) for v in extremes)

    def _fit_floats(self, shown: np.ndarray) -> None:
        # Zeros, nan and inf take no part in the decision (but are padded to the width).
        vals = shown[np.isfinite(shown) & (shown != 0)].astype(np.float64)
        if not vals.size:
            return
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if _OPTS.sci_mode is None:
            lo, hi = float(np.abs(vals).min()), float(np.abs(vals).max())
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode
        self.width = max(len(self._text(v)) for v in np.unique(vals).tolist())

    def _text(self, value: float) -> str:
        if self.sci_mode:
            return f"{value:.{_OPTS.precision}e}"
        if self.int_mode:
            # The dot marks a floating tensor; nan/inf already read as non-integers.
            return f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        return f"{value:.{_OPTS.precision}f}"

    def format(self, value: float | int | bool) -> str:
        """One element, right-justified to the common width."""
        text = self._text(value) if self.floating else str(value)
        return text.rjust(self.width)


def _shown_elements(data: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows: first/last ``edgeitems`` along long dims."""
    e = _OPTS.edgeitems
    keep = [np.r_[0:e, n - e : n] if n > 2 * e else np.arange(n) for n in data.shape]
    return data[np.ix_(*keep)] if keep else data


def _vector_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (fmt.width + 2)))
    e = _OPTS.edgeitems
    if summarize and not e:
        items = ["..."]
    elif summarize and len(data) > 2 * e:
        items = [fmt.format(v) for v in data[:e].tolist()]
        items += [" ..."] + [fmt.format(v) for v in data[-e:].tolist()]
    else:
        items = [fmt.format(v) for v in data.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt)
    e, n = _OPTS.edgeitems, len(data)
    if summarize and n > 2 * e:
        rows = [*range(e), None, *range(n - e, n)]
    else:
        rows = list(range(n))
    parts = ["..." if i is None else _body_str(data[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _torch_len(text: str) -> int:
    """Length of ``text`` as PyTorch would print it (``torch.`` instead of ``minigrad.``)."""
    return len(text) - text.count(_MODULE) * (len(_MODULE) - len(_TORCH))


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix``, moving a suffix to its own line when it would pass linewidth."""
    pieces = [text]
    last_line_len = _torch_len(text[text.rfind("\n") + 1 :]) + 2
    for suffix in suffixes:
        if last_line_len + _torch_len(suffix) + 2 > _OPTS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line_len = indent + _torch_len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line_len += _torch_len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def format_tensor(
    data: np.ndarray, dtype_name: str, suffix: str | None = None, prefix: str = "tensor("
) -> str:
    """repr text of a tensor: ``prefix`` + body + suffixes + ``)``.

    ``data`` holds the values (any layout, 0-d or empty allowed), ``dtype_name`` is one of
    float32/float64/int64/int32/bool and is printed as ``dtype=minigrad.<name>`` where PyTorch
    prints ``dtype=torch.<name>``; ``suffix`` (``grad_fn=<...>`` or ``requires_grad=True``) is
    chosen by the caller.
    """
    data = np.asarray(data).astype(dtype_name, copy=False)
    dtype_suffix = f"dtype={_MODULE}{dtype_name}"
    suffixes = []
    if data.size == 0:
        # Nothing to infer the dtype from, so even int64/bool are named.
        if data.ndim != 1:
            suffixes.append(f"size={data.shape}")
        if dtype_name != _DEFAULT_DTYPE:
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            suffixes.append(f"size={data.shape}")
        if dtype_name not in _IMPLICIT_DTYPES:
            suffixes.append(dtype_suffix)
        summarize = data.size > _OPTS.threshold
        fmt = _Formatter(_shown_elements(data) if summarize else data)
        body = _body_str(data, len(prefix), summarize, fmt)
    if suffix is not None:
        suffixes.append(suffix)
    return _add_suffixes(prefix + body, suffixes, len(prefix))
