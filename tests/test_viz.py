"""minigrad.viz: graph model, engine order, layered layout, SVG and torchviz-style DOT."""

from __future__ import annotations

import gc
import math
import random
import re
import shutil
import time
import weakref
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest

import minigrad as torch
from minigrad import nn
from minigrad.viz import (
    Drawing,
    ExecutableNotFound,
    backward_order,
    build_graph,
    draw,
    layout,
    make_dot,
    to_svg,
)
from minigrad.viz.svg import LIGHT

SVG = "{http://www.w3.org/2000/svg}"


def scalar(v: float) -> torch.Tensor:
    return torch.tensor(v, requires_grad=True)


def labels(graph, kind: str) -> Counter:
    return Counter(n.label for n in graph.of_kind(kind))


def edge_labels(graph, kind: str = "data") -> Counter:
    return Counter((graph.nodes[e.src].label, graph.nodes[e.dst].label)
                   for e in graph.edges if e.kind == kind)  # fmt: skip


def engine_order(graph, *outputs) -> list[str]:
    """The order in which backward() really calls each node, seen through pre-hooks."""
    calls: list[str] = []
    handles = [fn.register_prehook(lambda grads, nid=nid: calls.append(nid))
               for nid, fn in graph.fns.items()]  # fmt: skip
    torch.autograd.backward(list(outputs))
    for h in handles:
        h.remove()
    return calls


def nodes_in_svg(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-node-id"): g for g in root.iter(f"{SVG}g") if g.get("data-node-id")}


def texts(g: ET.Element, cls: str) -> list[ET.Element]:
    return [t for t in g.iter(f"{SVG}text") if t.get("class") == cls]


# ----- graph model ------------------------------------------------------------------------------


def test_micrograd_expression_structure_values_and_grads():
    x, y = scalar(2.0), scalar(-4.0)
    f = (x + y) ** 2 + 2 * x * y
    g = build_graph(f, names={"x": x, "y": y})
    assert labels(g, "leaf") == {"x": 1, "y": 1}
    assert labels(g, "op") == {"AddBackward0": 2, "MulBackward0": 2, "PowBackward0": 1}
    assert labels(g, "constant") == {}  # the 2s are not leaves unless asked for
    assert edge_labels(g) == Counter({
        ("x", "AddBackward0"): 1, ("y", "AddBackward0"): 1, ("AddBackward0", "PowBackward0"): 1,
        ("x", "MulBackward0"): 1, ("MulBackward0", "MulBackward0"): 1, ("y", "MulBackward0"): 1,
        ("PowBackward0", "AddBackward0"): 1, ("MulBackward0", "AddBackward0"): 1,
        ("AddBackward0", "output"): 1,
    })  # fmt: skip
    (out,) = g.of_kind("output")
    assert out.value == pytest.approx(f.item()) == pytest.approx(-12.0)
    assert g.find("x")[0].grad is None

    f.backward()
    g = build_graph(f, names={"x": x, "y": y})
    gx, gy = g.find("x")[0].grad, g.find("y")[0].grad
    np.testing.assert_allclose(gx, x.grad.numpy())
    np.testing.assert_allclose(gy, y.grad.numpy())
    # df/dx = 2(x + y) + 2y = -12, df/dy = 2(x + y) + 2x = 0
    assert (gx.item(), gy.item()) == (pytest.approx(-12.0), pytest.approx(0.0))
    assert all(n.saved_freed for n in g.of_kind("op") if n.label != "AddBackward0")


def test_x_squared_plus_sin_uses_one_leaf_with_two_edges_into_the_same_op():
    x, y = scalar(4.0), scalar(math.pi)
    z = x * x + torch.sin(2 * y)
    z.backward()
    g = build_graph(z, params={"x": x, "y": y})
    (leaf_x,) = g.find("x")
    into_mul = [e for e in g.consumers(leaf_x.id)]
    assert len(into_mul) == 2 and {e.slot for e in into_mul} == {0, 1}
    assert len({e.dst for e in into_mul}) == 1
    assert g.nodes[into_mul[0].dst].label == "MulBackward0"
    assert leaf_x.grad.item() == pytest.approx(8.0)
    assert g.find("y")[0].grad.item() == pytest.approx(2.0, abs=1e-5)
    assert {n.label for n in g.of_kind("op")} == {"MulBackward0", "SinBackward0", "AddBackward0"}


def test_shared_leaf_across_ops_is_one_node_and_edges_carry_shapes():
    w = torch.randn(3, 2, requires_grad=True)
    out = (w * 2).sum() + w.t().sum()
    g = build_graph(out, params={"w": w})
    (leaf,) = g.of_kind("leaf")
    assert leaf.label == "w" and leaf.shape == (3, 2) and leaf.requires_grad and leaf.is_leaf
    consumers = g.consumers(leaf.id)
    assert len(consumers) == 2 and all(e.shape == (3, 2) for e in consumers)
    t_op = next(n for n in g.of_kind("op") if n.label == "TBackward0")
    assert t_op.shape == (2, 3) and t_op.op == "t"


def test_constants_and_plain_tensors_appear_only_when_asked():
    x = scalar(3.0)
    data = torch.ones(2)
    y = 2 * x + (data * x).sum()
    assert not build_graph(y).of_kind("constant")
    g = build_graph(y, names={"data": data}, show_constants=True)
    assert "2" in labels(g, "constant")
    (plain,) = [n for n in g.of_kind("leaf") if not n.requires_grad]
    assert plain.label == "data" and plain.shape == (2,)
    assert all(e.kind == "constant" for e in g.consumers(plain.id))


def test_leaf_names_params_then_names_then_numbered():
    model = nn.Linear(3, 2)
    x = torch.randn(4, 3, requires_grad=True)
    loss = model(x).sum()
    g = build_graph(loss, params=dict(model.named_parameters()), names={"inp": x, "b": model.bias})
    assert set(labels(g, "leaf")) == {"weight", "bias", "inp"}  # params win over names
    g = build_graph(loss, params=model.named_parameters())  # an iterable of pairs works too
    assert set(labels(g, "leaf")) >= {"weight", "bias"}
    g = build_graph(loss)
    assert all(n.label.startswith("leaf") for n in g.of_kind("leaf"))
    assert sorted(n.label for n in g.of_kind("leaf")) == sorted(n.id for n in g.of_kind("leaf"))


def test_names_from_locals_name_intermediates_and_outputs():
    a = scalar(1.5)
    b = a.exp()
    c = b * a
    _hidden = c  # names starting with _ are ignored (IPython's _ and _1 hold old outputs)
    g = build_graph(c, names=dict(locals()))
    assert [n.label for n in g.of_kind("output")] == ["c"]
    exp = g.find("ExpBackward0")[0]
    assert exp.var_name == "b" and exp.value == pytest.approx(math.exp(1.5), rel=1e-6)
    assert _hidden is c


def test_several_outputs_and_a_leaf_output():
    x = torch.randn(3, requires_grad=True)
    a = x.sin()
    g = build_graph(a.sum(), (a * 2).sum(), x)
    assert [n.label for n in g.of_kind("output")] == ["output0", "output1", "output2"]
    (leaf,) = g.of_kind("leaf")
    assert any(e.src == leaf.id and g.nodes[e.dst].kind == "output" for e in g.edges)
    plain = build_graph(torch.ones(2))
    assert [n.kind for n in plain.nodes.values()] == ["output"] and not plain.edges


def test_saved_tensors_are_shown_on_request_and_tolerate_freeing():
    x = scalar(2.0)
    y = scalar(3.0)
    z = x * y
    g = build_graph(z, names={"x": x, "y": y}, show_saved=True)
    saved = g.of_kind("saved")
    assert sorted(n.label for n in saved) == ["saved x", "saved y"]
    assert {n.of for n in saved} == {g.find("x")[0].id, g.find("y")[0].id}
    assert all(e.kind == "saved" and e.dst == g.find("MulBackward0")[0].id
               for e in g.edges if e.src in {n.id for n in saved})  # fmt: skip
    z.backward()
    g = build_graph(z, show_saved=True)  # freed: no saved boxes, no error
    assert not g.of_kind("saved") and g.find("MulBackward0")[0].saved_freed


def test_big_tensors_keep_shape_but_not_values():
    w = torch.randn(100, 100, requires_grad=True)
    g = build_graph(w.sum(), params={"w": w})
    leaf = g.find("w")[0]
    assert leaf.shape == (100, 100) and leaf.value is None
    assert build_graph(w.sum(), value_limit=None).of_kind("leaf")[0].value.shape == (100, 100)


def test_graph_does_not_keep_the_autograd_graph_alive():
    x = torch.randn(1000, requires_grad=True)
    y = (x.exp() * x).sum()
    g = build_graph(y)
    node = weakref.ref(y.grad_fn)
    assert len(g.fns) == 4
    del y
    gc.collect()
    assert node() is None and len(g.fns) == 0  # x holds its AccumulateGrad weakly too
    assert [n.label for n in g.of_kind("op")] == ["ExpBackward0", "MulBackward0", "SumBackward0"]


def test_chain_of_20000_ops_builds_without_recursion():
    x = scalar(1.0)
    h = x
    for _ in range(20_000):
        h = h * 1.0
    g = build_graph(h)
    assert len(g.of_kind("op")) == 20_000
    order = backward_order(g)
    assert len(order) == 20_001 and order[-1] == g.of_kind("leaf")[0].id


# ----- engine order ---------------------------------------------------------------------------


def _diamond():
    x = scalar(0.5)
    a, b = x.sin(), x.cos()
    return (a * b + a).sum(), ()


def _fan_out():
    x = torch.randn(4, requires_grad=True)
    parts = [x * i for i in range(1, 5)] + [x.exp(), x.tanh()]
    total = parts[0]
    for p in parts[1:]:
        total = total + p.sum()
    return total.sum(), ()


def _mlp():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    return nn.functional.mse_loss(model(torch.randn(16, 2)), torch.randn(16, 1)), ()


def _square_and_inplace():
    x = torch.randn(3, requires_grad=True)
    z = x * x
    z[0] = 5.0
    return (z**2).sum(), ()


def _two_outputs():
    x = torch.randn(3, requires_grad=True)
    a = x.sin()
    return (a * 2).sum(), ((a.exp()).sum(),)


@pytest.mark.parametrize("make", [_diamond, _fan_out, _mlp, _square_and_inplace, _two_outputs])
def test_backward_order_replays_the_engine(make):
    out, more = make()
    g = build_graph(out, *more)
    predicted = g.backward_order()
    assert [g.nodes[nid].order for nid in predicted] == list(range(len(predicted)))
    assert predicted == engine_order(g, out, *more)


# ----- layout ---------------------------------------------------------------------------------


def random_graph(n_ops: int, seed: int = 0) -> torch.Tensor:
    """A connected DAG of ``n_ops`` ops: a chain with random earlier operands (all reachable)."""
    rnd = random.Random(seed)
    torch.manual_seed(seed)
    pool = [torch.randn(3, requires_grad=True) for _ in range(8)]
    for _ in range(n_ops):
        a, b = pool[-1], rnd.choice(pool[-40:])
        kind = rnd.randrange(4)
        pool.append((a + b).tanh() if kind == 0 else a * b.tanh() if kind == 1
                    else a.sin() if kind == 2 else a - b.cos())  # fmt: skip
    return pool[-1].sum()


def check_layout(graph, lay) -> None:
    tb = lay.direction == "TB"
    assert set(lay) == set(graph.nodes)
    for e in graph.edges:  # forward edges go down the layers
        assert lay.layers[e.src] < lay.layers[e.dst]
    by_layer: dict[int, list[str]] = {}
    for nid, lay_nr in lay.layers.items():
        by_layer.setdefault(lay_nr, []).append(nid)
    for nids in by_layer.values():  # no two boxes of a layer overlap
        spans = sorted((lay.box(n)[0 if tb else 1], lay.box(n)[2 if tb else 3]) for n in nids)
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start + 1e-6
    for e, route in zip(graph.edges, lay.routes):  # routes run from box to box
        x0, y0, x1, y1 = lay.box(e.src)
        assert x0 - 1e-6 <= route[0][0] <= x1 + 1e-6 and y0 - 1e-6 <= route[0][1] <= y1 + 1e-6
        x0, y0, x1, y1 = lay.box(e.dst)
        assert x0 - 1e-6 <= route[-1][0] <= x1 + 1e-6 and y0 - 1e-6 <= route[-1][1] <= y1 + 1e-6
    for x0, y0, x1, y1 in map(lay.box, lay):
        assert x0 >= 0 and y0 >= 0 and x1 <= lay.width and y1 <= lay.height


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_layout_is_layered_without_overlaps(direction):
    _, model_loss = None, _mlp()[0]
    for out in (model_loss, random_graph(60)):
        g = build_graph(out, show_constants=True, show_saved=True)
        lay = layout(g, direction)
        check_layout(g, lay)
        assert lay[g.outputs[0]] == lay.pos[g.outputs[0]]


def test_layout_of_300_nodes_is_fast(capsys):
    g = build_graph(random_graph(166))  # deep, with long skip edges: ~2,900 dummy vertices
    assert len(g) == 300
    start = time.perf_counter()
    lay = layout(g)
    took = time.perf_counter() - start
    check_layout(g, lay)
    with capsys.disabled():
        print(f"\nlayout of {len(g)} nodes, {len(g.edges)} edges: {took * 1000:.0f} ms")
    assert took < 5.0  # generous on purpose: about 0.2 s here


def test_layout_rejects_unknown_direction():
    with pytest.raises(ValueError, match="TB"):
        layout(build_graph(scalar(1.0) * 2), "BT")


# ----- SVG ------------------------------------------------------------------------------------


def test_svg_is_well_formed_with_ids_classes_values_and_grads_in_course_colours():
    x, y = scalar(2.0), scalar(-4.0)
    f = (x + y) ** 2 + 2 * x * y
    f.backward()
    g = build_graph(f, names={"x": x, "y": y, "f": f})
    svg = to_svg(g)
    nodes = nodes_in_svg(svg)
    assert set(nodes) == set(g.nodes)
    leaf_x = nodes[g.find("x")[0].id]
    assert leaf_x.get("class") == "node leaf" and leaf_x.get("data-name") == "x"
    assert leaf_x.find(f"{SVG}title") is not None
    mul = [el for el in nodes.values() if el.get("data-name") == "MulBackward0"]
    assert len(mul) == 2 and all(el.get("class") == "node op" for el in mul)
    (value,) = texts(leaf_x, "value")
    (grad,) = texts(leaf_x, "grad")
    assert (value.text, value.get("fill")) == ("data 2", LIGHT["value"])
    assert (grad.text, grad.get("fill")) == ("grad -12", LIGHT["grad"])
    out = nodes[g.outputs[0]]
    assert out.get("class") == "node output" and texts(out, "value")[0].text == "data -12"
    edges = [el for el in ET.fromstring(svg).iter(f"{SVG}g")
             if (el.get("class") or "").split()[:1] == ["edge"]]  # fmt: skip
    assert len(edges) == len(g.edges)
    assert all(el.find(f"{SVG}path").get("marker-end") for el in edges)


def test_svg_options_hide_values_and_highlight():
    x = scalar(2.0)
    y = x * 3
    y.backward()
    g = build_graph(y)
    plain = nodes_in_svg(to_svg(g, show_values=False, show_grads=False))
    assert not any(texts(el, "value") or texts(el, "grad") for el in plain.values())
    op = g.of_kind("op")[0].id
    marked = nodes_in_svg(to_svg(g, highlight=op))[op]
    assert "highlight" in marked.get("class").split()
    assert marked.find(f"{SVG}rect").get("stroke") == LIGHT["highlight"]
    dark = to_svg(g, theme="dark")
    assert 'fill="#1e1e1e"' in dark
    with pytest.raises(ValueError, match="theme"):
        to_svg(g, theme="sepia")


def test_svg_is_deterministic_and_self_contained():
    def make():
        x, y = scalar(1.0), scalar(2.0)
        return build_graph((x * y + x).tanh(), names={"x": x, "y": y})

    a, b = to_svg(make()), to_svg(make())
    assert a == b
    assert "<style" not in a and "<script" not in a and "href" not in a and "@import" not in a
    assert 'xmlns="http://www.w3.org/2000/svg"' in a


def test_svg_escapes_names():
    x = scalar(1.0)
    name = '<w & "b">'
    g = build_graph(x * 2, params={name: x})
    svg = to_svg(g)
    el = nodes_in_svg(svg)[g.of_kind("leaf")[0].id]  # parses, so it is escaped
    assert el.get("data-name") == name
    assert texts(el, "label")[0].text == name


def test_draw_returns_a_jupyter_displayable_drawing(tmp_path):
    x = scalar(1.0)
    d = draw(x.exp() * x, names={"x": x}, direction="LR", show_saved=True)
    assert isinstance(d, Drawing)
    bundle = d._repr_mimebundle_()
    assert bundle["image/svg+xml"] == d.svg == d._repr_svg_()
    ET.fromstring(d.svg)
    path = d.save(tmp_path / "g.svg")
    assert open(path, encoding="utf-8").read() == d.svg


# ----- DOT ------------------------------------------------------------------------------------


def test_make_dot_source_looks_like_torchviz():
    w = torch.randn(2, 3, requires_grad=True)
    x = torch.randn(3)
    y = (w @ x).pow(2).sum()
    dot = make_dot(y, params={"w": w})
    src = dot.source
    lines = src.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}"
    assert '\tgraph [size="12,12"]' in lines
    assert ("\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 "
            "shape=box style=filled]") in lines  # fmt: skip
    assert '\tleaf0 [label="w\\n (2, 3)" fillcolor=lightblue]' in lines
    assert "\tleaf0_acc [label=AccumulateGrad]" in lines
    assert "\tleaf0 -> leaf0_acc" in lines
    assert "\top0 [label=MvBackward0]" in lines and "\tleaf0_acc -> op0" in lines
    assert '\tout0 [label="output\\n ()" fillcolor=darkolivegreen1]' in lines
    assert any(line.endswith("-> out0") for line in lines)
    assert str(dot) == src


def test_make_dot_attrs_and_saved():
    x = scalar(2.0)
    y = x**3
    src = make_dot(y, params={"x": x}, show_attrs=True, show_saved=True).source
    assert re.search(r'PowBackward0\\n-+\\nsaved\[0\]: \[saved tensor\]\\nsaved\[1\]: +3"', src)
    assert "fillcolor=orange" in src and "[dir=none]" in src


def test_make_dot_without_graphviz(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    x = scalar(2.0)
    dot = make_dot(x * x, params={"x": x})
    ET.fromstring(dot._repr_svg_())
    assert "image/svg+xml" in dot._repr_mimebundle_()
    out = dot.render(str(tmp_path / "graph"), format="svg")
    assert out.endswith("graph.svg") and ET.parse(out).getroot().tag == f"{SVG}svg"
    assert (tmp_path / "graph").read_text() == dot.source
    assert dot.pipe().startswith(b"<svg")
    with pytest.raises(ExecutableNotFound, match="(?s)Graphviz.*apt install graphviz"):
        dot.render(str(tmp_path / "graph2"), format="png")
    assert not (tmp_path / "graph2").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_make_dot_with_graphviz(tmp_path):
    x = scalar(2.0)
    out = make_dot(x * x).render(str(tmp_path / "g"), format="png")
    assert open(out, "rb").read(4) == b"\x89PNG"
