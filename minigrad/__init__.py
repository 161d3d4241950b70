"""minigrad: automatic differentiation you can read, with PyTorch's API.

``import minigrad as torch`` runs course code written for PyTorch and prints what PyTorch
prints; the engine behind it fits in a few small files (see ``autograd/`` and ``ops/``).
"""

from . import _tensor_methods, autograd, cuda, data, nn, optim, return_types
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)  # fmt: skip
from ._device import device
from ._dtypes import (
    bool_ as bool,
)  # fmt: skip
from ._dtypes import (
    dtype,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    promote_types,
    result_type,
    set_default_dtype,
)
from ._printing import get_printoptions, set_printoptions
from ._tensor import Size, Tensor, is_tensor
from .autograd.anomaly_mode import (
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)  # fmt: skip
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)  # fmt: skip
from .ops.arithmetic import (
    add,
    div,
    floor_divide,
    mul,
    neg,
    pow,
    reciprocal,
    remainder,
    square,
    sub,
)  # fmt: skip
from .ops.indexing import index_select, narrow, select
from .ops.linalg import bmm, dot, matmul, mm, mv, outer
from .ops.pointwise import (
    allclose,
    eq,
    equal,
    ge,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    logical_and,
    logical_not,
    logical_or,
    lt,
    masked_fill,
    maximum,
    minimum,
    ne,
    where,
)  # fmt: skip
from .ops.reduction import (
    all,
    any,
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    std,
    sum,
    var,
)  # fmt: skip
from .ops.shape import (
    broadcast_to,
    cat,
    chunk,
    clone,
    flatten,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    transpose,
    unbind,
    unsqueeze,
)  # fmt: skip
from .ops.unary import (
    abs,
    clamp,
    cos,
    exp,
    leaky_relu,
    log,
    log1p,
    relu,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    tanh,
)  # fmt: skip

_tensor_methods.attach()

float = float32
double = float64
long = int64
int = int32
concat = concatenate = cat
clip = clamp
absolute = abs
negative = neg
multiply = mul
divide = true_divide = div
subtract = sub
__version__ = "0.1.0"


def numel(input: Tensor) -> "int":
    return input.numel()


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()
