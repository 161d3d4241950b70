"""``torch.cuda`` as seen by a CPU-only build: no GPU here, so code can pick the CPU itself
(``device = "cuda" if torch.cuda.is_available() else "cpu"``)."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0
