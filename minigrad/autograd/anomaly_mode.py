"""Anomaly detection: remember where each node was created, check backward for NaN.

With it on, a failing backward (or one that returns NaN) names the forward operation and
prints the user's line (or notebook cell) that created it.
"""

from __future__ import annotations

from typing import Any


class _Anomaly:
    enabled = False
    check_nan = True


def is_anomaly_enabled() -> bool:
    return _Anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _Anomaly.check_nan


def set_detect_anomaly(mode: bool, check_nan: bool = True) -> None:
    _Anomaly.enabled, _Anomaly.check_nan = bool(mode), bool(check_nan)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on while it is active."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        self._prev = (_Anomaly.enabled, _Anomaly.check_nan)
        set_detect_anomaly(True, self.check_nan)

    def __exit__(self, *exc: Any) -> None:
        _Anomaly.enabled, _Anomaly.check_nan = self._prev

    def __call__(self, func: Any) -> Any:
        import functools

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return func(*args, **kwargs)

        return wrapper
