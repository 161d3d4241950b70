"""GradientDescentExplorer: iterates, verdicts, tangent and picture, without a browser."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minigrad as torch
from minigrad.widgets import _contour
from minigrad.widgets.gd_state import GDState, classify

pytest.importorskip("anywidget")
from minigrad.widgets import GradientDescentExplorer  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def derivative(f: str, x: float) -> float:
    """f'(x) by minigrad's autograd, written out by hand."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = eval(f, {"x": t, "sin": torch.sin, "exp": torch.exp})  # trusted test input
    out.backward()
    return t.grad.item()


def elements(svg: str, cls: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter() if cls in (e.get("class") or "").split()]


# ----- verdicts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lr,verdicts", [
    (0.001, {"slow"}), (0.01, {"slow"}),
    (0.1, {"converging"}),
    (0.45, {"converging", "oscillating"}), (0.5, {"converging", "oscillating"}),  # 1/L = 0.5
    (0.9, {"oscillating"}),
    (1.0, {"oscillating"}),
    (1.1, {"diverging"}), (3.0, {"diverging"}),
])  # fmt: skip
def test_verdicts_on_x_squared(lr, verdicts):
    st = GDState("x**2", 3.0, lr, 30)
    assert st.run.verdict in verdicts
    if lr == 1.0:
        assert not st.run.shrinking  # bounces between 3 and -3 for ever
    if lr == 3.0:
        assert st.run.overflow and len(st.run.points) < 31


def test_iterates_follow_the_update_rule_with_autograd_gradients():
    f = "x**3 - 2*x + sin(x)"
    st = GDState(f, 1.5, 0.05, 20)
    pts, grads = st.run.points[:, 0], st.run.grads[:, 0]
    for k in range(len(pts)):
        assert grads[k] == pytest.approx(derivative(f, pts[k]), rel=1e-12)
    np.testing.assert_allclose(pts[1:], pts[:-1] - 0.05 * grads[:-1])


def test_tangent_slope_is_the_autograd_derivative():
    f = "x**3 - 2*x + sin(x)"
    w = GradientDescentExplorer(f, x0=1.5, lr=0.05, steps=10)
    for k in (0, 3, 7):
        w.step = k
        x = w.state.run.points[k, 0]
        slope, icpt = w.state.tangent()
        assert slope == pytest.approx(derivative(f, x), rel=1e-12)
        assert slope * x + icpt == pytest.approx(w.state.run.losses[k])
        (line,) = elements(w.svg, "tangent")
        assert float(line.get("data-slope")) == pytest.approx(slope, rel=1e-12)


def test_classify_edge_cases():
    start_at_minimum = np.zeros((5, 1))
    assert classify(start_at_minimum, np.zeros(5), False)[0] == "converging"
    assert classify(np.array([[1.0]]), np.array([1.0]), True) == ("diverging", False)


# ----- two variables ----------------------------------------------------------------------------


def test_two_variables_contours_lie_on_level_sets_and_path_is_drawn():
    w = GradientDescentExplorer("x**2 + 3*y**2", x0=(3, 2), lr=0.1, steps=20)
    assert w.state.dim == 2 and w.verdict == "converging"
    w.step = 4
    contours = elements(w.svg, "contour")
    assert len(contours) >= 5
    (path,) = elements(w.svg, "path")
    assert path.get("data-points") == "5"
    assert elements(w.svg, "step") and elements(w.svg, "current")
    w.lr = 0.34  # beyond 2/L = 1/3 in y
    assert w.verdict == "diverging"
    xs = ys = np.linspace(-2, 2, 41)
    X, Y = np.meshgrid(xs, ys)
    segs = _contour.segments(xs, ys, X**2 + 3 * Y**2, 1.0)
    assert len(segs) > 20
    err = np.abs(segs[..., 0] ** 2 + 3 * segs[..., 1] ** 2 - 1.0)
    assert err.max() < 0.02  # linear interpolation on a 0.1 grid


def test_saddle_cells_give_two_segments():
    xs = ys = np.array([0.0, 1.0])
    z = np.array([[1.0, -1.0], [-1.0, 1.0]])
    assert _contour.segments(xs, ys, z, 0.0).shape == (2, 2, 2)


# ----- the widget -------------------------------------------------------------------------------


def test_lr_slider_changes_the_run_and_the_status():
    w = GradientDescentExplorer("x**2", x0=3.0, lr=0.1)
    first = w.rendered
    assert "Converging" in w.status
    w.lr = 0.001
    assert w.verdict == "slow" and "Slow" in w.status and w.rendered > first
    w.lr = 0.9
    assert "Oscillating" in w.status
    w.lr = 1.5
    assert "Diverging" in w.status
    w.lr = -1.0  # refused: the run stays
    assert w.lr == 1.5
    slider = {s["trait"]: s for s in w.sliders}["lr"]
    assert slider["log"] and slider["min"] <= 1e-3 and slider["max"] >= 1.5


def test_buttons_move_the_point_and_the_picture_follows():
    w = GradientDescentExplorer("x**2", x0=3.0, lr=0.25, steps=5)
    (dot,) = elements(w.svg, "current")
    x0 = float(dot.get("cx"))
    w._handle_custom_msg({"action": "step"}, [])
    assert w.step == 1 and 'data-row="point"' in w.details and "1.5" in w.details
    (dot,) = elements(w.svg, "current")
    assert float(dot.get("cx")) < x0  # moved left toward the minimum
    w.act("back")
    assert w.step == 0
    w.step = 99
    assert w.step == 5 and not elements(w.svg, "step")  # no step after the last point
    w.act("reset")
    assert w.step == 0
    assert {b["action"] for b in w.buttons} == {"reset", "back", "play", "step"}


def test_a_point_that_left_the_plot_is_marked_at_the_border():
    w = GradientDescentExplorer("x**2", x0=3.0, lr=0.1, steps=10)
    w.lr = 1.4
    w.step = 10
    assert elements(w.svg, "offscreen")


def test_svg_well_formed_and_in_the_mimebundle():
    for f, x0 in (("x**2", 3.0), ("x**2 + 3*y**2", (3.0, 2.0)), ("exp(x) - 2*x", 2.0)):
        w = GradientDescentExplorer(f, x0=x0, lr=0.1, steps=8)
        for k in (0, 4, 8):
            w.step = k
            assert ET.fromstring(w.svg).tag == f"{SVG}svg"
        data, _ = w._repr_mimebundle_()
        assert data["image/svg+xml"] == w.svg


def test_play_loop_advances_without_blocking():
    w = GradientDescentExplorer("x**2", x0=3.0, lr=0.1, steps=30, interval=2)

    async def scenario() -> None:
        w.act("play")
        for _ in range(2000):
            await asyncio.sleep(0.001)
            if w.step >= 3:
                break
        assert w.playing and w.step == 3
        w.act("pause")
        await asyncio.sleep(0.01)
        assert w.step == 3 and not w.playing

    asyncio.run(scenario())


@pytest.mark.parametrize("f,x0,message", [
    ("x*y*z", None, "one or two variables"),
    ("2 + 3", None, "one or two variables"),
    ("x**2", (1.0, 2.0), "x0 needs 1"),
    ("x.real", None, "attribute access"),
])  # fmt: skip
def test_bad_functions_are_clear_errors(f, x0, message):
    with pytest.raises(ValueError, match=message):
        GradientDescentExplorer(f, x0=x0)


@pytest.mark.parametrize("x0", [{"x": 3.0}, "three", [[1.0], [2.0, 3.0]]])
def test_a_starting_point_that_is_not_numbers_is_a_clear_error(x0):
    with pytest.raises(TypeError, match="x0 must be a number or a sequence of 1 numbers"):
        GradientDescentExplorer("x**2", x0=x0)
