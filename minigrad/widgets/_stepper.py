"""The view both explorers share: a picture, buttons, sliders, a status line and a details panel.

All logic stays in Python. The ES module (``_static/explorer.js``) only draws these traits and
sends back ``{"action": name}`` for a button, slider values and node clicks. Play runs as an
asyncio task that moves ``step`` on every ``interval`` ms, so Pause (a message handled between
ticks) stays responsive. ``rendered`` counts the pictures pushed, for a browser test to wait on.
"""

from __future__ import annotations

import asyncio
import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ._i18n import Text, speaks

ESM = pathlib.Path(__file__).parent / "_static" / "explorer.js"


class StepperWidget(anywidget.AnyWidget):
    """Base class: subclasses set ``n_steps``, implement ``_draw()`` and ``_buttons()``."""

    _esm = ESM
    svg = t.Unicode("").tag(sync=True)
    status = t.Unicode("").tag(sync=True)
    details = t.Unicode("").tag(sync=True)
    buttons = t.List(t.Dict()).tag(sync=True)
    sliders = t.List(t.Dict()).tag(sync=True)
    step = t.Int(0).tag(sync=True)
    n_steps = t.Int(0).tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    interval = t.Int(600).tag(sync=True)  # ms between steps while playing
    rendered = t.Int(0).tag(sync=True)
    kind = t.Unicode("").tag(sync=True)  # a CSS class for the view

    def __init__(self, *, lang: str | None = None, interval: int = 600, **kwargs: Any) -> None:
        self.text = Text(lang)
        self.lang = self.text.lang
        self._task: asyncio.Task | None = None
        super().__init__(interval=interval, **kwargs)
        self.on_msg(self._on_msg)
        self.observe(lambda _: self.render(), names=["step"])
        self.observe(lambda _: self._refresh_buttons(), names=["playing"])

    @t.validate("step")
    def _clamp_step(self, proposal: Any) -> int:
        return max(0, min(int(proposal["value"]), self.n_steps))

    # ----- drawing ----------------------------------------------------------------------
    def _draw(self) -> dict[str, str]:
        """``{'svg': ..., 'status': ..., 'details': ...}`` for the current state."""
        raise NotImplementedError

    def _buttons(self) -> list[dict]:
        raise NotImplementedError

    def _actions(self) -> dict[str, Callable[[], Any]]:
        return {"play": self.toggle_play, "pause": self.pause, "step": self.forward_one,
                "back": self.back_one, "reset": self.reset}  # fmt: skip

    def render(self) -> None:
        """Push the current picture, texts and buttons to the view."""
        drawn = self._draw()
        with self.hold_sync():
            for name, value in drawn.items():
                setattr(self, name, value)
            self.buttons = self._buttons()
            self.rendered += 1

    def _refresh_buttons(self) -> None:
        self.buttons = self._buttons()

    def button(self, action: str, *, disabled: bool = False, label: str | None = None) -> dict:
        """One button of the toolbar; label and tooltip come from the language table."""
        key = label or action
        return {"action": action, "label": self.text(key), "title": self.text(f"{key}.tip"),
                "disabled": disabled}  # fmt: skip

    def play_button(self) -> dict:
        if self.playing:
            return self.button("play", label="pause")
        return self.button("play", disabled=self.n_steps == 0)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget, plus the current picture for exported HTML and nbviewer."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return {"image/svg+xml": self.svg, "text/plain": repr(self)}
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        data["image/svg+xml"] = self.svg
        return data, meta

    # ----- actions ----------------------------------------------------------------------
    @speaks
    def act(self, action: str) -> None:
        """Do what the button ``action`` does (the view sends these)."""
        handler = self._actions().get(action)
        if handler is None:
            raise ValueError(f"unknown action {action!r}; known: {sorted(self._actions())}")
        handler()

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("action"), str):
            self.act(content["action"])

    def forward_one(self) -> None:
        self.step = min(self.step + 1, self.n_steps)

    def back_one(self) -> None:
        self.pause()
        self.step = max(self.step - 1, 0)

    def reset(self) -> None:
        self.pause()
        self.step = 0

    # ----- play loop --------------------------------------------------------------------
    @speaks
    def play(self) -> asyncio.Task:
        """Step every ``interval`` ms in an asyncio task (from the end: start over)."""
        if self._task is not None and not self._task.done():
            return self._task
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("play() needs a running asyncio loop (a Jupyter kernel has "
                               "one); outside Jupyter call forward_one()") from None  # fmt: skip
        if self.step >= self.n_steps:
            self.step = 0
        self.playing = True
        self._task = loop.create_task(self._play_loop())
        return self._task

    def pause(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self.playing = False

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    async def _play_loop(self) -> None:
        try:
            while self.step < self.n_steps:
                await asyncio.sleep(max(self.interval, 1) / 1000)
                self.forward_one()
        finally:
            self.playing = False
