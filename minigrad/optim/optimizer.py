"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and ``step``.

Updates are written straight into each parameter's memory (as ``with no_grad(): p -= ...``
would), bumping its version counter, so a graph that still uses the old values notices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._errors import type_error, value_error
from .._tensor import Tensor


class Optimizer:
    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise type_error(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {params.type()}"
            )
        groups = list(params)
        if not groups:
            raise value_error(
                "optimizer got an empty parameter list",
                "pass model.parameters() of a model that has parameters.",
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise type_error(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + type(p).__name__
                )
            if not p.is_leaf:
                raise value_error("can't optimize a non-leaf Tensor")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in group["params"]):
            raise value_error("some parameters appear in more than one parameter group")
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``None`` by default (PyTorch's default since 2.0)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    p._grad._data[...] = 0

    def step(self, closure: Any = None) -> Any:
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    self._update(p, p._grad._data, group, self.state.setdefault(p, {}))
                    p._version.bump()
        return loss

    def _update(self, p: Tensor, grad: Any, group: dict, state: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        return {
            "state": {index[id(p)]: dict(s) for p, s in self.state.items()},
            "param_groups": [{**{k: v for k, v in g.items() if k != "params"},
                              "params": [index[id(p)] for p in g["params"]]}
                             for g in self.param_groups],
        }  # fmt: skip

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and state; the groups must match, as saved state is matched
        to parameters by position."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise value_error("loaded state dict has a different number of parameter groups")
        pairs = zip(self.param_groups, saved_groups)
        if any(len(g["params"]) != len(s["params"]) for g, s in pairs):
            raise value_error("loaded state dict contains a parameter group that doesn't match "
                              "the size of optimizer's group")  # fmt: skip
        params = [p for g in self.param_groups for p in g["params"]]
        for g, saved in zip(self.param_groups, saved_groups):
            g.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {params[i]: dict(s) for i, s in state_dict["state"].items()}

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in g if k != "params"):
                lines.append(f"    {k}: {g[k]}")
        return "\n".join(lines) + "\n)"
