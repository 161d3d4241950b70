"""Grad mode: whether operations record a graph.

One global flag, read on every operation (so it must be cheap). The context managers also work
as decorators (``@no_grad()``), restore the previous state on exit, exceptions included, and
nest the way PyTorch's do: ``enable_grad`` inside ``no_grad`` turns recording back on.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _ThreadState(threading.local):
    """Per thread, as in PyTorch: a new thread starts with grad mode on."""

    enabled = True
    inference = False


_State = _ThreadState()


def is_grad_enabled() -> bool:
    return _State.enabled


def is_inference_mode_enabled() -> bool:
    return _State.inference


class _Mode:
    """Base of the grad-mode context managers; subclasses say which state they set."""

    def __new__(cls, *args: Any) -> Any:
        """``@no_grad`` without parentheses decorates too, as in PyTorch 2."""
        if args and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __init__(self, mode: bool) -> None:
        self.mode = mode
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        self._prev.append(_State.enabled)
        _State.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _State.enabled = self._prev.pop()

    def __call__(self, func: F) -> F:
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _wrap_generator(self, func: F) -> F:
        """A generator's body runs at each ``next``/``send``/``throw``, long after the call
        returned: the mode is set around every resumption, and the caller's mode in between."""

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Any:
            gen = func(*args, **kwargs)
            try:
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as error:
                        with self.clone():
                            response = gen.throw(error)
                    else:
                        with self.clone():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value

        return generator  # type: ignore[return-value]

    def clone(self) -> _Mode:
        return type(self)()


class no_grad(_Mode):
    """Operations inside do not record a graph: results have ``requires_grad=False``."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_Mode):
    """Turns recording back on, e.g. inside ``no_grad``."""

    def __init__(self) -> None:
        super().__init__(True)


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches recording off right away (a plain call works like
    PyTorch's); used with ``with`` it restores the previous state on exit."""

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._prev.append(_State.enabled)
        _State.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, func: F) -> F:
        _State.enabled = self._prev.pop()
        return super().__call__(func)

    def clone(self) -> _Mode:
        return _DeferredSet(self.mode)


class _DeferredSet(_Mode):
    """set_grad_enabled used as a decorator: sets the mode only while the function runs."""

    def clone(self) -> _Mode:
        return _DeferredSet(self.mode)


class inference_mode(_Mode):
    """Like ``no_grad`` here (minigrad has no separate inference tensors)."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__(not mode)
        self._inference = bool(mode)
        self._prev_inference: list[bool] = []

    def __enter__(self) -> None:
        super().__enter__()
        self._prev_inference.append(_State.inference)
        _State.inference = self._inference  # inference_mode(False) switches it off inside

    def __exit__(self, *exc: object) -> None:
        _State.inference = self._prev_inference.pop()
        super().__exit__(*exc)

    def clone(self) -> _Mode:
        return inference_mode(self._inference)
