"""Frames per second the Playground-like trainer can feed: one frame = train one epoch, compute
the heat map and neuron grids, and serialise the synced traits (what ``Trainer.play`` does per
frame, minus the sleep). Usage: ``python bench/trainer_fps.py [seconds]``."""

from __future__ import annotations

import sys
import time

from minigrad.widgets.trainer import Trainer


def main(seconds: float = 3.0) -> None:
    for config in ({}, {"dataset": "spiral", "n": 300, "hidden": [8, 8, 8, 8, 8, 8]}):
        w = Trainer(config)
        w.step()  # warm up
        frames, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            w.step()
            frames += 1
        fps = frames / (time.perf_counter() - start)
        print(
            f"{config or 'default config'}: {fps:.0f} frames/s "
            f"({1000 / fps:.1f} ms per frame, epoch {w.state.epoch})"
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
