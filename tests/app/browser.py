"""A real Streamlit server and Debian's Chromium, for the browser test and the docs screenshot.

Regenerate the screenshot in docs/app.md with ``python -m tests.app.browser docs/app_screenshot.png``.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from app.launch import build_command

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a root container without a GPU; background networking off so the browser stays offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    """A currently free localhost TCP port (the OS picks it, so parallel runs do not collide)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Poll Streamlit's health endpoint until it answers "ok"; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout:.0f} s")


@contextlib.contextmanager
def streamlit_server(model: Path, log_path: Path, cwd: Path, timeout: float = 45) -> Iterator[str]:
    """Run the app exactly as ``handcut-app`` does, on 127.0.0.1 only; always stopped on exit.

    Args:
        model: segmentation model passed through ``HANDCUT_MODEL``.
        log_path: the server's stdout/stderr go here (shown when a test fails).
        cwd: working directory; not the repository, to show the app finds its packages from anywhere.
    """
    port = free_port()
    cmd = build_command(["--server.address", "127.0.0.1", "--server.port", str(port),
                         "--server.fileWatcherType", "none"])
    env = {**os.environ, "HANDCUT_MODEL": str(model), "TF_CPP_MIN_LOG_LEVEL": "2"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, timeout)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def chromium_page(width: int = 1600, height: int = 1000) -> Iterator:
    """A Playwright page in Debian's Chromium (never a downloaded browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
            yield context.new_page()
        finally:
            browser.close()


def upload(page, files) -> None:
    """Add files to the app's uploader (Playwright file payloads or paths)."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)


def wait_for_result(page, timeout_ms: float = 60_000) -> None:
    """Until a cut-out preview is shown and the page has stopped running."""
    page.get_by_text("Cut-out (transparent)").first.wait_for(timeout=timeout_ms)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)


def screenshot(out: Path, sample: Path = REPO / "samples" / "palm_open.jpg") -> None:
    """Upload a sample with detections shown and save a PNG of the page, for docs/app.md."""
    import tempfile

    from segmentation.segmenter import default_model_path

    with tempfile.TemporaryDirectory() as tmp:
        with streamlit_server(default_model_path(), Path(tmp) / "server.log", Path(tmp)) as url, \
                chromium_page(1500, 900) as page:
            page.goto(url)
            page.get_by_text("Show detected boxes and landmarks").click()
            upload(page, [str(sample)])
            wait_for_result(page)
            page.mouse.move(0, 0)
            page.screenshot(path=str(out), full_page=False)


if __name__ == "__main__":
    screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "app_screenshot.png").resolve())
