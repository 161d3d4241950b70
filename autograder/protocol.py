"""Messages between the trusted grader and the sandboxed process: a JSON header plus numpy
arrays (an ``.npz`` read with ``allow_pickle=False``, so the sandbox can send data, never code).

Frame: 8-byte length of the JSON, the JSON, 8-byte length of the npz, the npz.
"""

from __future__ import annotations

import io
import json
import os
import select
import time
from typing import Any

import numpy as np

MAX_BYTES = 64 * 2**20  # a message larger than this is a broken (or hostile) sandbox


class ChannelClosed(EOFError):
    """The other side exited (or closed its end) before a whole message arrived."""


class ChannelTimeout(TimeoutError):
    """No whole message arrived before the deadline."""


class BadMessage(ValueError):
    """A message that does not follow the protocol."""


def encode(header: dict[str, Any], arrays: dict[str, np.ndarray] | None = None) -> bytes:
    head = json.dumps(header).encode()
    buf = io.BytesIO()
    if arrays:
        np.savez(buf, **arrays)
    body = buf.getvalue()
    return len(head).to_bytes(8, "big") + head + len(body).to_bytes(8, "big") + body


def _decode_arrays(body: bytes) -> dict[str, np.ndarray]:
    if not body:
        return {}
    try:
        with np.load(io.BytesIO(body), allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception as e:  # noqa: BLE001
        raise BadMessage(f"unreadable arrays: {e}") from None


class Reader:
    """Reads whole messages from a file descriptor, with an optional deadline."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = bytearray()

    def _fill(self, n: int, deadline: float | None) -> None:
        while len(self.buf) < n:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    raise ChannelTimeout()
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise ChannelClosed()
            self.buf += chunk

    def _take(self, n: int, deadline: float | None) -> bytes:
        self._fill(n, deadline)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _length(self, deadline: float | None) -> int:
        n = int.from_bytes(self._take(8, deadline), "big")
        if n > MAX_BYTES:
            raise BadMessage(f"message of {n} bytes")
        return n

    def read(self, deadline: float | None = None) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        head = self._take(self._length(deadline), deadline)
        body = self._take(self._length(deadline), deadline)
        try:
            header = json.loads(head)
        except ValueError:
            raise BadMessage("unreadable header") from None
        if not isinstance(header, dict):
            raise BadMessage("header is not an object")
        return header, _decode_arrays(body)


def write(fd: int, header: dict[str, Any], arrays: dict[str, np.ndarray] | None = None) -> None:
    data = memoryview(encode(header, arrays))
    while data:
        n = os.write(fd, data)
        data = data[n:]
