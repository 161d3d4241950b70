"""The Playground-like trainer's state and callbacks, without a browser."""

from __future__ import annotations

import asyncio
import base64
import struct
import zlib

import numpy as np
import pytest

pytest.importorskip("anywidget")

import minigrad.widgets as widgets  # noqa: E402
from minigrad.widgets._png import encode_png  # noqa: E402
from minigrad.widgets.trainer import (  # noqa: E402
    CONTROLS,
    DEFAULTS,
    DIVERGED,
    GRID,
    THUMB,
    Trainer,
    TrainerState,
)


def first_weight(state: TrainerState) -> np.ndarray:
    return state.linears[0].weight.detach().numpy().copy()


def test_lazy_export() -> None:
    assert widgets.Trainer is Trainer


def test_loss_falls_on_moons_with_the_default_config() -> None:
    state = TrainerState()
    assert state.config["dataset"] == "moons"
    state.train(40)
    train, test = state.history["train"], state.history["test"]
    assert len(train) == len(test) == 41
    assert train[-1] < 0.6 * train[0]
    assert test[-1] < 0.75 * test[0]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_zero_init_keeps_hidden_units_identical(activation: str) -> None:
    state = TrainerState({"init": "zeros", "activation": activation, "hidden": [4, 3]})
    state.train(5)
    for lin in state.linears[:-1]:  # every unit of a hidden layer gets the same update
        w = lin.weight.detach().numpy()
        b = lin.bias.detach().numpy()
        np.testing.assert_array_equal(w, np.broadcast_to(w[0], w.shape))
        np.testing.assert_array_equal(b, np.broadcast_to(b[0], b.shape))
    _, acts = state.grids()
    for a in acts:
        np.testing.assert_array_equal(a, np.broadcast_to(a[0], a.shape))


def test_zero_init_with_sigmoid_still_moves_the_weights_together() -> None:
    state = TrainerState({"init": "zeros", "activation": "sigmoid", "hidden": [3]})
    state.train(5)
    w = first_weight(state)
    assert np.abs(w).max() > 0  # they learned something, all the same thing
    assert np.all(w == w[0])


def test_random_init_breaks_the_symmetry() -> None:
    state = TrainerState({"init": "random"})
    state.train(5)
    w = first_weight(state)
    assert not np.allclose(w, w[0])


def test_reset_is_deterministic() -> None:
    a, b = TrainerState({"seed": 3}), TrainerState({"seed": 3})
    a.train(3)
    a.reset()
    np.testing.assert_array_equal(first_weight(a), first_weight(b))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert a.epoch == 0 and a.history == b.history
    assert not np.array_equal(first_weight(TrainerState({"seed": 4})), first_weight(b))


def test_config_round_trip() -> None:
    config = {"dataset": "xor", "n": 120, "noise": 0.2, "seed": 7, "hidden": [3],
              "activation": "relu", "lr": 0.03, "batch_size": 5, "init": "zeros",
              "test_fraction": 0.25, "optimizer": "adam"}  # fmt: skip
    w = Trainer(config)
    assert w.config == config
    assert Trainer(w.config).config == config
    assert Trainer().config == DEFAULTS
    assert len(w.state.x_test) == 30 and len(w.state.x_train) == 90
    assert len(w.state.linears) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"dataset": "mnist"},
        {"hidden": [0]},
        {"hidden": [2] * 7},
        {"learning_rate": 1},
        {"test_fraction": 1.0},
        {"lr": 0},
    ],
)
def test_bad_config_is_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        Trainer(bad)


def test_hide() -> None:
    w = Trainer(hide=("dataset", "init"))
    assert w.hide == ["dataset", "init"]
    assert set(w.hide) <= set(CONTROLS)
    with pytest.raises(ValueError, match="unknown controls"):
        Trainer(hide=("colour",))


def test_changing_a_control_rebuilds_the_run() -> None:
    w = Trainer()
    w.step(2)
    frame = w.frame
    w.hidden = [5, 2, 3]
    assert w.layer_sizes == [5, 2, 3] and w.config["hidden"] == [5, 2, 3]
    assert w.epoch == 0 and w.frame > frame
    assert len(w.neurons) == 10 * THUMB * THUMB
    w.dataset = "circles"
    assert w.config["dataset"] == "circles"
    with pytest.raises(ValueError):
        w.test_fraction = 1.5
    assert w.test_fraction == 0.5 and w.config["test_fraction"] == 0.5


def test_grids_shapes_and_ranges() -> None:
    state = TrainerState({"hidden": [4, 2], "activation": "relu"})
    state.train(2)
    prob, acts = state.grids()
    assert prob.shape == (GRID, GRID) and 0 <= prob.min() and prob.max() <= 1
    assert [a.shape for a in acts] == [(4, THUMB, THUMB), (2, THUMB, THUMB)]
    assert all(a.min() >= 0 for a in acts)  # relu
    frame = state.encoded()
    assert len(frame["grid"]) == GRID * GRID
    assert len(frame["neurons"]) == 6 * THUMB * THUMB
    curve = np.frombuffer(frame["curve"], np.float32).reshape(2, -1)
    np.testing.assert_allclose(curve[0], state.history["train"], rtol=1e-6)
    pts = np.frombuffer(state.points(), np.float32).reshape(-1, 4)
    assert len(pts) == DEFAULTS["n"] and set(np.unique(pts[:, 2])) == {0.0, 1.0}
    x0, x1, y0, y1 = state.bounds
    assert x0 < pts[:, 0].min() and pts[:, 0].max() < x1
    assert y0 < pts[:, 1].min() and pts[:, 1].max() < y1


def test_the_decision_boundary_learns_the_labels() -> None:
    state = TrainerState({"dataset": "gaussians"})
    state.train(20)
    x0, x1, y0, y1 = state.bounds
    prob, _ = state.grids()
    rows = ((y1 - state.x_test[:, 1]) / (y1 - y0) * GRID).astype(int)
    cols = ((state.x_test[:, 0] - x0) / (x1 - x0) * GRID).astype(int)
    accuracy = np.mean((prob[rows, cols] > 0.5) == (state.y_test > 0.5))
    assert accuracy > 0.9


@pytest.mark.filterwarnings("error")
def test_a_diverging_run_shows_without_warnings_or_nan() -> None:
    w = Trainer({"dataset": "spiral", "lr": 3.0, "activation": "linear", "hidden": [8] * 6})
    w.step(40)
    assert w.train_loss == w.test_loss == DIVERGED  # JSON has no NaN
    assert np.isfinite(np.frombuffer(w.curve, np.float32)).all()
    assert "diverged" in w._repr_mimebundle_()[0]["text/plain"]


def test_buttons_by_message() -> None:
    w = Trainer()
    w._on_msg(w, {"action": "step"}, [])
    w._on_msg(w, {"action": "step"}, [])
    assert w.epoch == 2 and w.state.epoch == 2
    w._on_msg(w, {"action": "reset"}, [])
    assert w.epoch == 0
    w._on_msg(w, {"action": "explode"}, [])  # ignored


def test_play_loop_advances_and_pause_stops_it() -> None:
    async def scenario() -> tuple[int, int, bool]:
        w = Trainer(max_fps=200)
        task = w.play()
        assert w.play() is task and w.running
        while w.epoch < 5:
            await asyncio.sleep(0.005)  # the loop yields: other work (Pause) gets a turn
        w._on_msg(w, {"action": "pause"}, [])
        await asyncio.wait_for(task, 2)
        stopped = w.epoch
        await asyncio.sleep(0.05)
        return stopped, w.epoch, w.running

    stopped, later, running = asyncio.run(scenario())
    assert stopped >= 5 and later == stopped and not running


def test_mimebundle_has_a_static_picture() -> None:
    w = Trainer()
    w.step(3)
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == height == GRID * 4
    assert "moons" in data["text/plain"]


def test_png_encoder_round_trip() -> None:
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    png = encode_png(img)
    idat = png[png.index(b"IDAT") + 4 :]
    raw = zlib.decompressobj().decompress(idat)
    rows = np.frombuffer(raw[: 2 * 10], np.uint8).reshape(2, 10)
    assert (rows[:, 0] == 0).all()
    np.testing.assert_array_equal(rows[:, 1:].reshape(2, 3, 3), img)


def test_repr_says_what_is_trained_and_how_far():
    t = Trainer({"dataset": "xor", "hidden": [3], "lr": 0.3})
    t.step(2)
    r = repr(t)
    assert r.startswith("<Trainer xor, hidden [3], tanh, lr=0.3: epoch 2, train loss ")
    assert f"test loss {t.test_loss:.3f}>" in r
