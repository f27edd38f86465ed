"""End to end on the shipped models (slow: loads MediaPipe, LiteRT and the ONNX detector)."""
import cv2
import numpy as np
import pytest

from pipeline.core import build_pipeline
from pipeline.imageio import read_rgb
from tests.conftest import SAMPLES, SHIPPED_MODEL

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SHIPPED_MODEL.exists(), reason="no shipped model")]


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline()


def test_coin_on_the_palm_is_part_of_the_hand(pipeline, tmp_path):
    image = read_rgb(SAMPLES / "palm_open.jpg").copy()
    h, w = image.shape[:2]
    centre, radius = (w // 2 - 20, int(h * 0.62)), 45
    cv2.circle(image, centre, radius, (185, 185, 190), -1, cv2.LINE_AA)  # a silver coin on the palm
    cv2.circle(image, centre, radius, (120, 120, 125), 3, cv2.LINE_AA)
    r = pipeline.process(image)
    coin = np.zeros((h, w), np.uint8)
    cv2.circle(coin, centre, radius, 1, -1)
    covered = (r.mask[coin > 0] > 0).mean()
    if covered < 0.98:
        cv2.imwrite(str(tmp_path / "coin_mask.png"), r.mask)
    assert covered >= 0.98, f"coin only {covered:.0%} inside the mask (saved {tmp_path})"


def test_sample_palm_is_segmented(pipeline):
    image = read_rgb(SAMPLES / "palm_open.jpg")
    r = pipeline.process(image)
    assert not r.fallback_used and r.hands
    h, w = r.mask.shape
    assert r.mask[int(h * 0.6), w // 2] == 255   # palm centre
    assert r.mask[5, 5] == 0 and r.mask[5, w - 5] == 0  # dark car seat in the top corners
    assert 0.3 < (r.mask > 0).mean() < 0.8


def test_cli_keeps_native_library_logs_off_the_terminal(tmp_path):
    """MediaPipe's and LiteRT's C++ start-up lines must not bury the summary and the errors."""
    import subprocess
    import sys

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hand.jpg").write_bytes((SAMPLES / "palm_open.jpg").read_bytes())
    (tmp_path / "in" / "broken.jpg").write_bytes(b"not a jpeg")
    out = subprocess.run([sys.executable, "-m", "pipeline.run", str(tmp_path / "in"), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1  # the broken file
    assert out.stdout.startswith("done 1, failed 1")
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert any(x.startswith("error:") and "broken.jpg" in x for x in lines)
    assert not [x for x in lines if "W0000" in x or "XNNPACK" in x or "absl" in x], lines


def test_face_guard_is_on_and_sees_no_face_on_a_hand_photo(pipeline):
    """The shipped pipeline carries the face detector; on a photo of a hand alone nothing is
    taken out as a face (a 'face' the detector finds on the hand itself is ignored)."""
    assert pipeline.config.face_guard and pipeline.face_detector is not None
    r = pipeline.process(read_rgb(SAMPLES / "palm_open.jpg"))
    assert r.faces == []


def test_every_finger_of_the_sample_palm_reaches_its_tip(pipeline):
    """palm_open.jpg's over-exposed little finger drops out of the U-Net's mask at its middle
    joint; the landmark bridge must join the free fingertip back instead of removing it as a speck."""
    r = pipeline.process(read_rgb(SAMPLES / "palm_open.jpg"))
    lm = r.hands[0].landmarks
    for dip, tip in ((3, 4), (7, 8), (11, 12), (15, 16), (19, 20)):
        x, y = np.round(lm[dip] + 0.6 * (lm[tip] - lm[dip])).astype(int)
        assert r.mask[y, x] == 255, f"finger ending at landmark {tip} is cut off"
    between = np.round(lm[18] + 0.5 * (lm[19] - lm[18])).astype(int)  # the joint the U-Net misses
    assert r.mask[between[1], between[0]] == 255


def test_the_face_detector_gives_each_face_its_eyes(pipeline):
    """The face guard tells a face behind spread fingers from a fist by the eyes MediaPipe puts
    on a face (detection.faces.seen_behind_hand): they must come back in the photo's pixels."""
    import matplotlib

    photo = read_rgb(f"{matplotlib.get_data_path()}/sample_data/grace_hopper.jpg")
    faces = pipeline.face_detector.detect(photo)
    assert len(faces) == 1
    (x0, y0, x1, y1), eyes = faces[0], faces[0].eyes
    assert eyes.shape == (2, 2)
    assert 0.6 <= faces[0].score <= 1.0  # the confidence seen_behind_hand also reads
    assert all(x0 < x < x1 and y0 < y < y0 + 0.6 * (y1 - y0) for x, y in eyes)  # in the upper part
    assert abs(eyes[0, 1] - eyes[1, 1]) < 0.15 * (y1 - y0) and abs(eyes[0, 0] - eyes[1, 0]) > 0.25 * (x1 - x0)


def test_the_readme_python_example_runs_as_written(tmp_path, monkeypatch):
    """The README's "From Python" block, run as printed (from a folder where samples/ resolves)."""
    from PIL import Image

    from tests.conftest import REPO

    text = (REPO / "README.md").read_text()
    block = text.split("### From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "samples").symlink_to(SAMPLES)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    photo, result = scope["photo"], scope["result"]
    cut = Image.open(tmp_path / "palm_cutout.png")
    white = Image.open(tmp_path / "palm_on_white.png")
    assert cut.mode == "RGBA" and white.mode == "RGB" and cut.size == white.size == photo.shape[1::-1]
    alpha = np.asarray(cut)[..., 3]
    assert result.hands and ((alpha >= 128) == (result.mask > 0)).all() and (result.mask > 0).mean() > 0.2
