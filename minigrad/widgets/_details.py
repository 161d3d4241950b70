"""Text of the graph explorer: the status line and the details panel (escaped HTML)."""

from __future__ import annotations

from html import escape

import numpy as np

from minigrad.viz.labels import fmt_array, fmt_shape

from ._derivatives import num
from ._derivatives import wrap as _wrap
from ._i18n import Text
from .graph_state import ExplorerState, NodeInfo


def status(state: ExplorerState, text: Text, step: int | None = None) -> str:
    """One line: which pass, which step, what just happened."""
    step = state.step if step is None else step
    nid = state.current(step)
    if nid is None:
        return text("status.start")
    node = state.graph.nodes[nid]
    if step <= state.n_forward:
        value = fmt_array(node.value) if node.value is not None else "?"
        key = "status.forward_done" if step == state.n_forward else "status.forward"
        return text(key, k=step, n=state.n_forward, node=state.symbol(nid), value=value)
    k = step - state.n_forward
    if node.kind == "leaf":
        grad = state.grads.get(nid)
        line = text("status.backward_leaf", k=k, n=state.n_backward, node=state.symbol(nid),
                    grad=fmt_array(grad) if grad is not None else "?")  # fmt: skip
    else:
        sent = ", ".join(f"{state.symbol(s.receiver)} ← {fmt_array(s.value)}"
                         for s in state.sent if s.sender == nid)  # fmt: skip
        line = text("status.backward", k=k, n=state.n_backward, node=state.symbol(nid),
                    grad_fn=node.label, sent=sent or "-")  # fmt: skip
    # the last step says what it did, then that the pass is over
    return f"{line}. {text('status.done')}" if k == state.n_backward else line


def details(state: ExplorerState, text: Text, nid: str | None, step: int | None = None) -> str:
    """The details panel for node ``nid`` (a hint when None)."""
    if nid is None or nid not in state.graph.nodes:
        return f'<p class="mg-hint">{escape(text("details.hint"))}</p>'
    info = state.info(nid, step)
    parts = [f'<div class="mg-node" data-node-id="{escape(nid)}">',
             f"<h4>{escape(info.title)}</h4>", _props(info, text)]  # fmt: skip
    if info.forward:
        parts.append(_section(text("details.forward"), [info.forward]))
    if info.kind == "op":
        parts.append(_backward(state, info, text))
    if info.kind == "output" and info.grad is not None:
        seed = text("details.seed", sym=info.symbol, value=fmt_array(info.grad))
        parts.append(f'<p class="mg-seed">{escape(seed)}</p>')
    if info.expected:
        parts.append(_received(state, info, text))
    parts.append("</div>")
    return "".join(parts)


def _props(info: NodeInfo, text: Text) -> str:
    rows = [("details.kind", text(f"kind.{info.kind}"))]
    if info.op:
        rows.append(("details.op", info.op))
    if info.grad_fn:
        rows.append(("details.grad_fn", info.grad_fn))
    rows += [
        ("details.shape", fmt_shape(info.shape) if info.shape is not None else "?"),
        ("details.dtype", info.dtype or "?"),
        ("details.requires_grad", str(info.requires_grad)),
        ("details.is_leaf", str(info.is_leaf)),
    ]
    if info.version is not None:
        rows.append(("details.version", str(info.version)))
    rows.append(("details.value", _arr(info.value, text)))
    if info.requires_grad:
        rows.append(("details.grad", _arr(info.grad, text)))
    body = "".join(f'<tr data-row="{k.split(".")[1]}"><th>{escape(text(k))}</th>'
                   f"<td>{escape(v)}</td></tr>" for k, v in rows)  # fmt: skip
    return f'<table class="mg-props">{body}</table>'


def _backward(state: ExplorerState, info: NodeInfo, text: Text) -> str:
    lines = [loc.formula or f"∂{info.symbol}/∂{loc.symbol}" for loc in info.locals]
    out = [_section(text("details.local"), lines, "mg-local")]
    if not info.ran:
        if info.run_step is not None:
            out.append(f"<p>{escape(text('details.waiting_run', k=info.run_step))}</p>")
        return "".join(out)
    f = state.symbol(state.graph.outputs[0]) if state.graph.outputs else "f"
    up = info.upstream
    head = text("details.upstream", sym=f"∂{f}/∂{_wrap(info.symbol)}", value=_fmt(up))
    chain = []
    me = _wrap(info.symbol)
    for loc in info.locals:
        product = f"{_factor(up)} · {_factor(loc.local)}"
        if (
            up is not None
            and loc.local is not None
            and loc.sent is not None
            and (np.shape(up * loc.local) != np.shape(loc.sent))
        ):
            product = f"sum({product})"  # the engine sums a broadcast input's gradient
        product += f" = {_fmt(loc.sent)}"
        chain.append(f"∂{f}/∂{me} · ∂{me}/∂{_wrap(loc.symbol)} = {product} → {loc.symbol}")
    out.append(_section(text("details.chain"), [head, *chain], "mg-chain"))
    return "".join(out)


def _received(state: ExplorerState, info: NodeInfo, text: Text) -> str:
    lines = []
    for s in info.received:
        sender = state.symbol(s.sender)
        lines.append(f"{text('details.from', node=sender, slot=s.slot)}: {_fmt(s.value)}")
    if len(info.received) > 1:
        total = np.sum([s.value for s in info.received], axis=0)
        lines.append(f"{text('details.sum')} = {_fmt(total)}")
    missing = info.expected - len(info.received)
    if missing:
        lines.append(text("details.waiting", n=missing))
    return _section(text("details.received"), lines, "mg-received")


def _section(title: str, lines: list[str], cls: str = "") -> str:
    items = "".join(f"<li><code>{escape(line)}</code></li>" for line in lines)
    return f'<div class="mg-section {cls}"><b>{escape(title)}</b><ul>{items}</ul></div>'


def _arr(a: np.ndarray | None, text: Text) -> str:
    return fmt_array(a, 200) if a is not None else text("details.not_yet")


def _fmt(a: np.ndarray | None) -> str:
    return fmt_array(a, 60) if a is not None else "?"


def _factor(a: np.ndarray | None) -> str:
    return num(a) if a is not None else "?"
