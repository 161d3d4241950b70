"""A Playground-like MLP trainer: pure-Python state (``TrainerState``) and a thin anywidget view
(``Trainer``) that draws the decision boundary, per-neuron thumbnails and the loss curves on
canvas.

``Trainer(config, hide=("dataset", "init"))``: ``config`` is a plain dict a teacher can share
(``Trainer().config`` gives it back); ``hide`` names controls the view leaves out.
"""

from __future__ import annotations

import asyncio
import math
import pathlib
import time
from typing import Any

import anywidget
import numpy as np
import traitlets as t

import minigrad as torch
from minigrad import nn
from minigrad.data import DATASETS, make_dataset

from ._i18n import EN, Text, speaks
from ._png import png_base64

DEFAULTS: dict[str, Any] = {
    "dataset": "moons", "n": 200, "noise": 0.1, "seed": 0, "hidden": [4, 4],
    "activation": "tanh", "lr": 0.1, "batch_size": 10, "init": "random",
    "test_fraction": 0.5, "optimizer": "sgd",
}  # fmt: skip
ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
INITS = ("random", "zeros")
OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
CONTROLS = ("dataset", "noise", "hidden", "activation", "lr", "batch_size", "init", "optimizer",
            "buttons", "thumbnails", "loss")  # fmt: skip
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
MAX_LAYERS, MAX_NEURONS = 6, 8
GRID, THUMB, CURVE_POINTS = 48, 16, 200
DIVERGED = 1e9  # the loss the view shows as ∞


def normalize_config(config: dict[str, Any] | None) -> dict[str, Any]:
    """``DEFAULTS`` updated with ``config``, checked; a ValueError names a bad key or value."""
    config = dict(config or {})
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown config keys {unknown}; known: {sorted(DEFAULTS)}")
    c = {**DEFAULTS, **config}
    c["hidden"] = [int(k) for k in c["hidden"]]
    checks = [
        ("dataset", c["dataset"] in DATASETS, sorted(DATASETS)),
        ("activation", c["activation"] in ACTIVATIONS, sorted(ACTIVATIONS)),
        ("init", c["init"] in INITS, list(INITS)),
        ("optimizer", c["optimizer"] in OPTIMIZERS, sorted(OPTIMIZERS)),
        ("hidden", len(c["hidden"]) <= MAX_LAYERS
         and all(1 <= k <= MAX_NEURONS for k in c["hidden"]),
         f"at most {MAX_LAYERS} layers of 1..{MAX_NEURONS} neurons"),
        ("n", isinstance(c["n"], int) and c["n"] >= 4, "an int >= 4"),
        ("noise", c["noise"] >= 0, ">= 0"),
        ("lr", c["lr"] > 0, "> 0"),
        ("batch_size", isinstance(c["batch_size"], int) and c["batch_size"] >= 1, ">= 1"),
        ("test_fraction", 0 < c["test_fraction"] < 1, "between 0 and 1"),
    ]  # fmt: skip
    for key, ok, allowed in checks:
        if not ok:
            raise ValueError(f"config[{key!r}] = {c[key]!r} is not valid: {allowed}")
    c["noise"], c["lr"], c["test_fraction"] = (
        float(c[k]) for k in ("noise", "lr", "test_fraction")
    )
    return c


def _axis(lo: float, hi: float, size: int) -> np.ndarray:
    return lo + (np.arange(size) + 0.5) * (hi - lo) / size  # pixel centres


class TrainerState:
    """Data split, model, optimizer and history of one configuration; no widget code."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = normalize_config(config)
        self.reset()

    def reset(self) -> None:
        """Rebuild data, model and optimizer from the config: the same seed gives the same run."""
        c = self.config
        X, y = make_dataset(c["dataset"], c["n"], c["noise"], c["seed"])
        x, labels = X.numpy().astype(np.float32), (y.numpy() > 0).astype(np.float32)
        rng = np.random.default_rng([c["seed"], 1])
        order = rng.permutation(len(x))
        n_test = min(len(x) - 1, max(1, round(len(x) * c["test_fraction"])))
        self.x_test, self.y_test = x[order[:n_test]], labels[order[:n_test]]
        self.x_train, self.y_train = x[order[n_test:]], labels[order[n_test:]]
        self.bounds = self._square_bounds(x)
        self.model = self._build(c, rng)
        self.optimizer = OPTIMIZERS[c["optimizer"]](self.model.parameters(), lr=c["lr"])
        self.loss_fn = nn.BCEWithLogitsLoss()
        self._rng = rng
        self.epoch = self.steps = 0
        self.history: dict[str, list[float]] = {"train": [], "test": []}
        self._record()
        x0, x1, y0, y1 = self.bounds
        pts = []
        for size in (GRID, THUMB):
            gx, gy = np.meshgrid(_axis(x0, x1, size), _axis(y1, y0, size))  # row 0 at the top
            pts.append(np.stack([gx.ravel(), gy.ravel()], 1))
        self._grid_x = np.concatenate(pts).astype(np.float32)

    @staticmethod
    def _square_bounds(x: np.ndarray) -> tuple[float, float, float, float]:
        lo, hi = x.min(0), x.max(0)
        centre, half = (lo + hi) / 2, max(hi - lo) / 2 * 1.15 + 0.05
        return (float(centre[0] - half), float(centre[0] + half),
                float(centre[1] - half), float(centre[1] + half))  # fmt: skip

    @staticmethod
    def _build(c: dict[str, Any], rng: np.random.Generator) -> nn.Sequential:
        sizes = [2, *c["hidden"], 1]
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[c["activation"]]())
        model = nn.Sequential(*layers)
        with torch.no_grad():  # PyTorch's default ranges, drawn from our own seeded generator
            for p in model.parameters():
                bound = 1 / math.sqrt(p.shape[-1] if p.dim() == 2 else p.shape[0])
                value = np.zeros(tuple(p.shape), np.float32)
                if c["init"] == "random":
                    value = rng.uniform(-bound, bound, value.shape).astype(np.float32)
                p.copy_(torch.from_numpy(value))
        return model

    @property
    def linears(self) -> list[nn.Linear]:
        return [m for m in self.model if isinstance(m, nn.Linear)]

    def _loss(self, x: np.ndarray, y: np.ndarray) -> float:
        with torch.no_grad(), np.errstate(all="ignore"):
            logits = self.model(torch.from_numpy(x)).reshape(-1)
            return float(self.loss_fn(logits, torch.from_numpy(y)).item())

    def _record(self) -> None:
        self.history["train"].append(self._loss(self.x_train, self.y_train))
        self.history["test"].append(self._loss(self.x_test, self.y_test))

    def train(self, epochs: int = 1) -> None:
        """``epochs`` passes over the training set in shuffled mini-batches."""
        bs = self.config["batch_size"]
        for _ in range(epochs):
            with np.errstate(all="ignore"):  # a diverging run shows as such, without warnings
                self._epoch(bs)
            self.epoch += 1
            self._record()

    def _epoch(self, bs: int) -> None:
        order = self._rng.permutation(len(self.x_train))
        for i in range(0, len(order), bs):
            idx = order[i : i + bs]
            self.optimizer.zero_grad()
            logits = self.model(torch.from_numpy(self.x_train[idx])).reshape(-1)
            self.loss_fn(logits, torch.from_numpy(self.y_train[idx])).backward()
            self.optimizer.step()
            self.steps += 1

    def grids(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """The output probability on a ``GRID``x``GRID`` grid (row 0 at the top) and, per
        hidden layer, each neuron's activation on a ``THUMB``x``THUMB`` grid, ``[units, T, T]``."""
        n_big = GRID * GRID
        acts = []
        with torch.no_grad(), np.errstate(all="ignore"):
            h = torch.from_numpy(self._grid_x)
            for i, layer in enumerate(self.model):
                h = layer(h)
                if i % 2 == 1:
                    acts.append(h.numpy()[n_big:].T.reshape(-1, THUMB, THUMB))
            prob = torch.sigmoid(h).numpy()[:n_big, 0].reshape(GRID, GRID)
        return np.nan_to_num(prob, nan=0.5), [np.nan_to_num(a) for a in acts]

    def encoded(self) -> dict[str, Any]:
        """What the view needs for one frame, as compact bytes (uint8 / float32)."""
        prob, acts = self.grids()
        scaled = []
        for a in acts:
            if self.config["activation"] in ("relu", "linear"):
                a = a / np.maximum(np.abs(a).max(axis=(1, 2), keepdims=True), 1e-6)
            scaled.append(np.clip(a, -1, 1).reshape(-1))
        neurons = np.concatenate(scaled) if scaled else np.zeros(0)
        hist = np.asarray([self.history["train"], self.history["test"]], np.float32)
        if hist.shape[1] > CURVE_POINTS:
            hist = hist[:, np.linspace(0, hist.shape[1] - 1, CURVE_POINTS).round().astype(int)]
        return {
            "grid": np.round(prob * 255).astype(np.uint8).tobytes(),
            "neurons": np.round((neurons + 1) * 127.5).astype(np.uint8).tobytes(),
            "curve": np.nan_to_num(hist, nan=DIVERGED, posinf=DIVERGED).tobytes(),
            "epoch": self.epoch,
            "train_loss": _finite(self.history["train"][-1]),
            "test_loss": _finite(self.history["test"][-1]),
        }

    def points(self) -> bytes:
        """Data points as float32 rows ``(x, y, label, is_test)``."""
        rows = [
            np.column_stack([x, y, np.full(len(y), flag)])
            for x, y, flag in ((self.x_train, self.y_train, 0.0), (self.x_test, self.y_test, 1.0))
        ]
        return np.concatenate(rows).astype(np.float32).tobytes()

    def picture(self, scale: int = 4) -> np.ndarray:
        """An RGB image of the heat map with the data points (the static fallback)."""
        prob, _ = self.grids()
        img = _colour(np.round(prob * 255).astype(np.uint8)).repeat(scale, 0).repeat(scale, 1)
        x0, x1, y0, y1 = self.bounds
        size = GRID * scale
        for x, y in ((self.x_train, self.y_train), (self.x_test, self.y_test)):
            cols = ((x[:, 0] - x0) / (x1 - x0) * size).astype(int)
            rows = ((y1 - x[:, 1]) / (y1 - y0) * size).astype(int)
            for r, c, label in zip(rows, cols, y):
                img[max(r - 2, 0) : r + 3, max(c - 2, 0) : c + 3] = 40
                img[max(r - 1, 0) : r + 2, max(c - 1, 0) : c + 2] = _POINT[int(label)]
        return img


# Playground's palette: orange (class 0, negative) through white to blue (class 1, positive).
_ORANGE, _WHITE, _BLUE = (
    np.array([245, 147, 34]),
    np.array([232, 234, 235]),
    np.array([8, 119, 189]),
)
_s = np.linspace(0, 1, 256)[:, None]
_LUT = np.where(_s < 0.5, _ORANGE + (_WHITE - _ORANGE) * (_s * 2),
                _WHITE + (_BLUE - _WHITE) * (_s * 2 - 1)).round().astype(np.uint8)  # fmt: skip
_POINT = np.array([_ORANGE, _BLUE], np.uint8)


def _finite(x: float) -> float:
    """JSON has no NaN or infinity: a diverged loss is sent as ``DIVERGED``."""
    return x if math.isfinite(x) and x < DIVERGED else DIVERGED


def _colour(values: np.ndarray) -> np.ndarray:
    return _LUT[values]


class Trainer(anywidget.AnyWidget):
    """Playground-like trainer: ``Trainer({"dataset": "xor", "hidden": [3]}, hide=("init",))``.

    ``step()`` trains one epoch, ``play()`` starts an asyncio task that trains and redraws until
    ``pause()``, ``reset()`` re-initialises from the seed. ``config`` is the shareable dict.
    """

    _esm = pathlib.Path(__file__).parent / "_static" / "trainer.js"

    dataset = t.Enum(sorted(DATASETS), DEFAULTS["dataset"]).tag(sync=True)
    n = t.Int(DEFAULTS["n"], min=4).tag(sync=True)
    noise = t.Float(DEFAULTS["noise"], min=0.0).tag(sync=True)
    seed = t.Int(DEFAULTS["seed"]).tag(sync=True)
    hidden = t.List(t.Int(min=1, max=MAX_NEURONS), DEFAULTS["hidden"],
                    maxlen=MAX_LAYERS).tag(sync=True)  # fmt: skip
    activation = t.Enum(sorted(ACTIVATIONS), DEFAULTS["activation"]).tag(sync=True)
    lr = t.Float(DEFAULTS["lr"]).tag(sync=True)
    batch_size = t.Int(DEFAULTS["batch_size"], min=1).tag(sync=True)
    init = t.Enum(INITS, DEFAULTS["init"]).tag(sync=True)
    test_fraction = t.Float(DEFAULTS["test_fraction"]).tag(sync=True)
    optimizer = t.Enum(sorted(OPTIMIZERS), DEFAULTS["optimizer"]).tag(sync=True)

    hide = t.List(t.Unicode()).tag(sync=True)
    labels = t.Dict().tag(sync=True)
    choices = t.Dict().tag(sync=True)
    epochs_per_frame = t.Int(1, min=1).tag(sync=True)
    running = t.Bool(False).tag(sync=True)
    frame = t.Int(0).tag(sync=True)  # kernel-side count of frames pushed
    rendered = t.Int(0).tag(sync=True)  # set by the view after it has drawn a frame
    epoch = t.Int(0).tag(sync=True)
    train_loss = t.Float(0.0).tag(sync=True)
    test_loss = t.Float(0.0).tag(sync=True)
    bounds = t.List(t.Float()).tag(sync=True)
    layer_sizes = t.List(t.Int()).tag(sync=True)
    grid_size = t.Int(GRID).tag(sync=True)
    thumb_size = t.Int(THUMB).tag(sync=True)
    grid = t.Bytes(b"").tag(sync=True)
    neurons = t.Bytes(b"").tag(sync=True)
    curve = t.Bytes(b"").tag(sync=True)
    points = t.Bytes(b"").tag(sync=True)

    @speaks
    def __init__(
        self,
        config: dict[str, Any] | None = None,
        *,
        lang: str | None = None,
        hide: tuple[str, ...] | list[str] = (),
        max_fps: float = 30.0,
    ) -> None:
        bad = sorted(set(hide) - set(CONTROLS))
        if bad:
            raise ValueError(f"unknown controls to hide {bad}; known: {list(CONTROLS)}")
        text = Text(lang)
        self.lang = text.lang
        keys = [k for k in EN if k.startswith("trainer.")] + ["play", "pause", "step", "reset"]
        self._ready = False
        self._task: asyncio.Task | None = None
        self.max_fps = max_fps
        self.state = TrainerState(config)
        choices = {"dataset": list(DATASETS), "activation": list(ACTIVATIONS), "init": list(INITS),
                   "optimizer": list(OPTIMIZERS), "lr": LEARNING_RATES}  # fmt: skip
        super().__init__(**self.state.config, hide=list(hide), choices=choices,
                         labels={k: text(k) for k in keys})  # fmt: skip
        self._ready = True
        self.on_msg(self._on_msg)
        self._push(new_data=True)

    def __repr__(self) -> str:
        c = self.state.config
        return (f"<Trainer {c['dataset']}, hidden {c['hidden']}, {c['activation']}, "
                f"lr={c['lr']:g}: epoch {self.epoch}, train loss {self.train_loss:.3f}, "
                f"test loss {self.test_loss:.3f}>")  # fmt: skip

    @property
    def config(self) -> dict[str, Any]:
        """The current configuration: ``Trainer(other.config)`` rebuilds the same run."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.state.config.items()}

    @t.observe(*DEFAULTS)
    @speaks
    def _config_changed(self, change: dict[str, Any]) -> None:
        if not self._ready:
            return
        try:
            self.state = TrainerState({k: getattr(self, k) for k in DEFAULTS})
        except ValueError:  # e.g. a test_fraction of 1 from a script: keep the old run
            with self.hold_trait_notifications():
                setattr(self, change["name"], change["old"])
            raise
        self._push(new_data=True)

    def _push(self, new_data: bool = False) -> None:
        frame = self.state.encoded()
        with self.hold_sync():
            if new_data:
                self.points = self.state.points()
                self.bounds = list(self.state.bounds)
                self.layer_sizes = list(self.state.config["hidden"])
            for key, value in frame.items():
                setattr(self, key, value)
            self.frame += 1

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs and redraw."""
        self.state.train(epochs)
        self._push()

    def reset(self) -> None:
        """Stop, and start again from the seed (the same weights and data as before)."""
        self.pause()
        self.state.reset()
        self._push(new_data=True)

    @speaks
    def play(self) -> asyncio.Task:
        """Train in an asyncio task on the running loop (the kernel's) until ``pause()``."""
        self.running = True
        if self._task is not None and not self._task.done():
            return self._task  # paused within its last frame: it carries on
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.running = False
            raise RuntimeError("play() needs a running asyncio loop (a Jupyter kernel has one); "
                               "outside Jupyter call step()") from None  # fmt: skip
        self._task = loop.create_task(self._play())
        return self._task

    def pause(self) -> None:
        """Stop the play loop after its current frame."""
        self.running = False

    async def _play(self) -> None:
        try:
            while self.running:
                start = time.perf_counter()
                self.step(self.epochs_per_frame)
                await asyncio.sleep(max(0.001, 1 / self.max_fps - (time.perf_counter() - start)))
        finally:
            self.running = False

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action in ("step", "reset", "pause", "play"):
            getattr(self, action)()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        if data is None:
            return None
        data["image/png"] = png_base64(self.state.picture())
        c = self.state.config
        loss = "diverged" if self.test_loss >= DIVERGED else f"{self.test_loss:.3f}"
        data["text/plain"] = (
            f"Trainer({c['dataset']}, hidden={c['hidden']}, epoch={self.state.epoch}, "
            f"test loss={loss})"
        )
        return data, meta
