"""Toy datasets generated in code, and mini-batching (``minigrad.data``)."""

from .datasets import (
    DATASETS,
    make_circles,
    make_dataset,
    make_gaussians,
    make_moons,
    make_spiral,
    make_triangle,
    make_xor,
)  # fmt: skip
from .loader import DataLoader, TensorDataset

__all__ = [
    "DATASETS", "DataLoader", "TensorDataset", "make_circles", "make_dataset", "make_gaussians",
    "make_moons", "make_spiral", "make_triangle", "make_xor",
]  # fmt: skip
