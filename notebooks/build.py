"""Build the chapter notebooks from their plain-text sources, executed, with their outputs.

    python notebooks/build.py            # rebuild the notebooks whose source changed
    python notebooks/build.py --all      # rebuild all of them
    python notebooks/build.py 03 05      # rebuild these chapters only (a prefix of the file name)
    python notebooks/build.py --edition ru 03   # only the Russian edition's chapter 3
    python notebooks/build.py --check    # exit 1 if a committed notebook is stale (no execution)

There are two editions with the same chapters: English (``notebooks/src/`` -> ``notebooks/``)
and Russian (``notebooks/ru/src/`` -> ``notebooks/ru/``). Each notebook records its language in
its metadata (``minigrad.language``), which minigrad's hints and explorers follow
(``minigrad.i18n``), and runs with its own folder as the working directory.

Run it with the project's venv Python (``.venv/bin/python notebooks/build.py``): each notebook is
executed top to bottom in a fresh kernel of *this* interpreter and saved with its outputs, which
``pytest --nbval-lax`` then compares for the cells marked ``# NBVAL_CHECK_OUTPUT``.

Sources are ``notebooks/src/NN_name.py`` in percent format, read by the small parser below:

* ``# %% [markdown]`` starts a Markdown cell; its lines lose their leading ``# `` (or ``#``).
* ``# %%`` starts a code cell; ``# %% tags=["raises-exception"]`` gives it tags (JSON list).
  A cell that shows an error on purpose must carry ``raises-exception``.
* ``# %% [verify]`` is a code cell that runs during the build only and is left out of the
  notebook: it re-checks the self-check answers (``selfcheck.expect("3.2", x.grad)``) against
  what the notebook computes, so a stale answer hash fails the build. It must not change state.
* Lines before the first header are ignored (a comment for the reader of the source).

Self-check answers (``notebooks/selfcheck.py``) are stored as hashes. After adding or changing
a question, ``python notebooks/build.py 03 --record /tmp/hashes.txt`` runs the chapter with the
``[verify]`` cells writing ``qid hash value`` lines to that file instead of checking; copy the
hashes into ``selfcheck.QUESTIONS`` and build again (now checking).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
EDITIONS = {"en": HERE, "ru": HERE / "ru"}  # language -> folder (sources in its src/)
HEADER = re.compile(r"^# %%(?:\s+\[(?P<kind>\w+)\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")
KINDS = {None: "code", "markdown": "markdown", "verify": "verify"}
CELL_TIMEOUT = 60  # seconds, as in the nbval run
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(text: str, name: str = "<source>") -> list[dict]:
    """Cells as ``{"kind", "tags", "source"}`` dicts, in order."""
    cells: list[dict] = []
    for n, line in enumerate(text.splitlines(), 1):
        m = HEADER.match(line)
        if m:
            if m.group("kind") not in KINDS:
                raise ValueError(f"{name}:{n}: unknown cell kind [{m.group('kind')}]")
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            cells.append({"kind": KINDS[m.group("kind")], "tags": tags, "lines": []})
        elif line.startswith("# %%"):
            raise ValueError(f"{name}:{n}: malformed cell header {line!r}")
        elif cells:
            cells[-1]["lines"].append(line)
    for cell in cells:
        lines = cell.pop("lines")
        if cell["kind"] == "markdown":
            lines = [re.sub(r"^# ?", "", ln) if ln.startswith("#") else ln for ln in lines]
        cell["source"] = "\n".join(lines).strip("\n")
        if not cell["source"]:
            raise ValueError(f"{name}: empty cell")
    return cells


def metadata(lang: str) -> dict:
    return {"kernelspec": dict(KERNELSPEC), "minigrad": {"language": lang},
            "language_info": {"name": "python", "pygments_lexer": "ipython3"}}  # fmt: skip


def to_notebook(
    cells: list[dict], stem: str, with_verify: bool, lang: str
) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = metadata(lang)
    for i, cell in enumerate(cells):
        if cell["kind"] == "verify" and not with_verify:
            continue
        cid = f"{stem[:2]}-{i:03d}"
        if cell["kind"] == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(cell["source"], id=cid))
            continue
        c = nbformat.v4.new_code_cell(cell["source"], id=cid)
        if cell["tags"]:
            c.metadata["tags"] = list(cell["tags"])
        if cell["kind"] == "verify":
            c.metadata["verify"] = True
        nb.cells.append(c)
    return nb


def _signature(nb: nbformat.NotebookNode) -> list:
    """What the source decides: cell types, ids, sources and tags (not outputs), and the
    notebook's language."""
    cells = [(c.cell_type, c.get("id"), c.source, tuple(c.metadata.get("tags", ())))
             for c in nb.cells]  # fmt: skip
    return [nb.metadata.get("minigrad"), *cells]


def is_current(src: Path, target: Path, lang: str) -> tuple[bool, str]:
    if not target.exists():
        return False, "missing"
    want = to_notebook(parse(src.read_text(), src.name), src.stem, with_verify=False, lang=lang)
    have = nbformat.read(target, as_version=4)
    if _signature(want) != _signature(have):
        return False, "cells differ from the source"
    if any(c.cell_type == "code" and c.execution_count is None for c in have.cells):
        return False, "not executed"
    return True, "up to date"


def execute(nb: nbformat.NotebookNode, cwd: Path, lang: str) -> None:
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as tmp:
        # keep the user's Jupyter/IPython configuration out of the outputs
        env = {"JUPYTER_CONFIG_DIR": f"{tmp}/jupyter", "IPYTHONDIR": f"{tmp}/ipython",
               "JUPYTER_RUNTIME_DIR": f"{tmp}/runtime", "JUPYTER_PLATFORM_DIRS": "1",
               "MINIGRAD_LANG": lang}  # fmt: skip
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            client = NotebookClient(
                nb,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(cwd)}},
            )
            client.execute()
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def build(src: Path, target: Path, lang: str) -> None:
    nb = to_notebook(parse(src.read_text(), src.name), src.stem, with_verify=True, lang=lang)
    execute(nb, target.parent, lang)
    nb.cells = [c for c in nb.cells if not c.metadata.pop("verify", False)]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = _coalesce_streams(c.outputs)
            for out in c.outputs:  # no widget state is saved: keep the static SVG/PNG picture
                out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
                if out.output_type == "error":  # the learner's frames, not the library's
                    out.traceback = [f for f in out.traceback if not _is_library_frame(f)]
    count = 0
    for c in nb.cells:  # renumber without the verify cells, as a fresh top-to-bottom run would
        if c.cell_type == "code":
            count += 1
            c.execution_count = count
            for out in c.outputs:
                if "execution_count" in out:
                    out["execution_count"] = count
    nb.metadata = metadata(lang)
    nbformat.validate(nb)
    nbformat.write(nb, target)


def _is_library_frame(frame: str) -> bool:
    """A traceback entry inside an installed file (``File /path/minigrad/...``) rather than
    in a notebook cell: it would store this machine's paths and line numbers."""
    return re.sub(r"\x1b\[[0-9;]*m", "", frame).startswith("File ")


def _coalesce_streams(outputs: list) -> list:
    """One output per run of stdout (or stderr) text, however the kernel happened to flush it
    (nbval merges them the same way before comparing)."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.output_type == "stream" and prev is not None and prev.output_type == "stream"
                and prev.name == out.name):  # fmt: skip
            prev.text += out.text
        else:
            merged.append(out)
    return merged


def chapters(edition: str | None = None, prefixes: list[str] | None = None):
    """``(language, source, notebook)`` for every chapter of the chosen editions."""
    for lang, folder in EDITIONS.items():
        if edition not in (None, lang):
            continue
        for src in sorted((folder / "src").glob("[0-9][0-9]_*.py")):
            if not prefixes or any(src.stem.startswith(c) for c in prefixes):
                yield lang, src, folder / f"{src.stem}.ipynb"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("chapters", nargs="*", help="file-name prefixes, e.g. 03 (default: all)")
    ap.add_argument("--check", action="store_true", help="only check that notebooks are current")
    ap.add_argument("--all", action="store_true", help="rebuild even the current notebooks")
    ap.add_argument("--edition", choices=sorted(EDITIONS), help="one edition only (default: all)")
    ap.add_argument(
        "--record",
        metavar="FILE",
        help="write the self-check hashes that the "
        "[verify] cells compute to FILE instead of checking them",
    )
    args = ap.parse_args(argv)
    if args.record:
        os.environ["SELFCHECK_RECORD"] = os.path.abspath(args.record)

    stale = 0
    for lang, src, target in chapters(args.edition, args.chapters):
        ok, why = is_current(src, target, lang)
        name = target.relative_to(HERE)
        if args.check:
            print(f"{name}: {why}")
            stale += not ok
            continue
        if ok and not args.all and not args.chapters:
            print(f"{name}: up to date")
            continue
        print(f"{name}: building ...", flush=True)
        build(src, target, lang)
    if args.check and stale:
        print("stale notebooks: run `.venv/bin/python notebooks/build.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
