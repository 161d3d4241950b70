"""``nn.Module``: a container of parameters, buffers and sub-modules with a ``forward``.

Assigning a ``Parameter`` or a ``Module`` to an attribute registers it, which is how
``parameters()`` finds everything to train, in the order it was assigned, with dotted names.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from .._errors import type_error
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .parameter import Parameter


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module:
    """Base class of every layer and model; subclasses define ``forward``."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        for hook in self._forward_pre_hooks.values():
            new = hook(self, args)
            if new is not None:
                args = new if isinstance(new, tuple) else (new,)
        out = self.forward(*args, **kwargs)
        for hook in self._forward_hooks.values():
            new = hook(self, args, out)
            if new is not None:
                out = new
        return out

    # ----- registration ----------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise type_error(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif params is not None and name in self._modules and value is None:
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise type_error(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.nn.Buffer, torch.Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: OrderedDict) -> None:
        """Drop ``name`` from every store but ``keep``, where a reassignment keeps its place
        (so tying ``b.weight = a.weight`` leaves state_dict's order as PyTorch's)."""
        for store in (self.__dict__, self._parameters, self._buffers, self._modules):
            if store is not keep:
                store.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if param is not None and not isinstance(param, Parameter):
            raise type_error(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor the module keeps (not trained); a non-persistent one stays out of
        ``state_dict``."""
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        self._modules[name] = module

    register_module = add_module

    def register_forward_hook(self, hook: Callable) -> Any:
        return _Handle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook: Callable) -> Any:
        return _Handle(self._forward_pre_hooks, hook)

    # ----- traversal -------------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "") -> Iterator:
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, prefix + ("." if prefix else "") + name)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named(self, store: str, prefix: str, recurse: bool) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, m in mods:
            for name, t in getattr(m, store).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield mod_prefix + ("." if mod_prefix else "") + name, t

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator:
        return self._named("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator:
        return self._named("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ----- state -----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of all parameters (``None`` by default, as PyTorch does)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_().zero_()

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def state_dict(self, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict:  # fmt: skip
        """Parameters, then persistent buffers, then each child's, recursively. Unlike
        ``parameters()`` nothing is deduplicated: a module used twice is saved under both
        names, as PyTorch does."""
        out = OrderedDict() if destination is None else destination
        for name, t in self._parameters.items():
            if t is not None:
                out[prefix + name] = t if keep_vars else t.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                out[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(self, state_dict: dict, strict: bool = True, assign: bool = False) -> Any:
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for k, t in own.items():
            if k in state_dict:
                src = state_dict[k]
                if tuple(src.shape) != tuple(t.shape):
                    errors.append(
                        f"size mismatch for {k}: copying a param with shape {src.shape!r} from "
                        f"checkpoint, the shape in current model is {t.shape!r}."
                    )
                    continue
                with no_grad():
                    t.copy_(src)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")  # fmt: skip
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")  # fmt: skip
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        return _IncompatibleKeys(missing, unexpected)

    def _cast(self, fn: Callable[[Tensor], Tensor]) -> Module:
        with no_grad():
            for m in self.modules():
                for p in m._parameters.values():
                    if p is not None:
                        new = fn(p)
                        if new is not p:
                            p._data = new._data
                            if p._grad is not None:
                                p._grad = fn(p._grad)
                for name, b in m._buffers.items():
                    if b is not None:
                        m._buffers[name] = fn(b)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        return self._cast(lambda t: t.to(*args, **kwargs) if t.is_floating_point() else t)

    def float(self) -> Module:
        from .. import _dtypes

        return self.to(_dtypes.float32)

    def double(self) -> Module:
        from .. import _dtypes

        return self.to(_dtypes.float64)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        from .._device import check_device

        check_device("cuda")
        return self

    # ----- printing --------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + _addindent(repr(m), 2) for name, m in self._modules.items()]
        extra = self.extra_repr()
        head = type(self).__name__ + "("
        if not lines:
            return head + extra + ")"
        body = ([extra] if extra else []) + lines
        return head + "\n  " + "\n  ".join(body) + "\n)"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules)
                      | set(self._buffers))  # fmt: skip


def _typename(obj: Any) -> str:
    """``torch.typename``: ``torch.FloatTensor`` for a tensor (``minigrad.`` here), else the
    type's name."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module == "builtins" else f"{module}.{type(obj).__qualname__}"


class _IncompatibleKeys(tuple):
    def __new__(cls, missing: list, unexpected: list) -> _IncompatibleKeys:
        return super().__new__(cls, (missing, unexpected))

    @property
    def missing_keys(self) -> list:
        return self[0]

    @property
    def unexpected_keys(self) -> list:
        return self[1]

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"


class _Handle:
    _next_id = 0

    def __init__(self, store: OrderedDict, hook: Callable) -> None:
        _Handle._next_id += 1
        self.id, self._store = _Handle._next_id, store
        store[self.id] = hook

    def remove(self) -> None:
        self._store.pop(self.id, None)
