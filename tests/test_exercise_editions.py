"""The English and Russian editions of the nbgrader assignments cannot drift apart.

Every assignment exists in both editions (``01_elementwise`` and ``01_elementwise_ru``) with the
same cells in the same order: test and locked cells byte for byte, with the same grade ids and
points; answer and plain cells with the same code, the same solution regions and so the same
stubs (only comments and docstrings may be translated). The Russian notebooks' prose is
Russian, and every notebook declares its language for minigrad (``minigrad.language``). The
end-to-end run of a Russian submission is in test_autograder_e2e.py.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from test_autograder_support import COURSE, blank, source
from test_editions import code_without_comments

from autograder.assignments import ASSIGNMENTS, ENGLISH
from autograder.checks import evaluate

_spec = importlib.util.spec_from_file_location("build_notebooks", COURSE / "build_notebooks.py")
assert _spec and _spec.loader
build_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_notebooks)

NAMES = [a.name for a in ENGLISH]
CYRILLIC = re.compile(r"[а-яё]", re.I)
LATIN = re.compile(r"[a-z]", re.I)


def notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(str(source(name)), as_version=4)


def role(cell: nbformat.NotebookNode) -> str:
    if cell.cell_type == "markdown":
        return "markdown"
    nb = cell.metadata.get("nbgrader")
    if not nb:
        return "plain"
    if nb.get("grade"):
        return "tests"
    return "solution" if nb.get("solution") else "locked"


def code_of(src: str) -> str:
    """A cell's code without comments, docstrings and blank lines."""
    tree = ast.parse(src)
    drop: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    drop.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines = [line for n, line in enumerate(src.splitlines(), 1) if n not in drop]
    return code_without_comments("\n".join(lines))


def prose(text: str) -> str:
    """Markdown without code spans and formulas: the words a student reads."""
    return re.sub(r"`[^`]*`|\$[^$]*\$", " ", text)


def pairs(name: str) -> list[tuple[nbformat.NotebookNode, nbformat.NotebookNode]]:
    en, ru = notebook(name), notebook(f"{name}_ru")
    assert [(role(c), c.id) for c in en.cells] == [(role(c), c.id) for c in ru.cells], (
        f"{name}: the editions have different cells (kind, id) or order"
    )
    return list(zip(en.cells, ru.cells, strict=True))


def test_every_assignment_exists_in_both_editions() -> None:
    assert NAMES, "no assignments"
    for name in NAMES:
        en, ru = ASSIGNMENTS[name], ASSIGNMENTS[f"{name}_ru"]
        assert (en.language, ru.language) == ("en", "ru")
        assert ru.tests == en.tests, f"{ru.name}: other tests or points than {name}"
        for lang, assignment in (("en", en), ("ru", ru)):
            assert source(assignment.name).exists(), f"{assignment.name} has no notebook"
            src = build_notebooks.EDITIONS[lang] / f"{name}.py"
            assert src.exists(), f"{assignment.name} has no source {src}"
    # and no notebook in source/ without an assignment behind it
    folders = {p.name for p in (COURSE / "source").iterdir() if p.is_dir()}
    assert folders == {a.name for a in ASSIGNMENTS.values()}


@pytest.mark.parametrize("name", NAMES)
def test_test_and_locked_cells_are_identical(name: str) -> None:
    for en, ru in pairs(name):
        if role(en) in ("tests", "locked"):
            gid = en.metadata["nbgrader"]["grade_id"]
            assert ru.source == en.source, f"{name}: cell {gid} differs between the editions"
            assert ru.metadata == en.metadata, f"{name}: cell {gid} has other metadata"


@pytest.mark.parametrize("name", NAMES)
def test_points_come_from_the_spec_in_both_editions(name: str) -> None:
    for edition in (name, f"{name}_ru"):
        graded = {
            c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in notebook(edition).cells
            if role(c) == "tests"
        }
        spec = {t.grade_id: t.points for t in ASSIGNMENTS[edition].tests}
        assert graded == spec, edition


@pytest.mark.parametrize("name", NAMES)
def test_answer_and_plain_cells_have_the_same_code_and_stubs(name: str) -> None:
    for en, ru in pairs(name):
        if role(en) not in ("solution", "plain"):
            continue
        cid = en.id
        assert ru.metadata == en.metadata, f"{name}: cell {cid} has other metadata"
        assert code_of(ru.source) == code_of(en.source), f"{name}: cell {cid}: other code"
        # the same solution regions, so students of both editions get the same stub
        assert ru.source.count("### BEGIN SOLUTION") == en.source.count("### BEGIN SOLUTION")
        stub_en, stub_ru = code_of(blank(en.source)), code_of(blank(ru.source))
        assert stub_ru == stub_en, f"{name}: cell {cid}: other solution regions"


@pytest.mark.parametrize("name", NAMES)
def test_russian_prose_is_russian(name: str) -> None:
    for en, ru in pairs(name):
        if role(en) != "markdown":
            continue
        assert ru.source != en.source, f"{name}: markdown cell {ru.id} is not translated"
        words = prose(ru.source)
        cyrillic, latin = len(CYRILLIC.findall(words)), len(LATIN.findall(words))
        assert cyrillic > 4 * latin, f"{name}: markdown cell {ru.id} is not Russian: {words!r}"


def test_comment_and_docstring_stripping() -> None:
    a = 'def f(x):\n    """Doc."""\n    # note\n    return x  # trailing\n'
    b = 'def f(x):\n    """Документация,\n    в две строки."""\n    return x  # хвост\n'
    assert code_of(a) == code_of(b) == "def f(x):\n    return x"
    assert code_of("x = '# not a comment'") == "x = '# not a comment'"


@pytest.mark.parametrize("name", [a.name for a in ASSIGNMENTS.values()])
def test_notebooks_declare_their_language(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    meta = notebook(name).metadata
    assert meta["minigrad"] == {"language": ASSIGNMENTS[name].language}
    # a kernel that is not told its notebook (nbclient, nbgrader) reads it from the folder
    from minigrad import i18n

    monkeypatch.setattr(i18n, "_chosen", None)  # no set_language() of another test
    for var in (i18n.ENV_VAR, "JPY_SESSION_NAME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(source(name).parent)
    assert i18n.get_language() == ASSIGNMENTS[name].language


@pytest.mark.parametrize("lang,src", build_notebooks.sources(), ids=lambda x: getattr(x, "stem", x))
def test_built_notebooks_are_current(lang: str, src: Path) -> None:
    name = build_notebooks.assignment_of(src, lang).name
    built = nbformat.writes(build_notebooks.build(src, lang)) + "\n"
    assert source(name).read_text() == built, (
        f"{name} is stale: run python exercises/build_notebooks.py"
    )


def test_build_check_covers_both_editions() -> None:
    langs = {lang for lang, _ in build_notebooks.sources()}
    assert langs == {"en", "ru"}
    assert build_notebooks.main(["--check"]) == 0


@pytest.mark.parametrize("name", [f"{n}_ru" for n in NAMES])
def test_russian_reference_passes_its_visible_checks(name: str) -> None:
    from test_autograder_support import namespace

    ns = namespace(notebook=source(name))
    for t in ASSIGNMENTS[name].tests:
        v = evaluate(t.name, ns.get(t.symbol), ns=ns)
        assert v.score == v.points, f"{name}: {v.render()}"


@pytest.mark.slow
def test_the_readmes_release_command_works_without_an_activated_venv(tmp_path: Path) -> None:
    """``.venv/bin/nbgrader generate_assignment NAME --CourseDirectory.root=exercises``, as the
    README writes it: nbgrader needs its environment's ``alembic`` on PATH, which the course
    configuration provides. The released Russian notebook keeps its language and loses the
    solutions."""
    course = tmp_path / "exercises"
    course.mkdir()
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(
        COURSE / "source" / "01_elementwise_ru", course / "source" / "01_elementwise_ru"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")}  # no venv on PATH
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("nbgrader")), "generate_assignment",
         "01_elementwise_ru", f"--CourseDirectory.root={course}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    released = course / "release" / "01_elementwise_ru" / "01_elementwise_ru.ipynb"
    assert proc.returncode == 0 and released.exists(), proc.stderr[-3000:]
    nb = nbformat.read(str(released), as_version=4)
    assert nb.metadata["minigrad"] == {"language": "ru"}
    assert not any("### BEGIN SOLUTION" in c.source for c in nb.cells)
