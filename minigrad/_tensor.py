"""The Tensor: a numpy array plus what autograd needs to know about it.

A tensor holds its values (``_data``, a numpy array it may share with views), whether it
requires grad, the node that produced it (``grad_fn``), its gradient (``grad``) and a version
counter shared with its views, bumped by every in-place change, so that backward can tell when a
value it saved was overwritten. Operations are attached as methods in ``_tensor_methods.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import _dtypes
from ._dtypes import dtype as DType
from ._errors import runtime_error, type_error
from ._printing import format_tensor


class VersionCounter:
    """Shared by a tensor, its views and its ``detach()`` aliases (not by ``.data``).

    ``x._version`` reads like PyTorch's int (``x._version == 1``, prints ``1``) while staying one
    shared object that every alias bumps.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def bump(self) -> None:
        self.value += 1

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, VersionCounter) else other)

    def __hash__(self) -> int:
        return id(self)

    def __int__(self) -> int:
        return self.value

    __index__ = __int__

    def __repr__(self) -> str:
        return str(self.value)


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minigrad.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"minigrad.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __getitem__(self, key: Any) -> Any:  # slicing a Size gives a Size
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r


_BASE_MODIFIED = (
    "its base or another view of its base has been modified inplace with grad mode enabled"
)


def nograd_view_error(what: str) -> RuntimeError:
    """PyTorch's refusal for a view made under no_grad (see ``Tensor._become_nograd_view``)."""
    return runtime_error(
        f"A view was created in no_grad mode and {what}. Given that this use case is ambiguous "
        "and error-prone, it is forbidden. You can clarify your code by moving both the view and "
        "the inplace either both inside the no_grad block (if you don't want the inplace to be "
        "tracked) or both outside (if you want the inplace to be tracked)."
    )


def _float_only_message(kind: str) -> str:
    return f"{kind} Tensors of floating point dtype can require gradients"


class Tensor:
    """A multi-dimensional array that can record how it was computed (PyTorch's ``Tensor``)."""

    __slots__ = (
        "_data", "_requires_grad", "_grad_fn", "_output_nr", "_grad", "_version", "_base",
        "_view_chain", "_view_ver", "_acc", "_hooks", "_retains_grad", "__weakref__",
        "_nograd_view",  # set on views only (see _become_view_of)
    )  # fmt: skip
    __array_priority__ = 1000  # ndarray + Tensor dispatches to Tensor.__radd__

    def __init__(self, *args: Any, dtype: DType | None = None) -> None:
        """Legacy constructor: ``Tensor(2, 3)`` is uninitialised (zeros here), ``Tensor(data)``
        copies data as float32."""
        d = dtype or _dtypes.float32
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            from ._creation import to_array

            data = to_array(args[0], d)
        elif all(isinstance(a, (int, np.integer)) for a in args):
            data = np.zeros(tuple(int(a) for a in args), dtype=d.np)
        else:
            raise type_error(
                f"new(): invalid data type '{type(args[0]).__name__}'",
                "use minigrad.tensor(data) for data, minigrad.empty(*sizes) for a shape.",
            )
        self._init(data, VersionCounter())

    def _init(self, data: np.ndarray, version: VersionCounter) -> None:
        self._data = data
        self._version = version
        self._requires_grad = False
        self._grad_fn = None
        self._output_nr = 0
        self._grad = None
        self._base = None
        self._view_chain = None
        self._view_ver = 0
        self._acc = None
        self._hooks = None
        self._retains_grad = False

    @staticmethod
    def _wrap(data: np.ndarray, version: VersionCounter | None = None) -> Tensor:
        """Fast internal constructor around an array of a supported dtype (no copy)."""
        t = object.__new__(Tensor)
        t._init(data, version if version is not None else VersionCounter())
        return t

    # ----- views ---------------------------------------------------------------------------
    def _become_view_of(self, src: Tensor, fn_cls: Any, params: tuple) -> None:
        """Share src's memory and version counter and remember how to redo the view."""
        self._base = src._base if src._base is not None else src
        self._version = src._version
        self._view_chain = (src._view_chain or ()) + ((fn_cls, params),)
        self._view_ver = src._version.value
        self._nograd_view = False

    def _become_nograd_view(self) -> None:
        """A view of a tensor that requires grad, made under no_grad: as in PyTorch it reads as
        a leaf that requires grad (ops on it record a graph), yet no gradient reaches it or its
        base; modifying it in place with grad mode on is refused, and once it or its base has
        been modified in place (in any mode) its history is invalid: reading ``grad_fn`` fails."""
        self._nograd_view = True

    def _refresh_view(self) -> None:
        """After an in-place change of its base, a view's history runs through the base's new
        history (PyTorch names the regenerated node ``AsStridedBackward0``)."""
        self._view_ver = self._version.value
        base = self._base
        if base._grad_fn is not None:
            from .ops.shape import as_strided_view

            self._grad_fn, self._requires_grad = as_strided_view(base, self), True
            self._output_nr = 0

    def _is_view(self) -> bool:
        return self._base is not None

    # ----- autograd attributes ---------------------------------------------------------------
    @property
    def grad_fn(self) -> Any:
        if self._base is not None and self._version.value != self._view_ver:
            if self._nograd_view:
                raise nograd_view_error(_BASE_MODIFIED)
            self._refresh_view()
        return self._grad_fn

    @property
    def requires_grad(self) -> bool:
        if self._base is not None:
            if self._nograd_view:  # (its history is never regenerated: see grad_fn)
                return self._requires_grad or self._base.requires_grad
            if self._version.value != self._view_ver:
                self._refresh_view()
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._set_requires_grad(value, "only Tensors of floating point and complex dtype can "
                                "require gradients")  # fmt: skip

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self._set_requires_grad(requires_grad, _float_only_message("only"))
        return self

    def _set_requires_grad(self, value: bool, int_message: str) -> None:
        if self.grad_fn is not None:
            if value:
                return
            raise runtime_error(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().",
            )
        if value and not self._data.dtype.kind == "f":
            raise runtime_error(int_message, "convert first, e.g. x = x.float().")
        self._requires_grad = bool(value)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self._grad is None and self._grad_fn is not None and not self._retains_grad:
            import warnings

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed "
                "want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() "
                "on the non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise type_error(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise runtime_error(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise runtime_error(
                    f"attempting to assign a gradient with dtype '{value.dtype.c_name}' "
                    f"to a tensor with grad_dtype '{self.dtype.scalar_name}'. The gradient "
                    "must match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
                    "set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
                    "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match."
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` of a non-leaf after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise runtime_error("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self.grad_fn._retain_grad_of(self._output_nr, self)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Any:
        """``hook(grad)`` runs when this tensor's gradient is computed; a returned tensor
        replaces the gradient."""
        if not self.requires_grad:
            raise runtime_error("cannot register a hook on a tensor that doesn't require gradient")
        fn = self.grad_fn
        if fn is not None:
            return fn._add_tensor_hook(self._output_nr, hook)
        from .autograd.function import _RemovableHandle

        if self._hooks is None:
            self._hooks = []
        return _RemovableHandle(self._hooks, hook)

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def detach(self) -> Tensor:
        """Same memory and version counter, no history, ``requires_grad=False``."""
        return Tensor._wrap(self._data, self._version)

    def detach_(self) -> Tensor:
        if self._base is not None and self.grad_fn is not None:
            raise runtime_error(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn, self._requires_grad, self._output_nr = None, False, 0
        return self

    @property
    def data(self) -> Tensor:
        """Same memory, *separate* version counter: changes through it are invisible to
        autograd (and can silently give wrong gradients). Prefer ``detach()``."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise type_error(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    # ----- metadata ----------------------------------------------------------------------------
    @property
    def dtype(self) -> DType:
        return _dtypes._BY_NUMPY[self._data.dtype]

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        from ._errors import normalize_dim

        if self._data.ndim == 0:
            from ._errors import index_error

            raise index_error("Dimension specified as 0 but tensor has no dimensions")
        return self._data.shape[normalize_dim(dim, self._data.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def ndimension(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def nelement(self) -> int:
        return int(self._data.size)

    def element_size(self) -> int:
        return int(self._data.itemsize)

    def stride(self, dim: int | None = None) -> Any:
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[dim]

    def is_contiguous(self) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def device(self) -> Any:
        from ._device import device

        return device("cpu")

    @property
    def is_cuda(self) -> bool:
        return False

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return "minigrad." + self.dtype._tensor_type
        return self.to(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise type_error("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise type_error("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    # ----- conversion to Python and numpy ------------------------------------------------------
    def item(self) -> Any:
        if self._data.size != 1:
            raise runtime_error(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar",
                "item() is for one-element tensors; use .tolist() for all values.",
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array, sharing memory (changes show on both sides)."""
        if self.requires_grad and not force:
            raise runtime_error(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def _scalar(self) -> Any:
        if self._data.size != 1:
            from ._errors import value_error

            raise value_error("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise type_error(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self._data.reshape(()).item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise runtime_error(
                "Boolean value of Tensor with more than one value is ambiguous",
                "use .any() or .all() to reduce a comparison to one truth value.",
            )
        return bool(self._data.reshape(()).item())

    # ----- printing ----------------------------------------------------------------------------
    def __repr__(self, *, tensor_contents: Any = None) -> str:
        try:
            fn = self.grad_fn
        except RuntimeError:  # a no_grad view modified in place, printed as PyTorch does
            return format_tensor(self._data, self.dtype.name, "grad_fn=<Invalid>")
        if fn is not None:
            suffix = f"grad_fn=<{fn.name()}>"
        elif self.requires_grad:
            suffix = "requires_grad=True"
        else:
            suffix = None
        return format_tensor(self._data, self.dtype.name, suffix)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise type_error("unsupported format string passed to Tensor.__format__")
        return str(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self.grad_fn is not None:
            raise runtime_error(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment.  If you were attempting to deepcopy a module, "
                "this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        new = type(self).__new__(type(self))
        Tensor._init(new, self._data.copy(), VersionCounter())
        new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = Tensor._wrap(self._grad._data.copy())
        for k, v in getattr(self, "__dict__", {}).items():
            import copy

            new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(data)
    t._requires_grad = requires_grad
    return t


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)
