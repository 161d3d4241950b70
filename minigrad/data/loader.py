"""``TensorDataset`` and a small ``DataLoader`` (mini-batches, optional shuffling)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .._errors import value_error
from .._tensor import Tensor


class TensorDataset:
    """Rows of several tensors taken together: ``dataset[i] == (X[i], y[i])``."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise value_error("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class DataLoader:
    """Mini-batches of a TensorDataset; ``shuffle`` draws a new order each epoch."""

    def __init__(self, dataset: TensorDataset, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, seed: int | None = None) -> None:  # fmt: skip
        if batch_size < 1:
            raise value_error(f"batch_size should be a positive integer value, but got "
                              f"batch_size={batch_size}")  # fmt: skip
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.drop_last = shuffle, drop_last
        self._rng = np.random.default_rng(seed)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n = len(self.dataset)
        order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            yield tuple(Tensor._wrap(t._data[idx]) for t in self.dataset.tensors)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
