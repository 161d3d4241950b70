"""The language of minigrad's own words: error hints, the explorers, the autograder's diagnoses.

PyTorch's messages stay in English everywhere (learners search for them); what minigrad adds
beside them follows :func:`get_language`, which is, in this order:

1. what :func:`set_language` chose in this process (``minigrad.i18n.set_language("ru")``);
2. the environment variable ``MINIGRAD_LANG`` (``en`` or ``ru``);
3. the chapter's language: the ``minigrad.language`` entry of the open notebook's metadata. The
   kernel finds its notebook from what the front end tells it (JupyterLab and Notebook set
   ``JPY_SESSION_NAME``, VS Code sets ``__vsc_ipynb_file__``); when it is not told (nbval,
   nbclient, nbgrader) or the notebook declares nothing (a learner's new one), the notebooks in
   the working directory decide, if they agree;
4. English.

Colab tells the kernel nothing about its notebook: there, call ``set_language("ru")`` once.
"""

from __future__ import annotations

import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "ru")
ENV_VAR = "MINIGRAD_LANG"
_chosen: str | None = None


def _checked(lang: str, source: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"{source} must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def set_language(lang: str | None) -> None:
    """Choose the language for this process; ``None`` goes back to the automatic choice."""
    global _chosen
    _chosen = None if lang is None else _checked(lang, "language")


def get_language() -> str:
    """The language minigrad speaks now (see the module docstring for the order of choice)."""
    if _chosen is not None:
        return _chosen
    env = os.environ.get(ENV_VAR)
    if env:
        return _checked(env.strip().lower(), ENV_VAR)
    return _notebook_language(_notebook_path(), os.getcwd()) or "en"


def resolve(lang: str | None) -> str:
    """An explicit ``lang=`` argument, checked, or the current language."""
    return get_language() if lang is None else _checked(lang, "lang")


def _notebook_path() -> str | None:
    shell = sys.modules.get("IPython") and getattr(sys.modules["IPython"], "get_ipython", None)
    ns = getattr(shell(), "user_ns", {}) if shell else {}
    return ns.get("__vsc_ipynb_file__") or os.environ.get("JPY_SESSION_NAME") or None


@lru_cache(maxsize=16)
def _notebook_language(path: str | None, cwd: str) -> str | None:
    if path and path.endswith(".ipynb") and Path(cwd, path).is_file():
        own = _declared(Path(cwd, path))
        if own is not None:
            return own  # else: a learner's new notebook speaks the language of its folder
    declared = {_declared(p) for p in sorted(Path(cwd).glob("*.ipynb"))} - {None}
    return declared.pop() if len(declared) == 1 else None


def _declared(notebook: Path) -> str | None:
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return None
    lang = (meta.get("minigrad") or {}).get("language")
    return lang if lang in LANGUAGES else None


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda p: values.get(p.group(0), p.group(0)), template)


class Catalog:
    """Translations of English sentences, written with the placeholders of the code that makes
    them (``"the gradient for {name} has shape {got}"``).

    ``translate`` takes the *finished* English sentence, so callers keep producing English (the
    canonical form that logs, reports and tests see) and translate only where a person reads
    it. A sentence without a translation stays English.
    """

    def __init__(self, tables: dict[str, dict[str, str]]) -> None:
        self.tables = tables
        self._patterns: dict[str, list[tuple[int, re.Pattern[str], list[str], str]]] = {}

    def _compiled(self, lang: str) -> list[tuple[int, re.Pattern[str], list[str], str]]:
        if lang not in self._patterns:
            compiled = []
            for english, translated in self.tables.get(lang, {}).items():
                names = _PLACEHOLDER.findall(english)
                parts = _PLACEHOLDER.split(english)
                regex = "".join(
                    re.escape(part) + ("(.+?)" if i < len(names) else "")
                    for i, part in enumerate(parts)
                )
                literal = len(english) - sum(map(len, names))
                compiled.append((literal, re.compile(regex + r"\Z", re.S), names, translated))
            # the most specific English sentence (the longest literal text) first
            compiled.sort(key=lambda c: -c[0])
            self._patterns[lang] = compiled
        return self._patterns[lang]

    def translate(self, text: str, lang: str | None = None) -> str:
        lang = resolve(lang)
        if lang == "en" or not text:
            return text
        for _, pattern, names, translated in self._compiled(lang):
            m = pattern.match(text)
            if m:  # a field may itself be a catalogued sentence
                values = [self.translate(v, lang) for v in m.groups()]
                return _fill(translated, dict(zip(names, values, strict=True)))
        return text

    def missing(self, lang: str, templates: list[str]) -> list[str]:
        """The templates without a translation into ``lang`` (for tests)."""
        return [t for t in templates if t not in self.tables.get(lang, {})]
