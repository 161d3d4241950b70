"""``nn.Parameter``: a leaf tensor that a Module registers as something to train."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, VersionCounter


class Parameter(Tensor):
    """A tensor that is a module's parameter; ``requires_grad=True`` unless told otherwise.

    Like PyTorch's, it shares memory with the tensor it was made from.
    """

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            arr, version = np.empty((0,), np.float32), VersionCounter()
        else:
            arr, version = data._data, data._version
        self._init(arr, version)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._wrap(data), requires_grad)
