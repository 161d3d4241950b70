"""The backward pass: run every node once, in dependency order, without recursion.

1. Walk the graph from the roots (an explicit stack, so 100,000-node chains are fine) and count,
   for every node, how many nodes will send it a gradient.
2. Keep a heap of *ready* nodes (all senders done), newest first as PyTorch does. Pop one, add
   up the gradients it received, run its backward, and pass each input's gradient on, summed
   back to that input's shape and cast to its dtype.
3. Leaves receive gradients through their ``AccumulateGrad`` node, which adds into ``.grad``.
   Non-leaves keep nothing unless ``retain_grad()`` asked for it.
4. Unless ``retain_graph``, each node frees what it saved once it has run.
"""

from __future__ import annotations

import heapq
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._dtypes import from_numpy_dtype
from .._errors import runtime_error
from .._tensor import Tensor
from .anomaly_mode import _Anomaly
from .function import _PACKAGE_DIR, AccumulateGrad, Node, edge_of, recorded_copy
from .grad_mode import _State


def _dependencies(roots: list[Node]) -> dict[Node, int]:
    deps: dict[Node, int] = {}
    is_root = set(roots)
    stack = list(roots)
    while stack:
        for edge in stack.pop()._next:
            if edge is not None:
                nxt = edge[0]
                if nxt in deps:
                    deps[nxt] += 1
                else:  # first seen: walk on from it
                    deps[nxt] = 1
                    if nxt not in is_root:
                        stack.append(nxt)
    return deps


def sum_to(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Undo broadcasting: sum ``grad`` over the dimensions that were expanded to reach it.

    Raises ValueError unless ``shape`` broadcasts to ``grad.shape``: a gradient of the wrong
    shape (a forgotten transpose) must fail, not be silently reshaped.
    """
    have = grad._data.shape
    if have == shape:
        return grad
    lead = len(have) - len(shape)
    if lead < 0 or any(n not in (1, m) for n, m in zip(shape, have[lead:], strict=True)):
        raise ValueError(f"{list(have)} does not broadcast from {list(shape)}")
    dims = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and have[i + lead] != 1
    )
    out = SumDim.apply(grad, dims, True)  # as PyTorch's sum_to: sum(dims, keepdim=True), then
    return View.apply(out, shape) if lead else out  # view (dims and shape are checked above)


def _fit(grad: Tensor, meta: tuple[tuple[int, ...], Any], node: Node, index: int) -> Tensor:
    """``grad`` summed to the input's shape and cast to its dtype (PyTorch's validate_outputs)."""
    shape, dtype = meta
    if grad._data.shape != shape:
        try:
            grad = sum_to(grad, shape)
        except ValueError:
            raise runtime_error(
                f"Function {node.name()} returned an invalid gradient at index {index} - got "
                f"{list(grad.shape)} but expected shape compatible with {list(shape)}",
                "a backward must return one gradient per input with that input's shape (or a "
                "shape that broadcasts from it); check for a missing transpose or reduction.",
            ) from None
    if grad._data.dtype != dtype:
        grad = grad.to(from_numpy_dtype(dtype))
    return grad


def _check_nan(node: Node, grads: tuple) -> None:
    for i, g in enumerate(grads):
        if isinstance(g, Tensor) and np.isnan(g._data).any():
            raise _anomaly_error(
                node,
                runtime_error(
                    f"Function '{node.name()}' returned nan values in its {i}th output."
                ),  # fmt: skip
            )


def _anomaly_error(node: Node, error: BaseException) -> BaseException:
    if node._trace:
        trace = "".join(node._trace)
        warnings.warn(
            f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
            + trace,
            UserWarning,  # the category PyTorch uses
            stacklevel=3,
        )
        error.add_note(f"Forward call that created {node.name()}:\n{trace}")
    return error


def run_backward(
    roots: Sequence[tuple[Node, int, Tensor]],
    retain_graph: bool,
    create_graph: bool,
    capture: dict[tuple[Node, int], int] | None = None,
    accumulate: bool = True,
) -> list[Tensor | None]:
    """Backpropagate from ``(node, output_nr, grad)`` roots.

    ``capture`` maps (node, output_nr) of tensors whose gradient ``autograd.grad`` wants to the
    position it should land in; with ``accumulate=False`` no ``.grad`` is touched.
    """
    root_nodes = list({r[0]: None for r in roots})
    deps = _dependencies(root_nodes)
    buffers: dict[Node, list[Tensor | None]] = {}
    for node, nr, grad in roots:
        _add(buffers, node, nr, grad)
    captured: list[Tensor | None] = [None] * (len(capture) if capture else 0)
    ready = [(-n._seq, id(n), n) for n in root_nodes if deps.get(n, 0) == 0]
    heapq.heapify(ready)
    heappop, heappush = heapq.heappop, heapq.heappush
    prev_mode = _State.enabled
    _State.enabled = create_graph
    try:
        while ready:
            node = heappop(ready)[2]
            grads = buffers.pop(node, None) or [None] * node._num_outputs
            if node._tensor_pre_hooks or node._retained or node._pre_hooks:
                grads = _pre_hooks(node, grads)
            if not accumulate and isinstance(node, AccumulateGrad):
                pos = capture.get((node, 0))
                if pos is not None:
                    captured[pos] = node.hooked(grads[0])
                continue
            if capture:
                for nr in range(len(grads)):
                    pos = capture.get((node, nr))
                    if pos is not None:
                        captured[pos] = grads[nr]
            if node._num_outputs == 1 and grads[0] is not None and not node._hooks:
                results = _call_apply(node, grads)  # the common case: no special handling
            else:
                results = _call(node, grads)
            if not retain_graph and node._saved:
                node._saved = None  # free what forward saved
            for i, (edge, g) in enumerate(zip(node._next, results)):
                if edge is None:
                    continue
                nxt, nr, shape, dtype = edge
                if g is not None:
                    d = g._data
                    if d.shape != shape or (d.dtype is not dtype and d.dtype != dtype):
                        g = _fit(g, (shape, dtype), node, i)
                    if nxt._num_outputs == 1 and nxt not in buffers:
                        buffers[nxt] = [g]  # the common case: the first gradient nxt receives
                    else:
                        _add(buffers, nxt, nr, g)
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    heappush(ready, (-nxt._seq, id(nxt), nxt))
    finally:
        _State.enabled = prev_mode
    return captured


def _add(buffers: dict, node: Node, nr: int, grad: Tensor) -> None:
    """Sum ``grad`` into the gradients ``node`` has received for its output ``nr``."""
    buf = buffers.get(node)
    if buf is None:
        buffers[node] = buf = [None] * node._num_outputs
    old = buf[nr]
    if old is None:
        buf[nr] = grad
    elif (
        _State.enabled or old._data.shape != grad._data.shape or old._data.dtype != grad._data.dtype
    ):
        buf[nr] = old + grad  # recorded for create_graph (or shapes to broadcast)
    else:  # the same sum as old + grad, without the op's dispatch
        buf[nr] = Tensor._wrap(np.asarray(old._data + grad._data))


def _pre_hooks(node: Node, grads: list) -> list:
    if node._tensor_pre_hooks:
        for nr, hooks in node._tensor_pre_hooks.items():
            for hook in hooks:
                new = hook(grads[nr])
                if new is not None:
                    grads[nr] = new
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr]
                if t._grad is None:
                    t._grad = g if _State.enabled else g.detach().clone()
                else:
                    t._grad = t._grad + g
    if node._pre_hooks:
        for hook in node._pre_hooks:
            new = hook(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _call(node: Node, grads: list) -> tuple:
    if node._num_outputs == 1:
        if grads[0] is None and not isinstance(node, AccumulateGrad):
            return (None,) * len(node._next)
    elif all(g is None for g in grads):
        return (None,) * len(node._next)
    elif node._materialize and any(g is None for g in grads):  # unused outputs get zeros
        grads = [g if g is not None else _zeros_like_output(node, nr)
                 for nr, g in enumerate(grads)]  # fmt: skip
    results = _call_apply(node, grads)
    if node._hooks:
        for hook in node._hooks:
            new = hook(results, tuple(grads))
            if new is not None:  # a post-hook may replace the gradients passed on
                results = tuple(new)
    return results


def _call_apply(node: Node, grads: list) -> tuple:
    if not _Anomaly.enabled:
        return node.apply(grads)
    try:
        results = node.apply(grads)
    except Exception as e:
        raise _anomaly_error(node, e) from None
    if _Anomaly.check_nan:
        _check_nan(node, results)
    return results


def _zeros_like_output(node: Node, nr: int) -> Tensor:
    shape, dtype = node._out_meta[nr]
    return Tensor._wrap(np.zeros(shape, dtype))


def _roots(tensors: Sequence[Tensor], grad_tensors: Sequence[Any]) -> list:
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors, strict=True)):
        if not t.requires_grad:
            raise runtime_error(
                f"element {i} of tensors does not require grad and does not have a grad_fn",
                "call backward() on a result computed from a tensor created with "
                "requires_grad=True, outside `with no_grad():`.",
            )
        if g is None:
            if t._data.size != 1:
                raise runtime_error(
                    "grad can be implicitly created only for scalar outputs",
                    "reduce the output first (y.sum().backward()) or pass the upstream "
                    "gradient: y.backward(torch.ones_like(y)).",
                )
            g = Tensor._wrap(np.ones(t._data.shape, t._data.dtype))
        elif not isinstance(g, Tensor):
            raise runtime_error(f"gradient must be a Tensor, got {type(g).__name__}")
        elif g.shape != t.shape:
            raise runtime_error(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape!r} and output[{i}] "
                f"has a shape of {t.shape!r}."
            )
        elif g._data.dtype != t._data.dtype:
            g = g.to(t.dtype)  # PyTorch casts the upstream gradient to the output's dtype
        node, nr = edge_of(t)
        roots.append((node, nr, g))
    return roots


def _as_list(x: Any) -> list:
    if x is None:
        return []
    return [x] if isinstance(x, Tensor) else list(x)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (``torch.autograd.backward``)."""
    tensors = _as_list(tensors)
    grads = _as_list(grad_tensors) or [None] * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors, grads)
    if create_graph:
        _warn_create_graph_cycle()
    if inputs is None:
        run_backward(roots, retain_graph, create_graph)
        return
    inputs = _as_list(inputs)
    capture = {edge_of(t): i for i, t in enumerate(inputs)}
    got = run_backward(roots, retain_graph, create_graph, capture, accumulate=False)
    for t, g in zip(inputs, got, strict=True):
        if g is None:
            continue
        if t._grad is None:
            if not create_graph:
                t._grad = g.detach().clone()
            else:  # as the leaf's AccumulateGrad would, or a retained non-leaf gradient
                t._grad = recorded_copy(g) if t.grad_fn is None else g.clone()
        else:
            t._grad = t._grad + g


_warned: set[str] = set()


def _warn_create_graph_cycle() -> None:
    """PyTorch's warning, once per process as there (TORCH_WARN_ONCE)."""
    if "create_graph" not in _warned:
        _warned.add("create_graph")
        warnings.warn(CREATE_GRAPH_WARNING, UserWarning, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The stacklevel that names the learner's line, however deep inside minigrad we are."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to reset "
    "the .grad fields of your parameters to None after use to break the cycle and avoid the leak."
)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned, not stored in ``.grad``."""
    outputs = _as_list(outputs)
    inputs_list = _as_list(inputs)
    grads = _as_list(grad_outputs) or [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs_list:
        if not t.requires_grad:
            raise runtime_error("One of the differentiated Tensors does not require grad")
    roots = _roots(outputs, grads)
    capture = {edge_of(t): i for i, t in enumerate(inputs_list)}
    got = run_backward(roots, retain_graph, create_graph, capture, accumulate=False)
    result = []
    for i, (t, g) in enumerate(zip(inputs_list, got, strict=True)):
        if g is None:
            if materialize_grads:
                g = Tensor._wrap(np.zeros(t._data.shape, t._data.dtype))
            elif not allow_unused:
                raise runtime_error(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
        result.append(g)
    return tuple(result)


# the ops sum_to records (imported last: they are built on this package's Function)
from ..ops.reduction import SumDim  # noqa: E402
from ..ops.shape import View  # noqa: E402
