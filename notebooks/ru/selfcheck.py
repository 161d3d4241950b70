# ruff: noqa: E501 (one question per line)
"""Самопроверка для русского издания: те же вопросы и ответы, что в ``../selfcheck.py``, но
подсказки и сообщения по-русски.

Главы русского издания пишут ``from selfcheck import answer``, как и английские; из папки
``notebooks/ru/`` этот импорт находит этот файл. Он загружает общий модуль, переключает его на
русский язык и добавляет русские подсказки. Ответы (хэши) хранятся только в общем модуле, так что
издания не могут разойтись.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "selfcheck_shared", Path(__file__).resolve().parents[1] / "selfcheck.py"
)
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

# номер вопроса -> (подсказка при неверном ответе, замечание при верном)
HINTS: dict[str, tuple[str, str]] = {
    # глава 1: тензоры
    "1.1": ("TODO", ""),
    "1.2": ("TODO", ""),
    "1.3": ("TODO", "TODO"),
    "1.4": ("TODO", ""),
    "1.5": ("TODO", ""),
    "1.6": ("TODO", ""),
    "1.7": ("TODO", ""),
    "1.8": ("TODO", ""),
    "1.9": ("TODO", ""),
    # глава 2: вычислительные графы
    "2.1": ("у a два потребителя, b и c: сложите (dL/db) * w1 и (dL/dc) * w2, где dL/db = -5, а dL/dc = -40.", "-15 + 40: градиенты, пришедшие от обоих потребителей, складываются."),
    "2.2": ("dz/dx = 2x при x = 4; dz/dy = 2 cos(2y), а cos(2 pi) = 1.", ""),
    "2.3": ("каждый ромб удваивает число путей: 2 в степени глубины.", "2^10 путей, а backward() посещает всего 31 узел."),
    # глава 3: autograd и backward
    "3.1": ("листья — это тензоры, которые вы создали сами, и все тензоры, которые не требуют градиента.", ""),
    "3.2": ("подставьте x = 2, y = -4 в 2(x + y) + 2y и 2(x + y) + 2x.", ""),
    "3.3": ("без множителя 1/4 от среднего производная равна 3 * 2 * (x + 2) при x = 1.", ""),
    "3.4": ("d(x**3)/dx = 3x**2 = 12 при x = 2, а backward каждый раз прибавляет к .grad.", "12 + 12: градиенты накапливаются."),
    "3.5": ("у y = x**2 якобиан diag(2x); v^T J поэлементно умножает v на 2x.", ""),
    # глава 4: как остановить граф
    "4.1": ("TODO", ""),
    "4.2": ("TODO", ""),
    "4.3": ("TODO", ""),
    "4.4": ("TODO", ""),
    "4.5": ("TODO", ""),
    # глава 5: операции in-place и листья
    "5.1": ("TODO", ""),
    "5.2": ("TODO", ""),
    "5.3": ("TODO", ""),
    # глава 6: обучение
    "6.1": ("TODO", "TODO"),
    "6.2": ("TODO", ""),
    "6.3": ("TODO", ""),
    "6.4": ("TODO", "TODO"),
    "6.5": ("TODO", "TODO"),
    # глава 7: внутри minigrad
    "7.1": ("TODO", ""),
}  # fmt: skip

PHRASES = {
    "no_question": "Вопроса {qid!r} нет: проверьте номер вопроса.",
    "unanswered": "Вопрос {qid}: замените ... своим ответом и запустите ячейку ещё раз.",
    "right": "Верно!",
    "not_quite": "Не совсем: {why}",
    "no_forward": "Пока нет: forward() не написан (он бросает NotImplementedError).",
    "forward_raised": "Не совсем: forward() бросил {error}",
    "forward_shape": "Не совсем: forward() должен вернуть тензор формы {want}, а вернул {got}.",
    "forward_values": "Не совсем: forward() вычисляет неверные значения.",
    "forward_ok": "forward: значения верные.",
    "no_backward": "Пока нет: backward() не написан (он бросает NotImplementedError).",
    "backward_raised": "Не совсем: backward() бросил {error}",
    "backward_values": "Не совсем: backward() расходится с конечными разностями. Он должен "
    "вернуть grad_output, умноженный на производную forward в сохранённой точке.",
    "backward_ok": "backward: совпадает с конечными разностями. Верно!",
}

_shared.LANG = "ru"
_shared.HINTS["ru"] = HINTS
_shared.PHRASES["ru"] = PHRASES

QUESTIONS = _shared.QUESTIONS
answer = _shared.answer
check_function = _shared.check_function
expect = _shared.expect
_hash = _shared._hash

__all__ = ["answer", "check_function"]
