"""The English and Russian editions of the chapters cannot drift apart.

Both editions have the same chapters, and each chapter the same code cells in the same order
with the same tags: only the prose (Markdown cells) and the comments inside code differ. Lines
that steer the tests (``# NBVAL_...``) are code here, not comments. The self-check questions
have a Russian hint for every English one.
"""

from __future__ import annotations

import io
import sys
import tokenize
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))
import build  # noqa: E402

sys.path.remove(str(NOTEBOOKS))


def code_without_comments(source: str) -> str:
    """The code of a cell with its comments and blank lines removed (``# NBVAL_`` kept)."""
    keep = []
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    drop = {
        (tok.start[0], tok.start[1])
        for tok in tokens
        if tok.type == tokenize.COMMENT and not tok.string.startswith("# NBVAL_")
    }
    for n, line in enumerate(source.splitlines(), 1):
        cut = [col for (row, col) in drop if row == n]
        line = line[: min(cut)] if cut else line
        if line.strip():
            keep.append(line.rstrip())
    return "\n".join(keep)


def code_cells(src: Path) -> list[tuple[str, tuple[str, ...], str]]:
    return [
        (c["kind"], tuple(c["tags"]), code_without_comments(c["source"]))
        for c in build.parse(src.read_text(encoding="utf-8"), src.name)
        if c["kind"] != "markdown"
    ]


def chapter_names(lang: str) -> set[str]:
    return {src.name for _, src, _ in build.chapters(lang)}


def test_both_editions_have_the_same_chapters() -> None:
    english, russian = chapter_names("en"), chapter_names("ru")
    assert english, "no English chapters found"
    assert english - russian == set(), "chapters missing from the Russian edition"
    assert russian - english == set(), "chapters missing from the English edition"


@pytest.mark.parametrize("name", sorted(chapter_names("en") | chapter_names("ru")))
def test_code_cells_are_identical_in_both_editions(name: str) -> None:
    en, ru = NOTEBOOKS / "src" / name, NOTEBOOKS / "ru" / "src" / name
    if not (en.exists() and ru.exists()):
        pytest.fail(f"{name} exists in one edition only")
    a, b = code_cells(en), code_cells(ru)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        assert x == y, f"{name}: code cell {i + 1} differs between the editions"
    assert len(a) == len(b), f"{name}: {len(a)} code cells in English, {len(b)} in Russian"


def test_comment_stripping_keeps_code_and_test_markers() -> None:
    src = "# NBVAL_CHECK_OUTPUT\n# a comment\nx = '# not a comment'  # trailing\n\ny = 1"
    assert code_without_comments(src) == "# NBVAL_CHECK_OUTPUT\nx = '# not a comment'\ny = 1"


def test_every_question_has_a_russian_hint() -> None:
    sys.path.insert(0, str(NOTEBOOKS / "ru"))
    try:
        sys.modules.pop("selfcheck", None)
        import selfcheck as russian
    finally:
        sys.path.remove(str(NOTEBOOKS / "ru"))
        sys.modules.pop("selfcheck", None)
    english = russian.QUESTIONS
    assert set(russian.HINTS) == set(english)
    for qid, (hint, remark) in russian.HINTS.items():
        assert hint and hint != "TODO", f"question {qid} has no Russian hint"
        assert bool(remark) == bool(english[qid][2]), f"question {qid}: remark in one edition only"
        assert any("а" <= ch <= "я" for ch in hint.lower()), f"question {qid}: hint not Russian"
