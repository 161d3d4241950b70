"""``GraphExplorer``: step through the forward and backward pass of an expression you typed.

    GraphExplorer("f = (x + y) ** 2 + 2 * x * y", {"x": 2.0, "y": -4.0})
    GraphExplorer(tensor=loss, names=locals())

The state (:class:`~minigrad.widgets.graph_state.ExplorerState`) does the work; this class only
turns it into traits for the view and turns clicks into state changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import traitlets as t

import minigrad as torch
from minigrad import Tensor

from . import _details
from ._expr import evaluate, leaves, parse
from ._i18n import speaks
from ._stepper import StepperWidget
from .graph_state import ExplorerState

DTYPES = {"float32": torch.float32, "float64": torch.float64}
SHORT_TEXT = 16  # sub-expressions up to this long name their box (``x + y: AddBackward0``)


class GraphExplorer(StepperWidget):
    """Forward node by node (values appear), then backward node by node (gradients appear),
    with the local derivative, the chain-rule product and the accumulation of the selected node.

    ``expr``: one or more lines ``name = expression`` (names, numbers, ``+ - * / **``, ``sin``,
    ``cos``, ``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu``, ``sqrt``, ``abs``, ``sum``,
    ``mean``); ``values``: the inputs (``{'x': 2.0}``), made float32 leaves with
    ``requires_grad=True`` (``dtype=torch.float64`` or ``'float64'`` for doubles). Or
    ``tensor=`` an existing result, with ``names`` (``locals()`` works); its graph is kept and
    no ``.grad`` changes.
    """

    selected = t.Unicode("").tag(sync=True)

    @speaks
    def __init__(
        self,
        expr: str | None = None,
        values: Mapping[str, Any] | None = None,
        *,
        tensor: Tensor | None = None,
        names: Mapping[str, Any] | None = None,
        lang: str | None = None,
        dtype: Any = torch.float32,
        interval: int = 600,
        direction: str = "TB",
    ) -> None:
        if (expr is None) == (tensor is None):
            raise ValueError("give either an expression (GraphExplorer('f = x * y', "
                             "{'x': 2, 'y': 3})) or tensor=...")  # fmt: skip
        self.expr = expr
        if expr is not None:
            self.state, self.inputs = _from_expression(expr, values, dtype, direction)
        else:
            self.state = ExplorerState(tensor, names, direction=direction)  # type: ignore[arg-type]
            self.inputs = {n: x for n, x in (names or {}).items()
                           if isinstance(x, Tensor) and x.is_leaf and x.requires_grad}  # fmt: skip
        super().__init__(lang=lang, interval=interval, kind="mg-graph-explorer")
        self.n_steps = self.state.n_steps
        self.sliders = [{"trait": "step", "label": self.text("slider.step"), "min": 0,
                         "max": self.n_steps, "step": 1}]  # fmt: skip
        self.observe(self._on_select, names=["selected"])
        self.render()

    @property
    def graph(self):  # noqa: ANN201 - a minigrad.viz.Graph
        return self.state.graph

    @property
    def output(self) -> Tensor:
        return self.state.output

    def __repr__(self) -> str:
        what = self.expr.strip().splitlines()[-1] if self.expr else "tensor"
        return f"<GraphExplorer {what!r}: step {self.step} of {self.n_steps}>"

    # ----- actions ----------------------------------------------------------------------
    def _actions(self) -> dict[str, Callable[[], Any]]:
        return {**super()._actions(), "forward": self.start_forward,
                "backward": self.start_backward}  # fmt: skip

    def reset(self) -> None:
        """Back to step 0, nothing selected."""
        super().reset()
        self.selected = ""

    def start_forward(self) -> None:
        """Go to the start of the forward pass (only the inputs known)."""
        self.pause()
        self.step = 0

    def start_backward(self) -> None:
        """Go to the start of the backward pass (every value computed, no gradient yet)."""
        self.pause()
        self.step = self.state.n_forward

    def select(self, nid: str | None) -> None:
        """Inspect node ``nid`` (a graph id such as ``'leaf0'``; None follows the steps)."""
        self.selected = nid or ""

    def _on_select(self, change: dict) -> None:
        if change["new"] and change["new"] not in self.state.graph.nodes:
            self.selected = ""  # an unknown id (a stale click): back to following the steps
            return
        self.render()

    # ----- drawing ----------------------------------------------------------------------
    def _draw(self) -> dict[str, str]:
        st = self.state
        st.go(self.step)
        st.select(self.selected or None)
        shown = st.selected or st.current()
        return {"svg": st.svg(), "status": _details.status(st, self.text),
                "details": _details.details(st, self.text, shown)}  # fmt: skip

    def _buttons(self) -> list[dict]:
        at_start, at_end = self.step == 0, self.step >= self.n_steps
        b = self.button
        return [b("reset", disabled=at_start), b("forward", disabled=at_start),
                b("back", disabled=at_start), self.play_button(), b("step", disabled=at_end),
                b("backward", disabled=self.step == self.state.n_forward)]  # fmt: skip


def _from_expression(
    expr: str, values: Mapping[str, Any] | None, dtype: Any, direction: str
) -> tuple[ExplorerState, dict[str, Tensor]]:
    if isinstance(dtype, str):
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {sorted(DTYPES)}, not {dtype!r}")
        dtype = DTYPES[dtype]
    program = parse(expr)
    inputs = leaves(program, values, dtype)
    ev = evaluate(program, inputs)
    if not isinstance(ev.output, Tensor) or ev.output.grad_fn is None:
        raise ValueError("the expression does not depend on its inputs: nothing to differentiate")
    names: dict[str, Any] = dict(inputs)
    names.update({k: v for k, v in ev.env.items() if k not in inputs})
    taken = {id(v) for v in names.values()}
    for text, tensor in ev.texts:
        tensor.retain_grad()  # so that the graph knows every value, named or not
        if len(text) <= SHORT_TEXT and text not in names and id(tensor) not in taken:
            names[text] = tensor
            taken.add(id(tensor))
    state = ExplorerState(ev.output, names, constants=ev.constants,
                          number_first=ev.number_first, accumulate=True,
                          direction=direction, tensors=[t for _, t in ev.texts])  # fmt: skip
    return state, inputs
