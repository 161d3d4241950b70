"""Named tuples returned by ``max(dim)``, ``min(dim)`` and friends (``torch.return_types``)."""

from __future__ import annotations

from typing import Any, NamedTuple


def _repr(self: Any) -> str:
    name = type(self).__name__
    return f"minigrad.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"


class max(NamedTuple):  # noqa: A001 - PyTorch's name
    values: Any
    indices: Any

    __repr__ = _repr


class min(NamedTuple):  # noqa: A001
    values: Any
    indices: Any

    __repr__ = _repr


class sort(NamedTuple):
    values: Any
    indices: Any

    __repr__ = _repr


class topk(NamedTuple):
    values: Any
    indices: Any

    __repr__ = _repr
