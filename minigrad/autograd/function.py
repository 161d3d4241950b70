"""The graph: ``Function`` (what learners write), ``Node`` (what ``grad_fn`` is), saved tensors.

A forward call through ``Function.apply`` produces output tensors and, when grad mode is on and
some input requires grad, one backward node linked to the inputs' nodes::

    x (leaf) ──> AccumulateGrad ─┐
                                 ├── MulBackward0  <── y = x * w   (y.grad_fn)
    w (leaf) ──> AccumulateGrad ─┘

The node *is* the ``ctx`` the forward received: what ``forward`` saved on it is what ``backward``
reads. Every operation in minigrad, from ``+`` to ``softmax``, is such a Function.
"""

from __future__ import annotations

import itertools
import os
import re
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .._errors import runtime_error
from .._tensor import Tensor, nograd_view_error
from . import anomaly_mode
from .grad_mode import _State

_sequence = itertools.count()
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)
FREED_HINT = (
    "each backward() frees what the forward pass saved; recompute the forward pass (usually "
    "inside your loop) or pass retain_graph=True to the first backward()."
)


def short_name(node: Node) -> str:
    """``AddBackward0`` -> ``Add``: how PyTorch names a node inside error messages (CopySlices
    keeps its C++ name there)."""
    name = node.name()
    if name == "CopySlices":
        return "torch::autograd::CopySlices"
    return re.sub(r"Backward\d*$", "", name)


class Node:
    """One step of the backward pass: ``grad_fn`` of a tensor, ``next_functions`` its inputs."""

    # what every node has lives in slots; the rest (ctx.dim, hooks) in a __dict__ made lazily
    __slots__ = ("_next", "_seq", "needs_input_grad", "_saved", "_to_save", "__dict__",
                 "__weakref__")  # fmt: skip

    _inputs: int | None = None  # how many leading forward args count as inputs in next_functions

    # rarely set: class-level defaults keep node creation cheap
    _num_outputs = 1
    _materialize = True  # False after ctx.set_materialize_grads(False): unused outputs get None
    _tensor_pre_hooks: dict[int, list[Callable]] | None = None
    _retained: dict[int, weakref.ref] | None = None
    _hooks: list[Callable] | None = None
    _pre_hooks: list[Callable] | None = None
    _trace: list[str] | None = None

    def __init__(self) -> None:
        # one entry per forward argument: None, or (node, output_nr, shape, dtype) of the input
        self._next: list[tuple[Node, int, tuple[int, ...], Any] | None] = []
        self._seq = next(_sequence)
        self.needs_input_grad: tuple[bool, ...] = ()
        self._saved: list[Any] | None = ()
        self._to_save: tuple | None = None  # what forward passed to save_for_backward

    def name(self) -> str:
        return type(self).__name__

    def _input_positions(self) -> list[int]:
        """Which forward arguments are listed in ``next_functions`` (tensors and operands,
        not parameters such as ``dim``)."""
        n = len(self._next)
        if self._inputs is not None:
            return list(range(min(self._inputs, n)))
        if "_arg_is_tensor" in self.__dict__:
            return [i for i, is_t in enumerate(self._arg_is_tensor) if is_t]
        return list(range(n))

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        edges = self._next
        return tuple((edges[i][0], edges[i][1]) if edges[i] is not None else (None, 0)
                     for i in self._input_positions())  # fmt: skip

    def __call__(self, *grads: Tensor) -> Any:
        """``y.grad_fn(g)``: this node's backward alone, one gradient per entry of
        ``next_functions`` (a single one is returned unwrapped, as in PyTorch)."""
        out = self.apply(list(grads))
        picked = tuple(out[i] if i < len(out) and self._next[i] is not None else None
                       for i in self._input_positions())  # fmt: skip
        return picked[0] if len(picked) == 1 else picked

    @property
    def metadata(self) -> dict:
        if "_metadata" not in self.__dict__:
            self._metadata: dict = {}
        return self._metadata

    def register_hook(self, hook: Callable) -> _RemovableHandle:
        """``hook(grad_inputs, grad_outputs)`` runs after this node's backward; a returned tuple
        replaces ``grad_inputs``."""
        if self._hooks is None:
            self._hooks = []
        return _RemovableHandle(self._hooks, hook)

    def register_prehook(self, hook: Callable) -> _RemovableHandle:
        """``hook(grad_outputs)`` runs before this node's backward and may replace them."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        return _RemovableHandle(self._pre_hooks, hook)

    def _add_tensor_hook(self, output_nr: int, hook: Callable) -> _RemovableHandle:
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        return _RemovableHandle(self._tensor_pre_hooks.setdefault(output_nr, []), hook)

    def _retain_grad_of(self, output_nr: int, tensor: Tensor) -> None:
        if self._retained is None:
            self._retained = {}
        self._retained[output_nr] = weakref.ref(tensor)

    def apply(self, grads: list[Tensor | None]) -> tuple[Tensor | None, ...]:
        raise NotImplementedError


class _RemovableHandle:
    """What ``register_hook`` returns; ``remove()`` takes the hook away again."""

    def __init__(self, hooks: list, hook: Callable) -> None:
        self._hooks, self._hook = hooks, hook
        hooks.append(hook)

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds the incoming gradient into ``.grad``."""

    __module__ = "builtins"  # prints as <AccumulateGrad object at ...>, like PyTorch's

    def __init__(self, variable: Tensor) -> None:
        super().__init__()
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self) -> tuple:
        return ()

    def hooked(self, grad: Tensor | None) -> Tensor | None:
        """``grad`` after the leaf's tensor hooks, which run before it is accumulated (or
        captured by ``autograd.grad``)."""
        for hook in self.variable._hooks or ():
            new = hook(grad)
            if new is not None:
                grad = new
        return grad

    def apply(self, grads: list[Tensor | None]) -> tuple:
        var = self.variable
        grad = self.hooked(grads[0]) if var._hooks else grads[0]
        if grad is None:
            return ()
        if var._grad is None:
            var._grad = recorded_copy(grad) if _State.enabled else Tensor._wrap(grad._data.copy())
        elif _State.enabled:
            var._grad = var._grad + grad
        else:
            var._grad._data += grad._data
        return ()


def recorded_copy(grad: Tensor) -> Tensor:
    """A leaf's first ``.grad`` under create_graph: PyTorch's ``empty_strided().copy_(grad)``,
    so its ``grad_fn`` is ``CopyBackwards``."""
    return Tensor._wrap(np.empty_like(grad._data)).copy_(grad)


def accumulator(t: Tensor) -> AccumulateGrad:
    """The one AccumulateGrad node of a leaf (cached weakly, as PyTorch does)."""
    node = t._acc() if t._acc is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._acc = weakref.ref(node)
    return node


def edge_of(t: Tensor) -> tuple[Node, int]:
    fn = t.grad_fn
    return (fn, t._output_nr) if fn is not None else (accumulator(t), 0)


class _SavedOutput:
    """An output saved by its own node: kept as data + version, not as the tensor (no cycle)."""

    __slots__ = ("data", "version", "expected", "output_nr", "requires_grad")

    def __init__(self, t: Tensor) -> None:
        self.data, self.version, self.expected = t._data, t._version, t._version.value
        self.output_nr, self.requires_grad = t._output_nr, t._requires_grad


class _SavedInput:
    __slots__ = ("tensor", "expected")

    def __init__(self, t: Tensor) -> None:
        self.tensor, self.expected = t, t._version.value


def _modified_error(t_type: str, shape: tuple, clause: str, now: int, saved: int) -> RuntimeError:
    hint = (
        "Hint: the backtrace further above shows the operation that failed to compute its "
        "gradient. The variable in question was changed in there or anywhere later. Good luck!"
        if anomaly_mode.is_anomaly_enabled()
        else "Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with minigrad.autograd.set_detect_anomaly(True, check_nan=False)."
    )
    sizes = "[" + ", ".join(map(str, shape)) + "]"
    return runtime_error(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [minigrad.{t_type} {sizes}]{clause} is at version {now}; expected version "
        f"{saved} instead. {hint}",
        "a value that backward() needs was overwritten in place after it was used (an op with "
        "a trailing underscore, +=, or slice assignment). Use the out-of-place form (y = y + 1) "
        "or .clone() the tensor before modifying it.",
    )


class BackwardNode(Node):
    """A node made by ``Function.apply``; ``backward`` is the Function's ``backward``."""

    _function: type[Function]

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        if self._saved is None:
            raise runtime_error(FREED_MESSAGE, FREED_HINT)
        return tuple([self._unpack(s) for s in self._saved])

    def _unpack(self, s: Any) -> Any:
        if type(s) is _SavedInput:
            t = s.tensor
            if t._version.value != s.expected:
                fn = t.grad_fn
                clause = f", which is output {t._output_nr} of {short_name(fn)}," if fn else ""
                raise _modified_error(
                    t.dtype._tensor_type, t.shape, clause, t._version.value, s.expected
                )
            return t
        if type(s) is _SavedOutput:
            if s.version.value != s.expected:
                raise _modified_error(
                    Tensor._wrap(s.data).dtype._tensor_type,
                    s.data.shape,
                    f", which is output {s.output_nr} of {short_name(self)},",
                    s.version.value,
                    s.expected,
                )
            t = Tensor._wrap(s.data, s.version)
            t._grad_fn, t._output_nr, t._requires_grad = self, s.output_nr, s.requires_grad
            return t
        return s

    def apply(self, grads: list[Tensor | None]) -> tuple[Tensor | None, ...]:
        if self._saved is None:
            raise runtime_error(FREED_MESSAGE, FREED_HINT)
        out = self._function.backward(self, *grads)
        if not isinstance(out, tuple):
            out = (out,)
        if len(out) < len(self._next):
            raise runtime_error(
                f"function {self.name()} returned an incorrect number of gradients "
                f"(expected {len(self._next)}, got {len(out)})"
            )
        return out


class FunctionCtx:
    """What ``forward`` receives as ``ctx`` when no graph is recorded: saves are dropped."""

    needs_input_grad: tuple[bool, ...] = ()

    def save_for_backward(self, *values: Any) -> None:
        pass

    def mark_dirty(self, *tensors: Tensor) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        pass


class _RecordingCtx:
    """Methods a backward node gets as ``ctx`` during a recorded forward."""

    __slots__ = ()

    def save_for_backward(self: Any, *values: Any) -> None:
        self._to_save = values

    def mark_dirty(self: Any, *tensors: Tensor) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self: Any, *values: Any) -> None:
        self._non_diff = {id(v) for v in values}

    def set_materialize_grads(self: Any, value: bool) -> None:
        self._materialize = value


class _FunctionMeta(type):
    """Gives each Function subclass its own node class, named like PyTorch's (``MulBackward0``)."""

    def __init__(cls, name: str, bases: tuple, ns: dict) -> None:
        super().__init__(name, bases, ns)
        node_name = ns.get("node_name") or f"{name}Backward"
        cls._library = cls.__module__.startswith("minigrad.ops")
        module = "builtins" if cls._library else cls.__module__
        cls._backward_cls = type(
            node_name,
            (_RecordingCtx, BackwardNode),
            {
                "_function": cls,
                "__module__": module,
                "_inputs": getattr(cls, "inputs", None),
                "__slots__": (),
            },
        )


class Function(metaclass=_FunctionMeta):
    """Define an operation by its forward and backward, as in ``torch.autograd.Function``::

        class Exp(Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()            # runs with grad mode off
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad):   # one gradient per output
                (y,) = ctx.saved_tensors
                return grad * y        # one gradient per forward argument (None if not needed)

        z = Exp.apply(x)

    ``forward`` may return numpy arrays (minigrad's own ops do) or tensors. Gradients are summed
    back to each input's shape and cast to its dtype by the engine, so ``backward`` may return a
    broadcast gradient.
    """

    node_name: str | None = None  # the grad_fn class name; default "<Name>Backward"
    inputs: int | None = None  # leading args listed in next_functions (default: tensor args)
    is_view: bool = False  # the output shares memory with the first argument
    _backward_cls: type[BackwardNode]
    _library: bool  # one of minigrad's own ops (forward returns arrays, never marks dirty)

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("You must implement the backward function for custom Function.")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        if _State.enabled:
            for a in args:
                if isinstance(a, Tensor) and (
                    a._requires_grad or (a._base is not None and a.requires_grad)
                ):
                    return _record(cls, args)
        if cls._library:
            out = cls.forward(_SHARED_CTX, *args)
        else:
            ctx = FunctionCtx()
            out = cls.forward(ctx, *args)
            if "_dirty" in ctx.__dict__:
                for t in ctx._dirty:
                    t._version.bump()
        if type(out) is np.ndarray or isinstance(out, np.generic):  # numpy: 0-dim as scalars
            t = Tensor._wrap(out if type(out) is np.ndarray else np.asarray(out))
            if cls.is_view:
                t._become_view_of(args[0], cls, args[1:])
                if not _State.enabled and args[0].requires_grad:
                    t._become_nograd_view()
            return t
        if type(out) is tuple:
            return tuple(Tensor._wrap(np.asarray(o)) if isinstance(o, (np.ndarray, np.generic))
                         else o for o in out)  # fmt: skip
        return out


_SHARED_CTX = FunctionCtx()  # minigrad's own ops only set attributes on a non-recording ctx


def _record(cls: type[Function], args: tuple) -> Any:
    node = cls._backward_cls()
    edges, needs = [], []
    for a in args:
        if isinstance(a, Tensor):
            # (a view's grad_fn follows in-place changes of its base)
            fn = a._grad_fn if a._base is None else a.grad_fn
            if a._requires_grad:
                d = a._data
                if fn is None:
                    edges.append((accumulator(a), 0, d.shape, d.dtype))
                else:
                    edges.append((fn, a._output_nr, d.shape, d.dtype))
                needs.append(True)
                continue
        edges.append(None)
        needs.append(False)
    node._next, node.needs_input_grad = edges, tuple(needs)
    if cls.inputs is None:
        node._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
    if anomaly_mode._Anomaly.enabled:
        node._trace = _forward_trace()
    _State.enabled = False
    try:
        raw = cls.forward(node, *args)
    finally:
        _State.enabled = True
    if type(raw) is np.ndarray:  # the common case: one array out
        t = Tensor._wrap(raw)
        if cls.is_view:
            t._become_view_of(args[0], cls, args[1:])
        if raw.dtype.kind == "f":
            t._grad_fn, t._requires_grad = node, True
        if node._to_save is not None:
            _store_saved(node, [t], (raw,))
        return t
    return _wrap_outputs(cls, node, args, raw)


def _forward_trace() -> list[str]:
    """The stack that led to this forward, ending at the caller's line: minigrad's own frames
    at the end are dropped, however many there are (``x.sqrt()``, ``F.mse_loss``, ``Fn.apply``)."""
    stack = traceback.extract_stack()
    while stack and stack[-1].filename.startswith(_PACKAGE_DIR):
        stack.pop()
    return traceback.format_list(stack)


def _wrap_outputs(cls: type[Function], node: BackwardNode, args: tuple, raw: Any) -> Any:
    dirty = node.__dict__.pop("_dirty", ())
    non_diff = node.__dict__.pop("_non_diff", ())
    outs = raw if type(raw) is tuple else (raw,)
    wrapped = []
    for nr, o in enumerate(outs):
        if isinstance(o, (np.ndarray, np.generic)):  # numpy returns 0-dim results as scalars
            t = Tensor._wrap(np.asarray(o))
            if cls.is_view:
                t._become_view_of(args[0], cls, args[1:])
        elif isinstance(o, Tensor):
            t = o
            if any(t is d for d in dirty):
                _check_inplace_allowed(t, "has been")  # PyTorch's wording once forward ran
                t._version.bump()
            elif any(t is a for a in args):
                t = t.detach()  # an input returned unchanged becomes a new alias, as in PyTorch
        else:
            wrapped.append(o)
            continue
        if t._data.dtype.kind == "f" and id(o) not in non_diff:
            t._grad_fn, t._output_nr, t._requires_grad = node, nr, True
        wrapped.append(t)
    node._num_outputs = len(outs)
    if len(outs) > 1:
        node._out_meta = [(o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                          for o in wrapped]  # fmt: skip
    if node._to_save is not None:
        _store_saved(node, wrapped, outs)
    return tuple(wrapped) if type(raw) is tuple else wrapped[0]


def _store_saved(node: BackwardNode, outputs: list, raw_outs: tuple) -> None:
    """Saved outputs are kept as data + version (no reference cycle through the node); saved
    inputs as the tensor + its version now; other arrays as constants."""
    saved = []
    for v in node._to_save:
        if isinstance(v, Tensor):
            is_out = False
            for t in outputs:
                if t is v:
                    is_out = True
            saved.append(_SavedOutput(v) if is_out else _SavedInput(v))
        elif isinstance(v, (np.ndarray, np.generic)):
            for i, o in enumerate(raw_outs):
                if o is v:
                    saved.append(_SavedOutput(outputs[i]))
                    break
            else:
                saved.append(Tensor._wrap(v) if type(v) is np.ndarray else v)
        else:
            saved.append(v)
    node._saved, node._to_save = saved, None


def _check_inplace_allowed(t: Tensor, leaf_verb: str = "is being") -> None:
    if t._base is not None and t._nograd_view:
        raise nograd_view_error("is being modified inplace with grad mode enabled")
    if t._base is not None and t._base._requires_grad and t._base.grad_fn is None:
        raise runtime_error(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
            LEAF_HINT,
        )
    if t._requires_grad and t._grad_fn is None and t._base is None:
        raise runtime_error(
            f"a leaf Variable that requires grad {leaf_verb} used in an in-place operation.",
            LEAF_HINT,
        )


LEAF_HINT = (
    "changing a leaf in place would lose what autograd needs. Update parameters inside "
    "`with minigrad.no_grad():` (e.g. w -= lr * w.grad), use an out-of-place op (x = x + 1), "
    "or work on x.detach() / x.clone()."
)
