"""Devices: minigrad computes on the CPU only, but device code written for PyTorch still runs.

``minigrad.device("cuda")`` can be created (as in PyTorch); moving a tensor there fails the way
a CPU-only PyTorch build fails, plus a hint.
"""

from __future__ import annotations

from typing import Any

from ._errors import runtime_error, with_hint

_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, "
          "vulkan, mps, meta, hpu, mtia, privateuseone")  # fmt: skip
_HINT = ("minigrad computes with numpy on the CPU only; leave device='cpu' (or drop .to('cuda') "
         "/ .cuda()): the same code runs on a GPU with real PyTorch.")  # fmt: skip


class device:
    """``minigrad.device('cpu')``, ``device('cuda:1')``: a device name, as in PyTorch."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        if name not in _TYPES.split(", "):
            raise runtime_error(
                f"Expected one of {_TYPES} device type at start of device string: {type}"
            )
        self.type, self.index = name, int(number) if number else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_device(d: Any) -> None:
    """Accept the CPU; refuse anything else as CPU-only PyTorch does."""
    kind = device(d).type
    if kind == "cpu":
        return
    if kind == "cuda":
        raise with_hint(AssertionError("Torch not compiled with CUDA enabled"), _HINT)
    raise runtime_error(f"PyTorch is not linked with support for {kind} devices", _HINT)
