"""The checker speaks Russian to the Russian edition's students: every sentence it can produce
has a translation, the known-wrong answers get their diagnoses in Russian with the same scores,
and the teacher's run writes Russian feedback for a ``_ru`` assignment, while the stored results
stay English (the class report groups diagnoses by their English wording)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from catalog_keys import template
from test_autograder import CHEATS, MUTANTS, _ns

from autograder import check, results
from autograder.assignments import ASSIGNMENTS, ENGLISH, find_test
from autograder.checks import evaluate
from autograder.mutants import Mutant, by_name
from autograder.report import kind_of
from autograder.ru import RU
from autograder.trusted import _died
from autograder.verdict import CATALOG, Property, Verdict, translate
from minigrad import i18n

AUTOGRADER = Path(__file__).resolve().parent.parent / "autograder"
CYRILLIC = re.compile("[а-яё]", re.I)
FIELD = re.compile(r"\{[^{}]*\}")

# -- (a) every sentence the checker can produce has a Russian form ------------------------------
#
# The modules that word what a student reads: the report, the checks, the given code, isolation,
# the trusted run and its sandbox, the kinds of test and the assignments (their hints). Every
# string literal there is a sentence to translate, unless it is
# - a docstring, a dict key, an index, an operand of a comparison, or a piece of an f-string;
# - an argument of a str method (``startswith``), of ``re`` (a pattern) or of compile/exec/eval;
# - a case's label or category (a parameter or variable named so): never shown;
# - code (it parses as Python and calls or imports something);
# - not prose: fewer than two words, or no word of two letters outside the fields.
SCANNED = [AUTOGRADER / f"{m}.py" for m in ("verdict", "checks", "course", "isolation")]
SCANNED += [AUTOGRADER / f"{m}.py" for m in ("program", "sandbox", "trusted")]
SCANNED += sorted((AUTOGRADER / "kinds").glob("*.py"))
SCANNED += sorted((AUTOGRADER / "assignments").glob("*.py"))
STR_METHODS = {"startswith", "endswith", "split", "rsplit", "partition", "rpartition", "strip"}
STR_METHODS |= {"removeprefix", "removesuffix", "replace", "find", "index", "count"}
CODE_CALLS = {"compile", "exec", "eval"}
NEVER_SHOWN = {"label", "category"}


def _signatures(trees: list[ast.AST]) -> dict[str, list[list[str]]]:
    """Parameter names of every function and dataclass (or NamedTuple) defined, by name."""
    out: dict[str, list[list[str]]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                out.setdefault(node.name, []).append([n for n in names if n != "self"])
            elif isinstance(node, ast.ClassDef):
                fields = [s.target for s in node.body if isinstance(s, ast.AnnAssign)]
                out.setdefault(node.name, []).append([getattr(f, "id", "") for f in fields])
    return out


def _never_shown(arg: ast.AST, call: ast.Call, signatures: dict[str, list[list[str]]]) -> bool:
    func = call.func
    name = getattr(func, "id", None) or getattr(func, "attr", None)
    if isinstance(func, ast.Attribute) and func.attr in STR_METHODS:
        return True
    if isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "re":
        return True
    if name in CODE_CALLS or any(k.value is arg and k.arg in NEVER_SHOWN for k in call.keywords):
        return True
    if arg in call.args:
        k = call.args.index(arg)
        return any(k < len(p) and p[k] in NEVER_SHOWN for p in signatures.get(name or "", []))
    return False


def _is_code(text: str) -> bool:
    try:
        tree = ast.parse(FIELD.sub("_", text))
    except SyntaxError:
        return False
    return any(isinstance(n, (ast.Call, ast.Import, ast.ImportFrom)) for n in ast.walk(tree))


def _is_prose(text: str) -> bool:
    words = FIELD.sub("_", text).split()
    return len(words) >= 2 and re.search("[A-Za-z]{2}", FIELD.sub(" ", text)) is not None


def sentence_templates() -> dict[str, str]:
    """Every English sentence template of the checker -> where it is written."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SCANNED}
    signatures = _signatures([*trees.values(), ast.parse((AUTOGRADER / "cases.py").read_text())])
    found: dict[str, str] = {}
    skip = (ast.JoinedStr, ast.FormattedValue, ast.Expr, ast.Compare, ast.Attribute)
    for path, tree in trees.items():
        parent = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
        for node in ast.walk(tree):
            is_str = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if not (is_str or isinstance(node, ast.JoinedStr)):
                continue
            up = parent.get(node)
            if isinstance(up, skip) or (isinstance(up, ast.Dict) and node in up.keys):
                continue
            if isinstance(up, ast.Subscript) and up.slice is node:
                continue
            arg = node  # climb out of `"a" if c else "b"` and `x or "a"`
            while isinstance(up, (ast.IfExp, ast.BoolOp)):
                arg, up = up, parent.get(up)
            if isinstance(up, ast.Assign) and any(
                getattr(t, "id", None) in NEVER_SHOWN for t in up.targets
            ):
                continue
            if isinstance(up, ast.Call) and _never_shown(arg, up, signatures):
                continue
            text = template(node)
            if _is_prose(text) and not _is_code(text):
                found.setdefault(text, f"{path.name}:{node.lineno}")
    return found


def test_every_sentence_of_the_checker_has_a_russian_form_and_no_stale_ones() -> None:
    used = sentence_templates()
    assert len(used) > 100, "the scan found too little: were the modules moved?"
    missing = CATALOG.missing("ru", list(used))
    assert missing == [], "without a Russian form: " + repr({m: used[m] for m in missing})
    assert sorted(set(RU) - set(used)) == [], "Russian forms of sentences the code no longer has"


def test_russian_forms_keep_the_fields_and_their_place_at_either_end() -> None:
    for english, russian in RU.items():
        assert CYRILLIC.search(russian), english
        fields = FIELD.findall(english)
        assert set(FIELD.findall(russian)) == set(fields), english
        # a field at either end stays there: the catalogue may match a sentence that embeds
        # another one (the diagnosis line) from its inner sentence outwards
        if english.startswith("{"):
            assert russian.startswith(fields[0]), english
        if english.endswith("}"):
            assert russian.endswith(fields[-1]), english


def test_nested_sentences_translate_whole() -> None:
    problem = (
        "w1 is too large (std 9): tanh saturates and the gradients vanish; scale randn by about "
        "1 / sqrt(fan_in) = 0.7"
    )
    verdict = Verdict("test_init", 2, [Property("scale", 1, False, problem)])
    diagnosis = verdict.render(lang="ru").splitlines()[-1]
    assert diagnosis.startswith("Диагноз: w1 — слишком большие веса (std 9)"), diagnosis
    cut = _died(_Step("test", "test_tanh"), "the kernel died from a segmentation fault")
    assert translate(cut, "ru") == (
        "Во время выполнения теста 'test_tanh': ядро аварийно завершилось, причина: ошибка "
        "сегментации (segmentation fault); тесты начиная с этого места не выполнялись и "
        "получают 0 баллов."
    )
    assert kind_of(cut) == "crash"  # the report reads the English note


class _Step:
    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key


# -- (b) the known-wrong answers, in Russian ----------------------------------------------------
def _english_fragments() -> list[str]:
    """The catalogue's English text between fields, where it has three words or more: none of
    it may be left in a Russian report."""
    fragments = {p.strip() for key in RU for p in FIELD.split(key)}
    return sorted(f for f in fragments if len(re.findall("[A-Za-z]{2,}", f)) >= 3)


FRAGMENTS = _english_fragments()


def assert_russian(text: str) -> None:
    for line in text.splitlines():
        assert CYRILLIC.search(line), line
    left = [f for f in FRAGMENTS if f in text]
    assert not left, f"English left in {text!r}: {left}"


@pytest.fixture
def russian() -> Iterator[None]:
    i18n.set_language("ru")
    yield
    i18n.set_language(None)


def _numbers(rendered: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", rendered.splitlines()[0])


@pytest.mark.parametrize(
    "assignment,mutant",
    [(a, m) for table in (MUTANTS, CHEATS) for a, ms in sorted(table.items()) for m in ms],
    ids=lambda x: getattr(x, "name", x),
)
def test_known_wrong_answers_are_diagnosed_in_russian_with_the_same_scores(
    assignment: str, mutant: Mutant, russian: None, capsys: pytest.CaptureFixture
) -> None:
    ns = _ns(assignment, {mutant.cell: mutant.code})
    symbol = ASSIGNMENTS[assignment].test(mutant.test).symbol
    verdict = evaluate(mutant.test, ns.get(symbol), hidden=True, ns=ns)
    en, ru = verdict.render(lang="en"), verdict.render(lang="ru")
    assert verdict.diagnosis and re.search(mutant.diagnosis, verdict.diagnosis)  # English kept
    assert_russian(ru)
    assert _numbers(ru) == _numbers(en) == [f"{verdict.score:g}", f"{verdict.points:g}"]
    marks = [line.split()[0] for line in ru.splitlines()[1:-1]]
    assert marks == ["ок" if p.passed else "ОШИБКА" for p in verdict.properties]
    # what the student's kernel prints and raises follows the notebook's language (the visible
    # checks: some mistakes show only on hidden inputs)
    try:
        check(mutant.test, ns.get(symbol), ns=ns)
    except AssertionError as e:
        assert_russian(str(e))
    printed = capsys.readouterr().out
    assert "(видимые проверки)" in printed.splitlines()[0]
    assert_russian(printed)


def test_check_follows_the_notebooks_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    i18n.set_language(None)
    ns = _ns("01_elementwise")
    monkeypatch.chdir(tmp_path)
    check("mul", ns["Mul"], ns=ns)
    assert capsys.readouterr().out.startswith("mul (visible checks): 3 / 3 points")
    (tmp_path / "ru").mkdir()  # the kernel's folder holds the Russian edition's notebook
    nb = nbformat.v4.new_notebook(metadata={"minigrad": {"language": "ru"}})
    nbformat.write(nb, str(tmp_path / "ru" / "01_elementwise_ru.ipynb"))
    monkeypatch.chdir(tmp_path / "ru")
    check("mul", ns["Mul"], ns=ns)
    assert capsys.readouterr().out.startswith("mul (видимые проверки) — баллы: 3 из 3")
    mutant = by_name(MUTANTS["01_elementwise"])["mul_no_unbroadcast"]
    wrong = _ns("01_elementwise", {mutant.cell: mutant.code})
    with pytest.raises(AssertionError) as raised:
        check("mul", wrong["Mul"], ns=wrong)
    assert str(raised.value).startswith(
        "пропущена «отмена трансляции» (un-broadcast): градиент по b"
    )
    i18n.set_language(None)


def test_editions_share_tests_and_hidden_inputs() -> None:
    for english in ENGLISH:
        russian = ASSIGNMENTS[f"{english.name}_ru"]
        assert russian.language == "ru" and russian.tests == english.tests
        assert russian.seed_name == english.seed_name == english.name
        test = english.tests[0]
        assert find_test(test.name)[0] is english
        assert find_test(test.grade_id, "ru")[0] is russian
        assert find_test(test.name, "en")[0] is english


# -- (c) the teacher's run writes Russian feedback for a Russian edition -----------------------
def _graded_notebook() -> tuple[nbformat.NotebookNode, dict]:
    def cell(source: str, gid: str | None = None) -> nbformat.NotebookNode:
        return nbformat.v4.new_code_cell(
            source, metadata={"nbgrader": {"grade_id": gid}} if gid else {}
        )

    cells = [
        cell("print('x' * 30000)"),
        cell("import importlib", "mul"),
        cell("check(...)", "test_mul"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    problem = (
        "missing un-broadcast: the gradient for b has the output's shape (2, 3) instead of b's "
        "shape (3,); sum it over the broadcast dimensions"
    )
    props = [Property("values", 4, True), Property("broadcast", 2, False, problem)]
    note = (
        "this cell was not run: it uses `importlib`, which graded code may not use (see the "
        "assignment's rules)"
    )
    result = {
        "verdicts": {"test_mul": Verdict("test_mul", 3, props).to_json()},
        "outputs": {
            f"cell-{cells[0].id}": {
                "stdout": "x" * 100 + "\n[... 29900 more characters of output not shown]"
            },
            "mul": {"stdout": "", "error": f"RuntimeError (line 1): {note}"},
        },
    }
    return nb, result


@pytest.mark.parametrize("assignment", ["01_elementwise", "01_elementwise_ru"])
def test_feedback_is_in_the_assignments_language(assignment: str) -> None:
    nb, result = _graded_notebook()
    stored = repr(result)
    results.apply(nb, {**result, "assignment": assignment})
    cut, error, (report, score) = (c.outputs for c in nb.cells)
    assert score["data"]["text/plain"] == "2"
    texts = [cut[0]["text"].splitlines()[-1], error[0]["evalue"], report["text"]]
    if assignment.endswith("_ru"):
        assert texts[0] == "[... не показано символов вывода: 29900]"
        assert error[0]["ename"] == "RuntimeError (строка 1)"
        for text in texts[1:]:
            assert_russian(text)
        assert "Диагноз: пропущена «отмена трансляции» (un-broadcast)" in report["text"]
    else:
        assert not any(CYRILLIC.search(t) for t in texts)
        assert "Diagnosis: missing un-broadcast" in report["text"]
    assert repr(result) == stored  # the stored result stays English
