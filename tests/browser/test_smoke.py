"""One real-browser smoke test: Voila serves ``smoke.ipynb`` on 127.0.0.1 and Playwright drives
Debian's Chromium (``.ci/run`` installs it with apt-get; no browser download). Every wait is on a
sentinel the kernel or the view sets (``kernel saw rendered N``, ``data-rendered``), never a
fixed sleep."""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("MINIGRAD_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
MISSING = [what for what, ok in [
    (f"Chromium at {CHROMIUM} (apt-get install chromium)", pathlib.Path(CHROMIUM).exists()),
    ("playwright (pip install playwright)", importlib.util.find_spec("playwright") is not None),
    ("voila (pip install voila)", importlib.util.find_spec("voila") is not None),
    ("anywidget", importlib.util.find_spec("anywidget") is not None),
]if not ok]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason="browser smoke test needs " + "; ".join(MISSING)),
]

KERNEL_SENTINEL = ".mg-kernel-sentinel"
WAIT_KERNEL = """([sel, n]) => {
  const m = (document.querySelector(sel)?.textContent || "").match(/rendered (\\d+)/);
  return m !== null && Number(m[1]) >= n;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def voila(tmp_path: pathlib.Path) -> Iterator[str]:
    """Voila serving the smoke notebook; yields its URL; stops it and its kernel afterwards."""
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        IPYTHONDIR=str(tmp_path / "ipython"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    spec = tmp_path / "data" / "kernels" / "python3"  # this interpreter's kernel, not PATH's
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))  # fmt: skip
    shutil.copy(HERE / "smoke.ipynb", tmp_path / "smoke.ipynb")
    port = _free_port()
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            str(tmp_path / "smoke.ipynb"),
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--no-browser",
            "--show_tracebacks=True",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:  # poll the port: the server is up when it answers
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("voila did not start:\n" + (tmp_path / "voila.log").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        try:  # the kernel too: it runs in voila's process group
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)
        log.close()


def test_trainer_and_graph_explorer_in_chromium(voila: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from minigrad.widgets.trainer import TrainerState

    expected = TrainerState({"seed": 1})
    expected.train(1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(voila, timeout=60_000)
            page.set_default_timeout(30_000)
            trainer = page.locator(".mg-tr")
            kernel_saw = page.locator(KERNEL_SENTINEL)

            def wait_kernel(n: int, timeout: float = 30_000) -> int:
                page.wait_for_function(WAIT_KERNEL, arg=[KERNEL_SENTINEL, n], timeout=timeout)
                return int(re.search(r"rendered (\d+)", kernel_saw.inner_text())[1])

            def settled_epoch() -> int:
                """The epoch shown once no frame has arrived for half a second."""
                seen, since = None, time.monotonic()
                while time.monotonic() - since < 0.5:
                    now = trainer.locator(".mg-tr-epoch").inner_text()
                    if now != seen:
                        seen, since = now, time.monotonic()
                    time.sleep(0.05)
                return int(seen.split()[-1])

            def heat() -> str:
                return page.evaluate("document.querySelector('.mg-tr-heat').toDataURL()")

            # the first frame: drawn by the view, reported back to the kernel
            wait_kernel(1, timeout=120_000)  # Voila runs the notebook first (slow under load)
            expect(trainer).to_have_attribute("data-rendered", "1")
            expect(trainer.locator("[data-control=optimizer]")).to_be_hidden()
            expect(trainer.locator(".mg-tr-col button").first).to_be_hidden()  # hide="hidden"
            expect(trainer.locator("[data-control=dataset]")).to_be_visible()
            before = heat()

            # Step: one epoch, the picture changes and shows the kernel's numbers
            trainer.locator("[data-action=step]").click()
            assert wait_kernel(2) == 2
            expect(trainer).to_have_attribute("data-rendered", "2")
            expect(trainer.locator(".mg-tr-epoch")).to_have_text(re.compile(r"Epoch 0*1$"))
            expect(trainer).to_contain_text(f"Test loss {expected.history['test'][-1]:.3f}")
            assert heat() != before

            # Play, then Pause while it trains: the asyncio loop keeps the kernel responsive
            trainer.locator("[data-action=play]").click()
            start = time.monotonic()
            frames = wait_kernel(22) - 2
            fps = frames / (time.monotonic() - start)
            trainer.locator("[data-action=pause]").click()
            expect(trainer.locator("[data-action=play]")).to_be_visible()
            epoch = settled_epoch()  # frames sent before the pause may still be arriving
            assert epoch >= 20
            # stopped: one more Step adds exactly one epoch
            last = int(trainer.get_attribute("data-rendered"))
            trainer.locator("[data-action=step]").click()
            wait_kernel(last + 1)
            expect(trainer.locator(".mg-tr-epoch")).to_have_text(re.compile(rf"0*{epoch + 1}$"))
            print(f"browser: {fps:.1f} frames/s drawn and acknowledged while playing")

            # the graph explorer (in Russian): Step shows the forward values in its SVG
            explorer = page.locator(".mg-explorer").first
            expect(explorer).to_have_attribute("data-rendered", "1")
            expect(explorer.locator("[data-action=step]")).to_have_text("Шаг ▶|")
            svg = explorer.locator(".mg-svg svg")
            expect(svg).not_to_contain_text("data 6")
            explorer.locator("[data-action=step]").click()
            expect(explorer).to_have_attribute("data-rendered", "2")
            expect(svg).to_contain_text("data 6")
            expect(explorer).to_contain_text("Прямой проход, шаг 1 из")
            explorer.locator("[data-action=step]").click()
            expect(explorer).to_have_attribute("data-rendered", "3")
            expect(svg).to_contain_text("data 8")
            if os.environ.get("MINIGRAD_SCREENSHOT"):  # a picture of the page, for a human
                page.screenshot(path=os.environ["MINIGRAD_SCREENSHOT"], full_page=True)
            assert not errors, errors
        finally:
            browser.close()
