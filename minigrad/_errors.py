"""Errors that keep PyTorch's exact message and add a beginner's hint beside it.

``str(error)`` is PyTorch's text, so learners can search for it and parity tests compare it; the
hint is attached as an exception note (PEP 678), which tracebacks and Jupyter show below it.
Hints are written in English and shown in the language of ``minigrad.i18n.get_language()``
(translations in ``_hints_ru``).
"""

from __future__ import annotations

from ._hints_ru import RU
from .i18n import Catalog, get_language

HINTS = Catalog({"ru": RU})
PREFIX = {"en": "minigrad hint: ", "ru": "подсказка minigrad: "}


def with_hint(error: BaseException, hint: str | None) -> BaseException:
    if hint:
        lang = get_language()
        error.add_note(PREFIX[lang] + HINTS.translate(hint, lang))
    return error


def runtime_error(message: str, hint: str | None = None) -> RuntimeError:
    return with_hint(RuntimeError(message), hint)  # type: ignore[return-value]


def type_error(message: str, hint: str | None = None) -> TypeError:
    return with_hint(TypeError(message), hint)  # type: ignore[return-value]


def index_error(message: str, hint: str | None = None) -> IndexError:
    return with_hint(IndexError(message), hint)  # type: ignore[return-value]


def value_error(message: str, hint: str | None = None) -> ValueError:
    return with_hint(ValueError(message), hint)  # type: ignore[return-value]


def dim_out_of_range(dim: int, ndim: int) -> IndexError:
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    return index_error(
        f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
    )


def normalize_dim(dim: int, ndim: int) -> int:
    """A dim in [-ndim, ndim) as a non-negative index; 0-dim tensors accept -1 and 0."""
    n = max(ndim, 1)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise type_error(f"dim must be an int, got {type(dim).__name__}")
    if dim < -n or dim >= n:
        raise dim_out_of_range(dim, ndim)
    return dim % n
