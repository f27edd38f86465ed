"""The app in a real browser: Streamlit started as ``handcut-app`` does, driven by Chromium.

One test on purpose (~30 s): it is the only check that the page, its uploads and downloads work
end to end over HTTP, which AppTest cannot see (media files and downloads are served by the
web server, not the script). A screenshot is always saved under test-artifacts/.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pipeline.core import build_pipeline
from pipeline.imageio import read_rgb
from tests.app.browser import CHROMIUM, chromium_page, streamlit_server, upload, wait_for_result
from tests.conftest import REPO, SAMPLES, SHIPPED_MODEL

pytestmark = pytest.mark.slow

SAMPLE = SAMPLES / "palm_open.jpg"
ARTIFACTS = REPO / "test-artifacts"


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Overlap of two boolean masks; two empty masks agree fully."""
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


def server_errors(log) -> str:
    """The distinct error lines of the server log, to make a failure say why (e.g. a broken web stack)."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    errors = dict.fromkeys(line for line in lines if "Error:" in line or "Exception" in line)
    return "\n".join(list(errors)[-5:]) or "no errors in the server log"


def loaded_width(page, caption: str) -> int:
    """naturalWidth of the preview image with this caption once the browser has decoded it (0 = broken)."""
    img = page.locator('[data-testid="stImage"]', has_text=caption).locator("img").first
    img.wait_for(timeout=30_000)
    handle = img.element_handle()
    page.wait_for_function("el => el.complete", arg=handle, timeout=30_000)
    return int(handle.evaluate("el => el.naturalWidth"))


def test_upload_cutout_download_and_bad_file_in_chromium(tmp_path, tiny_model_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's browser with `apt-get install chromium chromium-driver`")
    model = SHIPPED_MODEL if SHIPPED_MODEL.is_file() else tiny_model_path
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "app_server.log"
    with streamlit_server(model, log, cwd=tmp_path) as url, chromium_page() as page:
        try:
            page.goto(url)
            upload(page, [str(SAMPLE)])
            wait_for_result(page)
            assert loaded_width(page, "Cut-out (transparent)") > 0, f"cut-out preview did not load:\n{server_errors(log)}"

            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name="Cut-out PNG").click()
            download = info.value
            assert download.failure() is None, f"download failed:\n{server_errors(log)}"
            assert download.suggested_filename == "palm_open_cutout.png"
            data = download.path().read_bytes()
            png = Image.open(io.BytesIO(data))
            assert png.format == "PNG" and png.mode == "RGBA"
            cut = np.asarray(png)
            # full resolution, the photo's own pixels, and the same mask the CLI's pipeline gives
            photo = read_rgb(SAMPLE)
            assert cut.shape == (*photo.shape[:2], 4)
            solid = cut[..., 3] == 255  # (the anti-aliased edge's colours are decontaminated)
            assert np.array_equal(cut[..., :3][solid], photo[solid])
            expected = build_pipeline(model_path=str(model)).process(photo).mask > 0
            assert iou(cut[..., 3] >= 128, expected) > 0.98

            upload(page, [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"shopping list\n"}])
            error = page.locator('[data-testid="stAlertContentError"]', has_text="notes.txt")
            error.wait_for(timeout=30_000)
            assert "not an image" in error.inner_text()
            # the good photo is still there and counted
            page.get_by_text("done 1, failed 1").wait_for(timeout=30_000)
            assert page.get_by_text("Cut-out (transparent)").count() == 1
        finally:
            page.screenshot(path=str(ARTIFACTS / "app_browser.png"), full_page=True)
