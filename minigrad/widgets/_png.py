"""A tiny PNG encoder (zlib + struct): widgets' static pictures need neither Pillow nor
matplotlib."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an ``[h, w, 3]`` (RGB) or ``[h, w, 4]`` (RGBA) uint8 array."""
    img = np.ascontiguousarray(rgb, dtype=np.uint8)
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(f"expected an [h, w, 3|4] array, got shape {img.shape}")
    h, w, c = img.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), img.reshape(h, w * c)], axis=1)
    header = struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + _chunk(b"IEND", b""))  # fmt: skip


def png_base64(rgb: np.ndarray) -> str:
    """The PNG as base64 text, as a mimebundle's ``image/png`` wants it."""
    return base64.b64encode(encode_png(rgb)).decode("ascii")
