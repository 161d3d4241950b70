"""minigrad's own words in English and Russian: how the language is chosen, the sentence
catalogue, the error hints (PyTorch's message itself never changes) and the explorers' strings."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from catalog_keys import template

import minigrad as torch
from minigrad import i18n
from minigrad._errors import HINTS
from minigrad._hints_ru import RU as HINTS_RU
from minigrad.widgets import _i18n as widget_text

PACKAGE = Path(torch.__file__).resolve().parent
CYRILLIC = re.compile("[а-яё]", re.I)


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A clean slate: nothing chosen, no MINIGRAD_LANG, no notebook path."""
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


def notebook(path: Path, language: str | None) -> Path:
    meta = {"minigrad": {"language": language}} if language else {}
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4}), encoding="utf-8")
    return path


# ----- how the language is chosen ------------------------------------------------------------
def test_english_without_any_choice(lang: None, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert i18n.get_language() == "en"


def test_the_notebook_the_front_end_names_decides(lang: None, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    notebook(tmp_path / "a.ipynb", "en")
    ru = notebook(tmp_path / "b.ipynb", "ru")
    assert i18n.get_language() == "en"  # the folder's notebooks disagree: no guess
    monkeypatch.setenv("JPY_SESSION_NAME", str(ru))
    assert i18n.get_language() == "ru"


def test_the_working_directory_decides_when_its_notebooks_agree(
    lang: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notebook(tmp_path / "a.ipynb", "ru")
    notebook(tmp_path / "b.ipynb", None)  # no declaration does not disagree
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert i18n.get_language() == "ru"


def test_explicit_choices_win_in_order(lang: None, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    notebook(tmp_path / "a.ipynb", "ru")
    monkeypatch.setenv(i18n.ENV_VAR, "EN")
    assert i18n.get_language() == "en"  # the environment beats the notebook
    i18n.set_language("ru")
    assert i18n.get_language() == "ru"  # set_language beats the environment
    assert i18n.resolve("en") == "en"  # and an explicit lang= beats everything


def test_unknown_languages_are_refused_with_the_choices(lang: None, monkeypatch) -> None:
    with pytest.raises(ValueError, match="language must be one of en, ru, not 'de'"):
        i18n.set_language("de")
    with pytest.raises(ValueError, match="lang must be one of en, ru"):
        i18n.resolve("english")
    monkeypatch.setenv(i18n.ENV_VAR, "fr")
    with pytest.raises(ValueError, match="MINIGRAD_LANG must be one of en, ru"):
        i18n.get_language()


def test_the_course_notebooks_declare_their_edition() -> None:
    root = PACKAGE.parent / "notebooks"
    for folder, lang in ((root, "en"), (root / "ru", "ru")):
        for nb in folder.glob("[0-9]*.ipynb"):
            assert i18n._declared(nb) == lang, nb


# ----- the catalogue -------------------------------------------------------------------------
def test_catalog_translates_finished_sentences_with_their_fields() -> None:
    cat = i18n.Catalog(
        {
            "ru": {
                "shapes {list(a)} and {list(b)} differ": "формы {list(a)} и {list(b)} разные",
                "shapes {x} differ from {y}": "формы {x} отличаются от {y}",
                "done": "готово",
            }
        }
    )
    assert cat.translate("shapes [2, 3] and [4] differ", "ru") == "формы [2, 3] и [4] разные"
    assert cat.translate("shapes (1,) differ from (2,)", "ru") == "формы (1,) отличаются от (2,)"
    assert cat.translate("done", "ru") == "готово"
    assert cat.translate("done", "en") == "done"
    assert cat.translate("something new", "ru") == "something new"  # stays English
    assert cat.translate("done.", "ru") == "done."  # whole sentences only
    assert cat.missing("ru", ["done", "other"]) == ["other"]


# ----- error hints ---------------------------------------------------------------------------
HINT_FUNCTIONS = {"runtime_error", "type_error", "index_error", "value_error", "with_hint"}


def hint_templates() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            n.targets[0].id: n.value.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Name)
            and isinstance(n.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", None) in HINT_FUNCTIONS
            ):
                continue
            hint = node.args[1:] + [k.value for k in node.keywords if k.arg == "hint"]
            if hint and not (isinstance(hint[0], ast.Name) and hint[0].id == "hint"):
                found.add(template(hint[0], constants))
    return found


def test_every_hint_has_a_russian_translation_and_no_stale_ones() -> None:
    used = hint_templates()
    assert len(used) > 20, "the hint scan found too little: did the helpers get renamed?"
    assert sorted(used - set(HINTS_RU)) == [], "hints without a Russian translation"
    assert sorted(set(HINTS_RU) - used) == [], "Russian hints for hints that no longer exist"
    for english, russian in HINTS_RU.items():
        assert CYRILLIC.search(russian), english
        assert re.findall(r"\{[^{}]*\}", english) == re.findall(r"\{[^{}]*\}", russian), english


def _raise(case: str) -> BaseException:
    with pytest.raises(Exception) as info:
        if case == "broadcast":
            torch.ones(2, 3) + torch.ones(4)
        elif case == "leaf":
            torch.ones(2, requires_grad=True).add_(1)
        elif case == "freed":
            x = torch.ones(2, requires_grad=True)
            y = (x * x).sum()
            y.backward()
            y.backward()
        elif case == "cuda":
            torch.ones(2).cuda()
        elif case == "linear":
            torch.nn.Linear(3, 2)(torch.ones(4, 5))
    return info.value


@pytest.mark.parametrize("case", ["broadcast", "leaf", "freed", "cuda", "linear"])
def test_hints_follow_the_language_and_pytorchs_message_stays_english(
    lang: None, case: str
) -> None:
    english = _raise(case)
    i18n.set_language("ru")
    russian = _raise(case)
    assert str(russian) == str(english)  # PyTorch's own message: searchable, unchanged
    (en_note,), (ru_note,) = english.__notes__, russian.__notes__
    assert en_note.startswith("minigrad hint: ")
    assert ru_note.startswith("подсказка minigrad: ") and CYRILLIC.search(ru_note)
    assert HINTS.translate(en_note.split(": ", 1)[1], "ru") == ru_note.split(": ", 1)[1]


# ----- the explorers -------------------------------------------------------------------------
def test_the_russian_table_covers_every_key_with_the_same_placeholders() -> None:
    en, ru = widget_text.EN, widget_text.RU
    assert set(ru) == set(en)
    for key in en:
        assert re.findall(r"\{\w+\}", en[key]) == re.findall(r"\{\w+\}", ru[key]), key


def test_every_label_the_views_ask_for_exists() -> None:
    js = "".join(p.read_text() for p in (PACKAGE / "widgets" / "_static").glob("*.js"))
    keys = set(re.findall(r'L\("([\w.]+)"\)', js)) | set(re.findall(r"L\(`trainer\.\$", js))
    assert keys and {k for k in keys if "$" not in k} <= set(widget_text.EN)


def test_explorers_speak_the_current_language_unless_told(lang: None) -> None:
    from minigrad.widgets import GradientDescentExplorer, GraphExplorer, Trainer

    i18n.set_language("ru")
    graph = GraphExplorer("f = x * y + x", {"x": 2.0, "y": 3.0})
    assert graph.status.startswith("Прямой проход")
    assert [b["label"] for b in graph.buttons][0] == "⟲ Сначала"
    assert GraphExplorer("f = x * y", {"x": 2.0, "y": 3.0}, lang="en").status.startswith(
        "Forward pass"
    )
    trainer = Trainer()
    assert trainer.labels["trainer.lr"] == "Скорость обучения"
    gd = GradientDescentExplorer("(x - 1) ** 2", 3.0, lr=0.1)
    assert [s["label"] for s in gd.sliders] == ["Шаг", "Скорость обучения"]
    with pytest.raises(ValueError, match="lang must be one of en, ru"):
        Trainer(lang="de")


# ----- the explorers' own errors -------------------------------------------------------------
INTERNAL = {"__init__.py", "_png.py"}  # errors only a developer of minigrad can meet


def widget_error_templates() -> set[str]:
    found = set()
    for path in (PACKAGE / "widgets").glob("*.py"):
        if path.name in INTERNAL:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                found.add(template(node.exc.args[0]))
    return found


def test_every_explorer_error_has_a_russian_translation() -> None:
    from minigrad.widgets._errors_ru import RU

    used = widget_error_templates()
    assert len(used) > 30
    assert sorted(used - set(RU)) == []
    for english, russian in RU.items():
        assert CYRILLIC.search(russian) or english == "; {_HELP}", english
        assert sorted(re.findall(r"\{[^{}]*\}", english)) == sorted(
            re.findall(r"\{[^{}]*\}", russian)
        ), english


@pytest.mark.parametrize(
    "make, russian",
    [
        (lambda w: w.GraphExplorer("f = x.real", {"x": 1.0}), "обращение к атрибуту (x.real)"),
        (lambda w: w.GraphExplorer("f = x * y", {"x": 1.0}), "передайте values={'y': 1.0}"),
        (lambda w: w.GradientDescentExplorer("x*y*z"), "от 3: x, y, z"),
        (lambda w: w.Trainer({"hidden": [100]}), "не больше 6 слоёв по 1..8 нейронов"),
        (lambda w: w.GraphExplorer("f = 2 * x", {"x": 1.0}).act("jump"), "неизвестное действие"),
    ],
)
def test_explorer_errors_speak_russian_and_keep_their_type(lang: None, make, russian) -> None:
    import minigrad.widgets as widgets

    i18n.set_language("ru")
    with pytest.raises(ValueError) as info:
        make(widgets)
    assert russian in str(info.value)
    # the values inside the message (names, shapes, lists) are kept; the help text is Russian
    assert "use names" not in str(info.value)


def test_a_learners_new_notebook_speaks_the_language_of_its_folder(
    lang: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notebook(tmp_path / "01_chapter.ipynb", "ru")
    mine = notebook(tmp_path / "Untitled.ipynb", None)
    monkeypatch.setenv("JPY_SESSION_NAME", str(mine))
    assert i18n.get_language() == "ru"
