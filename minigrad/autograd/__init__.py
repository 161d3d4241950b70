"""Automatic differentiation: the graph (Function, Node), the engine (backward, grad), grad
modes, anomaly detection and numerical gradient checks."""

from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .engine import backward, grad
from .function import AccumulateGrad, Function, FunctionCtx, Node
from .functional import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = [
    "AccumulateGrad", "Function", "FunctionCtx", "GradcheckError", "Node", "backward",
    "detect_anomaly", "enable_grad", "grad", "gradcheck", "gradgradcheck", "inference_mode",
    "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "is_grad_enabled",
    "is_inference_mode_enabled", "no_grad", "set_detect_anomaly", "set_grad_enabled",
]  # fmt: skip
