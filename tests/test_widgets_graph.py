"""GraphExplorer: its state and callbacks, without a browser."""

from __future__ import annotations

import asyncio
import math
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minigrad as torch
from minigrad.viz import build_graph
from minigrad.viz.svg import LIGHT
from minigrad.widgets._expr import evaluate, leaves, parse
from minigrad.widgets._i18n import EN, TABLES, Text
from minigrad.widgets.graph_state import ExplorerState

pytest.importorskip("anywidget")
from minigrad.widgets import GraphExplorer  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
F = "f = (x + y) ** 2 + 2 * x * y"
Z = "z = x*x + sin(2*y)"
EXPRESSIONS = [
    (F, {"x": 2.0, "y": -4.0}),
    (Z, {"x": 4.0, "y": math.pi}),
    ("a = x * y\nb = a + x\nc = sin(a) * b\nf = c + a ** 2 - exp(b / 4)", {"x": 0.5, "y": -1.5}),
    ("f = sum(relu(w * v - 1) ** 2) + mean(tanh(v))", {"w": 0.7, "v": [1.0, 2.0, 3.0]}),
]


def engine_order(graph, output) -> list[str]:
    """The order in which a real backward() calls each node, seen through pre-hooks."""
    calls: list[str] = []
    handles = [fn.register_prehook(lambda grads, nid=nid: calls.append(nid))
               for nid, fn in graph.fns.items()]  # fmt: skip
    output.backward(torch.ones_like(output))
    for h in handles:
        h.remove()
    return calls


def by_hand(expr: str, values: dict):
    """The same computation done directly with minigrad: output and named tensors."""
    program = parse(expr)
    inputs = leaves(program, values)
    ev = evaluate(program, inputs)
    return ev.output, {**inputs, **{k: v for k, v in ev.env.items() if k not in inputs}}


def stepped_backward(w: GraphExplorer) -> list[str]:
    """Press Step through the backward pass and note which node each step runs."""
    w.act("backward")
    seen = []
    while w.step < w.n_steps:
        w.act("step")
        seen.append(w.state.current())
    return seen


def svg_nodes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-node-id"): g for g in root.iter(f"{SVG}g") if g.get("data-node-id")}


def node_texts(svg: str, nid: str) -> list[str]:
    return [t.text or "" for t in svg_nodes(svg)[nid].iter(f"{SVG}text")]


def leaf_id(w: GraphExplorer, name: str) -> str:
    (node,) = [n for n in w.graph.of_kind("leaf") if n.label == name]
    return node.id


# ----- order and gradients ----------------------------------------------------------------------


@pytest.mark.parametrize("expr,values", EXPRESSIONS)
def test_stepping_order_is_the_engines_order(expr, values):
    w = GraphExplorer(expr, values)
    steps = stepped_backward(w)
    assert steps == w.state.backward_order == w.state.engine_order
    # an independent run of the same computation, watched with pre-hooks
    out, names = by_hand(expr, values)
    graph = build_graph(out, names=names)
    assert engine_order(graph, out) == steps
    # forward: one op per step, in creation order
    w.act("reset")
    fwd = []
    for _ in range(w.state.n_forward):
        w.act("step")
        fwd.append(w.state.current())
    assert fwd == sorted(fwd, key=lambda nid: w.graph.nodes[nid].seq)
    assert set(fwd) == {n.id for n in w.graph.of_kind("op")}


@pytest.mark.parametrize("expr,values", EXPRESSIONS)
def test_gradients_shown_are_the_ones_backward_computes(expr, values):
    w = GraphExplorer(expr, values)
    out, names = by_hand(expr, values)
    for t in names.values():
        if not t.is_leaf:
            t.retain_grad()
    out.backward(torch.ones_like(out))
    w.step = w.n_steps
    for name, t in names.items():
        if not t.requires_grad:
            continue
        nid = leaf_id(w, name) if t.is_leaf else next(
            n.id for n in w.graph.of_kind("op") if n.var_name == name)  # fmt: skip
        shown = w.state.info(nid).grad
        np.testing.assert_allclose(shown, t.grad.numpy(), rtol=1e-6, err_msg=name)
    for name, t in w.inputs.items():  # the explorer ran the real backward on its own leaves
        np.testing.assert_allclose(w.state.info(leaf_id(w, name)).grad, t.grad.numpy())


def test_course_examples():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    w.step = w.n_steps
    assert w.state.info(leaf_id(w, "x")).grad == pytest.approx(-12.0)
    assert w.state.info(leaf_id(w, "y")).grad == pytest.approx(0.0)
    assert w.inputs["x"].grad.item() == pytest.approx(-12.0)
    w = GraphExplorer(Z, {"x": 4, "y": math.pi})
    w.step = w.n_steps
    assert w.state.info(leaf_id(w, "x")).grad == pytest.approx(8.0)
    assert w.state.info(leaf_id(w, "y")).grad == pytest.approx(2.0, abs=1e-5)


def test_gradients_appear_only_once_a_node_has_run():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    x = leaf_id(w, "x")
    run = w.state.run_step(x)
    w.step = run - 1
    assert w.state.info(x).grad is None
    assert not any(t.startswith("grad") for t in node_texts(w.svg, x))
    w.step = run
    assert w.state.info(x).grad == pytest.approx(-12.0)
    assert "grad -12" in node_texts(w.svg, x)


# ----- local derivatives and accumulation -------------------------------------------------------


def test_local_derivative_texts_for_add_mul_pow_sin():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    texts = {f for nid in w.state.forward_order for f in _formulas(w, nid)}
    assert "∂(x + y)/∂x = 1" in texts
    assert "∂((x + y)**2)/∂(x + y) = 2*(x + y) = -4" in texts
    assert "∂((2 * x)*y)/∂y = 2 * x = 4" in texts
    assert "∂((2 * x)*y)/∂(2 * x) = y = -4" in texts
    w = GraphExplorer(Z, {"x": 4, "y": math.pi})
    texts = {f for nid in w.state.forward_order for f in _formulas(w, nid)}
    assert "∂(sin(2 * y))/∂(2 * y) = cos(2 * y) = 1" in texts
    assert "∂(x*x)/∂x = x = 4" in texts


def _formulas(w: GraphExplorer, nid: str) -> list[str]:
    return [loc.formula for loc in w.state.locals(nid)]


@pytest.mark.parametrize("expr", [
    "f = x / y - 1 - y", "f = 1 - x * -y", "f = 3 / x + 2 ** y", "f = x ** y",
    "f = exp(x) + log(y) + tanh(x) + sigmoid(y)", "f = sqrt(y) * abs(x) + relu(x) + cos(x)",
    "f = sum(x * v) + mean(v ** 3)", "f = x ** 0.5 + y ** -1",
])  # fmt: skip
def test_local_times_upstream_is_what_the_engine_sent(expr):
    w = GraphExplorer(expr, {"x": 1.3, "y": 2.1, "v": [0.5, -1.0, 2.0]}, dtype=torch.float64)
    for nid in w.state.forward_order:
        upstream = w.state.grads[nid]
        for loc in w.state.locals(nid):
            assert loc.formula is not None and loc.local is not None, (nid, loc)
            shape = w.graph.nodes[loc.source].shape
            product = np.broadcast_to(upstream * loc.local, np.broadcast_shapes(
                np.shape(upstream * loc.local), shape))  # fmt: skip
            product = product.sum(axis=tuple(range(product.ndim - len(shape))))
            np.testing.assert_allclose(product, loc.sent, rtol=1e-9, err_msg=loc.formula)


def test_accumulation_from_two_consumers_is_listed_and_summed():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    x = leaf_id(w, "x")
    received_all = w.state.received(x, w.n_steps)
    assert sorted(float(s.value) for s in received_all) == [-8.0, -4.0]
    assert {w.state.symbol(s.sender) for s in received_all} == {"2 * x", "x + y"}
    first = min(s.step for s in received_all) + w.state.n_forward + 1
    w.step = first  # one of the two has arrived
    w.select(x)
    assert len(w.state.received(x)) == 1
    assert "waiting for 1 more" in w.details
    w.step = w.n_steps
    assert "sum = -12" in w.details and "waiting" not in w.details


def test_accumulation_when_one_op_uses_x_twice():
    w = GraphExplorer(Z, {"x": 4, "y": math.pi})
    x = leaf_id(w, "x")
    sent = w.state.received(x, w.n_steps)
    assert [(s.slot, float(s.value)) for s in sorted(sent, key=lambda s: s.slot)] == [
        (0, 4.0), (1, 4.0)]  # fmt: skip
    assert len({s.sender for s in sent}) == 1
    w.step, w.selected = w.n_steps, x
    assert "(input 0): 4" in w.details and "(input 1): 4" in w.details
    assert "sum = 8" in w.details


def test_chain_rule_product_in_details_of_an_op():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    pow_id = next(n.id for n in w.graph.of_kind("op") if n.label == "PowBackward0")
    w.selected = pow_id
    w.step = w.state.run_step(pow_id) - 1
    assert "Runs at backward step" in w.details
    w.step += 1
    assert "∂f/∂((x + y) ** 2) · ∂((x + y) ** 2)/∂(x + y) = 1 · (-4) = -4 → x + y" in w.details
    assert "(x + y)**2 = (-2)**2 = 4" in w.details  # the forward line


# ----- callbacks, traits and the picture --------------------------------------------------------


def test_buttons_slider_and_messages_move_the_step_and_redraw():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    first = w.rendered
    w._handle_custom_msg({"action": "step"}, [])  # what the view sends for a click
    assert w.step == 1 and w.rendered > first
    op0 = w.state.forward_order[0]
    assert w.state.current() == op0
    rect = svg_nodes(w.svg)[op0].find(f"{SVG}rect")
    assert rect.get("stroke") == LIGHT["highlight"]
    assert "data -2" in node_texts(w.svg, op0)
    assert "Forward pass, step 1 of 5" in w.status
    w.act("back")
    assert w.step == 0 and "data -2" not in node_texts(w.svg, op0)
    w.step = 9  # the slider
    assert w.state.phase() == "backward" and w.state.current() == w.state.backward_order[3]
    groups = ET.fromstring(w.svg).iter(f"{SVG}g")
    flow = [g for g in groups if "flow-back" in (g.get("class") or "")]
    assert flow and all(g.get("data-dst") == w.state.current() for g in flow)
    w.act("forward")
    assert w.step == 0
    w.act("backward")
    assert w.step == w.state.n_forward
    w.act("reset")
    assert w.step == 0
    buttons = {b["action"]: b for b in w.buttons}
    assert set(buttons) == {"reset", "forward", "back", "play", "step", "backward"}
    assert buttons["back"]["disabled"] and not buttons["step"]["disabled"]
    w.step = 999
    assert w.step == w.n_steps and {b["action"]: b for b in w.buttons}["step"]["disabled"]
    with pytest.raises(ValueError, match="unknown action"):
        w.act("explode")


def test_click_selects_a_node_and_rings_it():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    x = leaf_id(w, "x")
    w.selected = x  # what a click in the view sets
    g = svg_nodes(w.svg)[x]
    assert "selected" in g.get("class").split()
    assert any(r.get("class") == "selected-ring" for r in g.iter(f"{SVG}rect"))
    assert f'data-node-id="{x}"' in w.details and "leaf (input)" in w.details
    for row in ("shape", "dtype", "requires_grad", "is_leaf", "version", "value", "grad"):
        assert f'data-row="{row}"' in w.details
    w.selected = "no-such-node"
    assert w.selected == ""
    assert "Click a node" in w.details  # step 0 and nothing selected
    w.selected = x
    w.act("reset")  # Reset also clears the selection
    assert w.selected == "" and "selected-ring" not in w.svg


def test_svg_is_well_formed_and_in_the_mimebundle():
    w = GraphExplorer(Z, {"x": 4, "y": math.pi})
    for k in range(w.n_steps + 1):
        w.step = k
        ET.fromstring(w.svg)
    data, _meta = w._repr_mimebundle_()
    assert data["image/svg+xml"] == w.svg
    assert "application/vnd.jupyter.widget-view+json" in data


def test_play_steps_in_an_asyncio_task_and_pause_stops_it():
    w = GraphExplorer(F, {"x": 2, "y": -4}, interval=2)

    async def scenario() -> int:
        w.act("play")
        assert w.playing and w.buttons[3]["label"] == Text("en")("pause")
        for _ in range(2000):  # the play task runs while this coroutine waits
            await asyncio.sleep(0.001)
            if w.step >= 3:
                break
        assert w.playing and 3 <= w.step < w.n_steps
        w.act("play")  # the same button pauses
        stopped = w.step
        await asyncio.sleep(0.02)
        assert w.step == stopped and not w.playing
        return stopped

    assert asyncio.run(scenario()) == 3

    async def to_the_end() -> None:
        w.interval = 1
        await w.play()  # from a stopped position it plays to the end

    asyncio.run(to_the_end())
    assert w.step == w.n_steps and not w.playing


# ----- construction -----------------------------------------------------------------------------


@pytest.mark.parametrize("expr,message", [
    ("__import__('os')", "calling __import__ is not allowed"),
    ("x.grad", "attribute access"),
    ("torch.sin(x)", r"write sin\(...\)"),
    ("(lambda: x)()", "lambda is not allowed"),
    ("import os", "import is not allowed"),
    ("x[0]", "Subscript"),
    ("open('f')", "calling open is not allowed"),
    ("sin(x, y)", "exactly one argument"),
    ("'text'", "only numbers"),
    ("x @ y", "operator"),
    ("f = (", "could not parse"),
    ("x += 1", "augmented assignment"),
    ("x = x + 1", "is an input"),
    ("__builtins__", "names starting with '_'"),
    ("9.0 ** 9 ** 9 + x", "too large"),
    ("x" + " + x" * 1000, "too long"),
])  # fmt: skip
def test_parser_rejects_everything_but_arithmetic(expr, message):
    with pytest.raises(ValueError, match=message):
        GraphExplorer(expr, {"x": 1.0, "y": 2.0})


def test_missing_values_and_constant_expressions_are_clear_errors():
    with pytest.raises(ValueError, match="no value for y"):
        GraphExplorer("f = x * y", {"x": 1.0})
    with pytest.raises(ValueError, match="does not depend"):
        GraphExplorer("f = 2 * pi", {})
    with pytest.raises(ValueError, match="either an expression"):
        GraphExplorer()


def test_leaves_are_float32_requiring_grad_or_float64():
    w = GraphExplorer("f = x * y", {"x": 1, "y": 2})
    assert all(t.dtype == torch.float32 and t.requires_grad and t.is_leaf
               for t in w.inputs.values())  # fmt: skip
    w = GraphExplorer("f = x * y", {"x": 1, "y": 2}, dtype=torch.float64)
    assert w.inputs["x"].dtype == torch.float64
    w = GraphExplorer("f = x * y", {"x": 1, "y": 2}, dtype="float64")
    assert w.inputs["y"].dtype == torch.float64 and w.graph.find("x")[0].dtype == "float64"
    with pytest.raises(ValueError, match="dtype must be one of"):
        GraphExplorer("f = x * y", {"x": 1, "y": 2}, dtype="int64")


def test_from_an_existing_tensor_keeps_its_graph_and_grads():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(-4.0, requires_grad=True)
    h = x * y
    f = (x + y) ** 2 + h
    w = GraphExplorer(tensor=f, names={"x": x, "y": y, "h": h, "f": f})
    assert x.grad is None  # exploring does not accumulate
    w.step = w.n_steps
    assert w.state.info(leaf_id(w, "x")).grad == pytest.approx(2 * (2 - 4) + -4)
    assert any(n.var_name == "h" for n in w.graph.of_kind("op"))
    f.backward()  # the graph is still there
    assert x.grad.item() == pytest.approx(-8.0)


def test_formulas_for_an_existing_tensor_read_its_constants_from_the_graph():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.tensor(-4.0, requires_grad=True)
    a = 2 * x
    f = (a * y) ** 3 + x / 2
    w = GraphExplorer(tensor=f, names={"x": x, "y": y, "a": a})
    texts = [loc.formula for nid in w.state.forward_order for loc in w.state.locals(nid)]
    assert "∂(x*2)/∂x = 2" in texts and "∂(x/2)/∂x = 1/2 = 0.5" in texts
    assert any(t.startswith("∂(t2**3)/∂t2 = 3*t2**2") for t in texts)  # exponent from the graph
    for nid in w.state.forward_order:
        for loc in w.state.locals(nid):
            assert loc.local is not None, loc.formula
            np.testing.assert_allclose(w.state.grads[nid] * loc.local, loc.sent, rtol=1e-6)


def test_state_works_without_any_widget_library():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = (x * x).sum()
    st = ExplorerState(out, {"x": x})
    assert st.n_steps == st.n_forward + st.n_backward == 2 + 3
    st.go(st.n_steps)
    np.testing.assert_allclose(st.info("leaf0").grad, [2.0, 4.0])
    assert st.go(-5) == 0


def test_languages_and_lazy_imports():
    assert all(set(table) <= set(EN) for table in TABLES.values())
    with pytest.raises(ValueError, match="lang must be one of"):
        GraphExplorer(F, {"x": 2, "y": -4}, lang="xx")
    code = (
        "import sys, minigrad, minigrad.widgets as w; "
        "assert 'anywidget' not in sys.modules and 'ipywidgets' not in sys.modules; "
        "assert {'GraphExplorer', 'GradientDescentExplorer', 'Trainer'} <= set(dir(w))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_step_of_the_status_line_says_what_happened_and_the_last_one_ends_the_pass():
    w = GraphExplorer(F, {"x": 2, "y": -4})
    lines = []
    for k in range(w.n_steps + 1):
        w.step = k
        lines.append(w.status)
    assert lines[0].startswith("Forward pass: only the inputs are known")
    assert all(f"step {k} of" in line for k, line in enumerate(lines[1:], 1) if k < 5)
    last = lines[-1]
    n = w.state.n_backward
    assert f"Backward pass, step {n} of {n}:" in last and last.endswith("every leaf has its .grad.")
    assert sum("Backward pass done" in line for line in lines) == 1


@pytest.mark.parametrize("expr, forward, local", [
    ("f = 2 * y", "2*y = 2*3 = 6", "∂(2*y)/∂y = 2"),
    ("f = y * 2", "y*2 = 3*2 = 6", "∂(y*2)/∂y = 2"),
    ("f = 3 + y", "3 + y = 3 + 3 = 6", "∂(3 + y)/∂y = 1"),
])  # fmt: skip
def test_a_number_written_first_is_shown_first(expr, forward, local):
    """``2 * y`` is recorded as mul(y, 2); the formulas keep the order the learner wrote, and
    the local derivative still matches what the engine sent."""
    w = GraphExplorer(expr, {"y": 3.0})
    w.step = w.n_steps
    (op,) = w.state.forward_order
    info = w.state.info(op)
    assert info.forward == forward
    (loc,) = info.locals
    assert loc.formula == local and float(loc.local) == float(loc.sent)
