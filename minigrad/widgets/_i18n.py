"""Every user-visible string of the explorers, keyed by language.

Add a language by adding a table with the same keys as ``EN`` to ``TABLES`` (a missing key
falls back to English, so a table can be filled in gradually). Placeholders use ``str.format``.
Formulas (``∂(x*y)/∂x = y``) are mathematics, not text, and are not translated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from ..i18n import Catalog, resolve
from ._errors_ru import RU as ERRORS_RU

EN: dict[str, str] = {
    # buttons: label, then tooltip
    "play": "▶ Play",
    "play.tip": "Step automatically",
    "pause": "‖ Pause",
    "pause.tip": "Stop stepping",
    "step": "Step ▶|",
    "step.tip": "One step forward",
    "back": "|◀ Back",
    "back.tip": "One step back",
    "reset": "⟲ Reset",
    "reset.tip": "Back to the start",
    "forward": "Forward pass",
    "forward.tip": "Jump to the start of the forward pass",
    "backward": "Backward pass",
    "backward.tip": "Jump to the start of the backward pass (all values computed)",
    # sliders
    "slider.step": "Step",
    "slider.lr": "Learning rate",
    # graph explorer: status line
    "status.start": "Forward pass: only the inputs are known. Press Step.",
    "status.forward": "Forward pass, step {k} of {n}: {node} = {value}",
    "status.forward_done": "Forward pass done: {node} = {value}. Next: the backward pass.",
    "status.backward": "Backward pass, step {k} of {n}: {grad_fn} of {node} sent {sent}",
    "status.backward_leaf": "Backward pass, step {k} of {n}: {node}.grad = {grad}",
    "status.done": "Backward pass done: every leaf has its .grad.",
    # graph explorer: details panel
    "details.hint": "Click a node to inspect it.",
    "details.kind": "kind",
    "kind.leaf": "leaf (input)",
    "kind.op": "operation",
    "kind.output": "output",
    "kind.constant": "constant",
    "kind.saved": "saved tensor",
    "details.op": "op",
    "details.grad_fn": "grad_fn",
    "details.shape": "shape",
    "details.dtype": "dtype",
    "details.requires_grad": "requires_grad",
    "details.is_leaf": "is_leaf",
    "details.version": "_version",
    "details.value": "value",
    "details.grad": "grad",
    "details.not_yet": "not computed yet",
    "details.unknown": "unknown",
    "details.forward": "Forward",
    "details.local": "Local derivatives",
    "details.chain": "Chain rule (gradient sent to each input)",
    "details.waiting_run": "Runs at backward step {k}: upstream gradient not known yet.",
    "details.upstream": "upstream gradient {sym} = {value}",
    "details.received": "Gradients received",
    "details.from": "from {node} (input {slot})",
    "details.sum": "sum",
    "details.waiting": "waiting for {n} more",
    "details.seed": "backward() starts here with ∂{sym}/∂{sym} = {value}",
    # gradient-descent explorer
    "gd.converging": "Converging: the steps shrink toward a minimum.",
    "gd.slow": "Slow: the steps barely shrink; try a larger learning rate.",
    "gd.oscillating": "Oscillating: each step jumps over the minimum and back (still converging).",
    "gd.oscillating_stuck": "Oscillating: each step jumps over the minimum and back, forever.",
    "gd.diverging": "Diverging: each step lands further away; the learning rate is too large.",
    "gd.overflow": "(overflow after {k} steps)",
    "gd.step": "step",
    "gd.point": "point",
    "gd.value": "loss",
    "gd.slope": "gradient",
    "gd.update": "update −lr·gradient",
    "gd.next": "next point",
    "gd.tangent": "tangent",
    "gd.path": "path",
    # Playground-like trainer
    "trainer.dataset": "Data",
    "trainer.noise": "Noise",
    "trainer.activation": "Activation",
    "trainer.lr": "Learning rate",
    "trainer.batch_size": "Batch size",
    "trainer.init": "Initialisation",
    "trainer.init.random": "random",
    "trainer.init.zeros": "zeros (symmetric)",
    "trainer.optimizer": "Optimizer",
    "trainer.hidden": "Hidden layers",
    "trainer.neurons": "neurons",
    "trainer.neuron.tip": "layer {layer}, neuron {neuron}",
    "trainer.add_layer": "Add a hidden layer",
    "trainer.remove_layer": "Remove the last hidden layer",
    "trainer.add_neuron": "One more neuron in this layer",
    "trainer.remove_neuron": "One neuron fewer in this layer",
    "trainer.epoch": "Epoch",
    "trainer.output": "Output",
    "trainer.train_loss": "Training loss",
    "trainer.test_loss": "Test loss",
    "trainer.play.tip": "Train continuously",
    "trainer.pause.tip": "Stop training",
    "trainer.step.tip": "Train one epoch",
    "trainer.reset.tip": "Start again from the seed",
}

RU: dict[str, str] = {
    # кнопки: надпись, затем всплывающая подсказка
    "play": "▶ Пуск",
    "play.tip": "Шагать автоматически",
    "pause": "‖ Пауза",
    "pause.tip": "Остановить",
    "step": "Шаг ▶|",
    "step.tip": "Один шаг вперёд",
    "back": "|◀ Назад",
    "back.tip": "Один шаг назад",
    "reset": "⟲ Сначала",
    "reset.tip": "Вернуться к началу",
    "forward": "Прямой проход",
    "forward.tip": "Перейти к началу прямого прохода",
    "backward": "Обратный проход",
    "backward.tip": "Перейти к началу обратного прохода (все значения уже вычислены)",
    # ползунки
    "slider.step": "Шаг",
    "slider.lr": "Скорость обучения",
    # исследователь графа: строка состояния
    "status.start": "Прямой проход: известны только входы. Нажмите «Шаг».",
    "status.forward": "Прямой проход, шаг {k} из {n}: {node} = {value}",
    "status.forward_done": "Прямой проход завершён: {node} = {value}. Дальше — обратный проход.",
    "status.backward": "Обратный проход, шаг {k} из {n}: {grad_fn} узла {node} передал {sent}",
    "status.backward_leaf": "Обратный проход, шаг {k} из {n}: {node}.grad = {grad}",
    "status.done": "Обратный проход завершён: у каждого листа графа есть .grad.",
    # исследователь графа: панель подробностей
    "details.hint": "Щёлкните по узлу, чтобы рассмотреть его.",
    "details.kind": "тип",
    "kind.leaf": "лист (вход)",
    "kind.op": "операция",
    "kind.output": "выход",
    "kind.constant": "константа",
    "kind.saved": "сохранённый тензор",
    "details.op": "операция",
    "details.grad_fn": "grad_fn",
    "details.shape": "форма",
    "details.dtype": "dtype",
    "details.requires_grad": "requires_grad",
    "details.is_leaf": "is_leaf",
    "details.version": "_version",
    "details.value": "значение",
    "details.grad": "градиент",
    "details.not_yet": "ещё не вычислено",
    "details.unknown": "неизвестно",
    "details.forward": "Прямой проход",
    "details.local": "Локальные производные",
    "details.chain": "Цепное правило (градиент, переданный каждому входу)",
    "details.waiting_run": "Выполнится на шаге {k} обратного прохода: входящий градиент "
    "пока неизвестен.",
    "details.upstream": "входящий градиент {sym} = {value}",
    "details.received": "Полученные градиенты",
    "details.from": "от {node} (вход {slot})",
    "details.sum": "сумма",
    "details.waiting": "ждём ещё {n}",
    "details.seed": "backward() начинается здесь с ∂{sym}/∂{sym} = {value}",
    # исследователь градиентного спуска
    "gd.converging": "Сходится: шаги уменьшаются по мере приближения к минимуму.",
    "gd.slow": "Медленно: шаги почти не уменьшаются; попробуйте скорость обучения побольше.",
    "gd.oscillating": "Колебания: каждый шаг перепрыгивает минимум и возвращается "
    "(но всё же сходится).",
    "gd.oscillating_stuck": "Колебания: каждый шаг перепрыгивает минимум и возвращается, "
    "и так без конца.",
    "gd.diverging": "Расходится: каждый шаг уводит всё дальше; скорость обучения слишком велика.",
    "gd.overflow": "(переполнение после {k} шагов)",
    "gd.step": "шаг",
    "gd.point": "точка",
    "gd.value": "потери",
    "gd.slope": "градиент",
    "gd.update": "обновление −lr·градиент",
    "gd.next": "следующая точка",
    "gd.tangent": "касательная",
    "gd.path": "путь",
    # тренажёр в духе TensorFlow Playground
    "trainer.dataset": "Данные",
    "trainer.noise": "Шум",
    "trainer.activation": "Активация",
    "trainer.lr": "Скорость обучения",
    "trainer.batch_size": "Размер батча",
    "trainer.init": "Инициализация",
    "trainer.init.random": "случайная",
    "trainer.init.zeros": "нули (симметрия)",
    "trainer.optimizer": "Оптимизатор",
    "trainer.hidden": "Скрытые слои",
    "trainer.neurons": "нейронов",
    "trainer.neuron.tip": "слой {layer}, нейрон {neuron}",
    "trainer.add_layer": "Добавить скрытый слой",
    "trainer.remove_layer": "Убрать последний скрытый слой",
    "trainer.add_neuron": "Добавить нейрон в этот слой",
    "trainer.remove_neuron": "Убрать нейрон из этого слоя",
    "trainer.epoch": "Эпоха",
    "trainer.output": "Выход",
    "trainer.train_loss": "Потери на обучении",
    "trainer.test_loss": "Потери на тесте",
    "trainer.play.tip": "Обучать непрерывно",
    "trainer.pause.tip": "Остановить обучение",
    "trainer.step.tip": "Обучить одну эпоху",
    "trainer.reset.tip": "Начать заново с того же зерна (seed)",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "ru": RU}


class Text:
    """``Text('ru')('status.forward', k=1, n=5, ...)``: a string of one language; ``Text()``
    speaks the current language (``minigrad.i18n``: the notebook's, unless chosen)."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = resolve(lang)
        self.table = TABLES[self.lang]

    def __call__(self, key: str, **fields: object) -> str:
        s = self.table.get(key) or EN[key]
        return s.format(**fields) if fields else s


ERRORS = Catalog({"ru": ERRORS_RU})
F = TypeVar("F", bound=Callable[..., Any])


def speaks(method: F) -> F:
    """Raise the explorer's own errors in its language: ``lang=`` when the constructor is given
    one, else the widget's (``self.lang``), else the current one. Errors are written in English
    and translated on the way out, so the code reads in one language."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (ValueError, TypeError, RuntimeError) as e:
            if e.args and isinstance(e.args[0], str):
                lang = kwargs.get("lang") or getattr(self, "lang", None)
                e.args = (ERRORS.translate(e.args[0], resolve(lang)), *e.args[1:])
            raise

    return wrapper  # type: ignore[return-value]
