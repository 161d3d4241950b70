"""Devices: minigrad runs on the CPU only, but code that says ``device="cpu"`` should run."""

from __future__ import annotations

from typing import Any

from ._errors import runtime_error


class device:
    """``minigrad.device('cpu')``; asking for another device explains why it is not here."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        check_device(type)
        self.type, self.index = "cpu", index

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) or other == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


def check_device(d: Any) -> None:
    name = d.type if isinstance(d, device) else str(d)
    if name.split(":")[0] != "cpu":
        raise runtime_error(
            "Torch not compiled with CUDA enabled" if name.startswith("cuda") else
            f"Expected one of cpu, cuda, ... device type at start of device string: {name}",
            "minigrad computes with numpy on the CPU only; leave device='cpu' (or drop "
            ".to('cuda') / .cuda()): the same code runs on a GPU with real PyTorch.",
        )  # fmt: skip
