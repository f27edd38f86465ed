"""The page, run by Streamlit's AppTest: uploads, errors, the no-hand warning, and caching.

The segmenter is a real (tiny, untrained) Keras model loaded through ``HANDCUT_MODEL``; the
detector is a fake, so the tests decide whether a hand is "found".
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from detection.boxes import mask_box
from detection.factory import DETECTORS
from pipeline.config import WIDE_LOOK_MARGIN, PipelineConfig
from pipeline.core import Pipeline
from tests.conftest import REPO, FakeDetector, draw_hand

SCRIPT = str(REPO / "app" / "streamlit_app.py")
DEFAULTS = PipelineConfig()


def png_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class Spy:
    """What the page asked for: detectors built, models loaded, and the thresholds it processed with."""

    detectors: list[str] = field(default_factory=list)
    segmenters: list[str] = field(default_factory=list)
    processed: list[float] = field(default_factory=list)
    configs: list = field(default_factory=list)
    boxes: list = field(default_factory=list)
    detector_error: Exception | None = None


@pytest.fixture
def spy(monkeypatch, tiny_model_path):
    """Fake detector + counting wrappers around the real model loading and ``Pipeline.process``."""
    import detection.factory
    import segmentation.segmenter

    s = Spy()
    real_segmenter = segmentation.segmenter.Segmenter
    real_process = Pipeline.process

    def create_detector(name, **options):
        s.detectors.append(name)
        if s.detector_error:
            raise s.detector_error
        return FakeDetector(s.boxes)

    class CountingSegmenter(real_segmenter):
        def __init__(self, path=None, tta_flip=False):
            s.segmenters.append(str(path))
            super().__init__(path, tta_flip)

    def process(self, image):
        s.processed.append(self.config.threshold)
        s.configs.append(self.config)
        return real_process(self, image)

    monkeypatch.setenv("HANDCUT_MODEL", str(tiny_model_path))
    monkeypatch.setattr(detection.factory, "create_detector", create_detector)
    monkeypatch.setattr(segmentation.segmenter, "Segmenter", CountingSegmenter)
    monkeypatch.setattr(Pipeline, "process", process)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield s
    st.cache_data.clear()
    st.cache_resource.clear()


def run_page(*uploads: tuple[str, bytes, str]) -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=90)
    at.run()
    for name, data, mime in uploads:
        at.file_uploader(key="uploads").upload(name, data, mime)
    if uploads:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def image_captions(at: AppTest) -> list[str]:
    return [c for img in at.image for c in img.captions]


def download_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_empty_page_offers_the_factory_detectors_and_config_defaults(spy):
    at = run_page()
    detector = at.sidebar.selectbox[0]
    assert detector.label == "Detector" and detector.options == list(DETECTORS)
    assert detector.value == DEFAULTS.detector
    threshold, margin = at.sidebar.slider
    assert (threshold.label, threshold.value) == ("Threshold", DEFAULTS.threshold)
    assert (margin.label, margin.value) == ("Crop margin", DEFAULTS.margin)
    assert at.sidebar.radio[0].value == "Transparent"
    forearm = at.sidebar.checkbox[0]
    assert forearm.label == "Continue forearms cut at the wrist" and forearm.value == (DEFAULTS.context_margin > 0)
    watch = at.sidebar.checkbox[1]
    assert watch.label == "Keep watch bands in the cut-out" and watch.value == DEFAULTS.wrist_bridge
    upright = at.sidebar.checkbox[2]
    assert upright.label == "Turn sideways hands upright" and upright.value == DEFAULTS.upright_crops
    tips = at.sidebar.checkbox[3]
    assert tips.label == "Stop the mask at the fingertips" and tips.value == (DEFAULTS.tip_reach > 0)
    label = at.file_uploader[0].label
    assert "JPEG, PNG, WebP" in label and "50 MB" in label and "50 MP" in label
    try:
        import pillow_heif  # noqa: F401
        assert "HEIC" in label
    except ImportError:
        assert "HEIC" not in label
    assert at.file_uploader[0].accept_multiple_files
    assert "Upload one or more photos" in at.info[0].value
    # models are loaded up front, once, so the first upload does not wait for them
    assert spy.detectors == [DEFAULTS.detector] and len(spy.segmenters) == 1


def test_upload_shows_four_views_timing_and_downloads(spy):
    img, mask = draw_hand(240, 320, seed=1)
    spy.boxes.append(mask_box(mask))
    at = run_page(("hand.png", png_bytes(img), "image/png"))
    assert not at.error and not at.warning
    assert at.subheader[0].value == "hand.png"
    assert image_captions(at) == ["Original", "Mask", "Overlay", "Cut-out (transparent)"]
    timing = at.caption[0].value
    assert timing.startswith("320×240 px · 1 hand detected ·") and "detect" in timing and "refine" in timing
    assert download_labels(at) == ["Download all results (ZIP)", "Cut-out PNG", "Mask PNG"]
    assert any(m.value.startswith("done 1, failed 0, no hand found 0") for m in at.markdown)
    assert spy.processed == [DEFAULTS.threshold]


def test_bad_files_get_their_own_error_and_the_others_still_work(spy):
    img, mask = draw_hand(seed=2)
    spy.boxes.append(mask_box(mask))
    truncated = png_bytes(img)[:200]
    at = run_page(
        ("notes.txt", b"shopping list\n", "text/plain"),
        ("hand.png", png_bytes(img), "image/png"),
        ("broken.png", truncated, "image/png"),
        ("phone.heic", b"\x00\x00\x00\x18ftypheic", "image/heic"),
    )
    assert [s.value for s in at.subheader] == ["notes.txt", "hand.png", "broken.png", "phone.heic"]
    errors = [e.value for e in at.error]
    assert len(errors) == 3
    assert errors[0] == "**notes.txt**: not an image (format not recognised)"
    assert errors[1].startswith("**broken.png**: corrupt or truncated image")
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        assert "pillow-heif" in errors[2]
    assert image_captions(at) == ["Original", "Mask", "Overlay", "Cut-out (transparent)"]
    assert any(m.value.startswith("done 1, failed 3") for m in at.markdown)
    assert len(spy.processed) == 1  # only the good file reached the pipeline


def test_no_hand_found_is_a_warning_with_the_fallback_result(spy):
    img, _ = draw_hand(seed=3)  # spy.boxes stays empty: the detector finds nothing
    at = run_page(("empty.png", png_bytes(img), "image/png"))
    assert len(at.warning) == 1 and "No hand found" in at.warning[0].value
    assert image_captions(at) == ["Original", "Mask", "Overlay", "Cut-out (transparent)"]
    assert "0 hands detected" in at.caption[0].value
    assert any("no hand found 1" in m.value for m in at.markdown)


def test_controls_reuse_the_models_and_recompute_only_what_changed(spy):
    img, mask = draw_hand(seed=4)
    spy.boxes.append(mask_box(mask))
    at = run_page(("hand.png", png_bytes(img), "image/png"))
    assert spy.processed == [0.5]

    at.sidebar.radio[0].set_value("Colour").run()  # display only: no pipeline run
    assert image_captions(at)[-1] == "Cut-out"
    at.sidebar.toggle[0].set_value(True).run()
    at.run()  # a plain rerun (any widget interaction) recomputes nothing either
    assert spy.processed == [0.5]

    at.sidebar.slider[0].set_value(0.7).run()  # threshold is a pipeline setting: one new run
    assert spy.processed == [0.5, 0.7]
    at.sidebar.slider[1].set_value(0.5).run()  # so is the crop margin
    assert len(spy.processed) == 3
    at.sidebar.slider[0].set_value(0.5).run()  # back to settings already computed: from the cache
    assert len(spy.processed) == 4  # (margin is 0.5 now, a new combination)
    at.sidebar.slider[1].set_value(DEFAULTS.margin).run()
    assert len(spy.processed) == 4  # threshold 0.5 + default margin was the first run: cached
    wide = at.sidebar.checkbox[0].value
    at.sidebar.checkbox[0].set_value(not wide).run()  # the wide look for forearms: a pipeline setting
    assert len(spy.processed) == 5
    assert spy.configs[-1].context_margin == (0.0 if wide else WIDE_LOOK_MARGIN)
    at.sidebar.checkbox[1].set_value(not DEFAULTS.wrist_bridge).run()  # the watch bridge: a pipeline setting
    assert len(spy.processed) == 6
    assert spy.configs[-1].wrist_bridge == (not DEFAULTS.wrist_bridge)
    at.sidebar.checkbox[2].set_value(not DEFAULTS.upright_crops).run()  # upright crops: a pipeline setting
    assert len(spy.processed) == 7
    assert spy.configs[-1].upright_crops == (not DEFAULTS.upright_crops)
    at.sidebar.checkbox[3].set_value(not DEFAULTS.tip_reach > 0).run()  # the fingertip gate: a pipeline setting
    assert len(spy.processed) == 8
    assert (spy.configs[-1].tip_reach > 0) == (not DEFAULTS.tip_reach > 0)

    assert not at.exception and not at.error
    assert spy.detectors == [DEFAULTS.detector] and len(spy.segmenters) == 1  # never reloaded


def test_same_photo_uploaded_twice_is_processed_once_and_named_apart(spy):
    img, mask = draw_hand(seed=5)
    spy.boxes.append(mask_box(mask))
    data = png_bytes(img)
    at = run_page(("hand.png", data, "image/png"), ("hand.png", data, "image/png"))
    assert len(image_captions(at)) == 8
    assert len(spy.processed) == 1


def test_missing_model_is_a_clear_error_not_a_crash(spy, monkeypatch, tmp_path):
    monkeypatch.setenv("HANDCUT_MODEL", str(tmp_path / "nowhere.keras"))
    at = run_page()
    assert len(at.error) == 1
    assert "Cannot start the pipeline" in at.error[0].value and "nowhere.keras" in at.error[0].value
    assert not at.info  # the page stops before asking for uploads it could not process


def test_detector_that_cannot_load_is_reported_and_the_sidebar_stays(spy):
    spy.detector_error = FileNotFoundError("hand model not found at /x/yolo_hand.onnx")
    at = run_page()
    assert len(at.error) == 1
    assert "Cannot start the pipeline" in at.error[0].value and "/x/yolo_hand.onnx" in at.error[0].value
    assert at.sidebar.selectbox[0].options == list(DETECTORS)  # the user can pick another backend
