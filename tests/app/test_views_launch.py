"""Preview pictures and the ``handcut-app`` launcher."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from app import launch
from app.views import DARK, LIGHT, draw_landmarks, on_checkerboard, overlay_view, preview_scale, shrink
from detection.types import HandBox


@pytest.mark.parametrize(
    "shape, scale",
    [((2048, 1024, 3), 0.5), ((1000, 4096), 0.25), ((640, 640, 3), 1.0), ((10, 10), 1.0)],
)
def test_previews_shrink_big_images_and_never_enlarge(shape, scale):
    assert preview_scale(shape, 1024) == pytest.approx(scale)
    arr = np.zeros(shape, np.uint8)
    small = shrink(arr, scale)
    assert small.shape[:2] == (round(shape[0] * scale), round(shape[1] * scale))
    if scale == 1.0:
        assert small is arr


def test_checkerboard_shows_through_transparent_pixels_only():
    img = np.full((24, 48, 3), (200, 100, 50), np.uint8)
    alpha = np.zeros((24, 48), np.uint8)
    alpha[:, 24:] = 255
    out = on_checkerboard(img, alpha, cell=6)
    assert tuple(out[0, 0]) == LIGHT and tuple(out[0, 6]) == DARK and tuple(out[6, 6]) == LIGHT
    assert (out[:, 24:] == (200, 100, 50)).all()


def hand_with_landmarks(scale: float = 1.0) -> HandBox:
    pts = np.stack([np.linspace(20, 80, 21), np.linspace(30, 70, 21)], axis=1) / scale
    return HandBox((10 / scale, 20 / scale, 90 / scale, 80 / scale), 0.9, landmarks=pts)


def test_landmarks_are_drawn_at_preview_scale_and_box_only_hands_skipped():
    img = np.zeros((100, 100, 3), np.uint8)
    out = draw_landmarks(img, [hand_with_landmarks(scale=0.5)], scale=0.5)
    assert out[30, 20].any() and out[70, 80].any()  # first and last landmark, scaled back
    assert not img.any()  # input untouched
    box_only = HandBox((10, 10, 50, 50), 0.9)
    assert not draw_landmarks(img, [box_only]).any()


def test_overlay_draws_detections_only_when_asked():
    img = np.zeros((100, 100, 3), np.uint8)
    mask = np.zeros((100, 100), np.uint8)
    hands = [hand_with_landmarks()]
    plain = overlay_view(img, mask, hands, 1.0, show_detections=False)
    shown = overlay_view(img, mask, hands, 1.0, show_detections=True)
    assert not plain.any()
    assert tuple(shown[50, 10]) == (255, 0, 255)  # left edge of the box, in render.overlay's colour
    assert shown[30, 20].any()
    face = (60.0, 5.0, 95.0, 40.0)
    with_face = overlay_view(img, mask, hands, 1.0, show_detections=True, faces=[face])
    assert tuple(with_face[20, 60]) == (255, 140, 0)  # the face kept out of the mask, in orange
    assert not overlay_view(img, mask, hands, 1.0, show_detections=False, faces=[face]).any()


def test_launch_command_runs_the_app_script_headless_without_telemetry():
    cmd = launch.build_command(["--server.port", "9999"])
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert cmd[4] == str(launch.APP_SCRIPT) and launch.APP_SCRIPT.is_file()
    assert launch.APP_SCRIPT.name == "streamlit_app.py"
    opts = cmd[5:]
    assert opts[opts.index("--server.headless") + 1] == "true"
    assert opts[opts.index("--browser.gatherUsageStats") + 1] == "false"
    assert opts[-2:] == ["--server.port", "9999"]  # extra arguments last, so they win


class FakeChild:
    """Stands in for the Streamlit process."""

    def __init__(self, cmd, waits):
        self.cmd, self.waits, self.killed = cmd, list(waits), False

    def wait(self, timeout=None):
        step = self.waits.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step

    def kill(self):
        self.killed = True


def fake_popen(monkeypatch, waits) -> list[FakeChild]:
    children: list[FakeChild] = []

    def popen(cmd, *args, **kwargs):
        children.append(FakeChild(cmd, waits))
        return children[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    return children


def test_launch_main_passes_arguments_and_exit_code(monkeypatch):
    children = fake_popen(monkeypatch, [3])
    assert launch.main(["--server.port", "8600"]) == 3
    assert children[0].cmd == launch.build_command(["--server.port", "8600"])


def test_launch_main_defaults_to_sys_argv(monkeypatch):
    children = fake_popen(monkeypatch, [0])
    monkeypatch.setattr(sys, "argv", ["handcut-app", "--server.address", "127.0.0.1"])
    assert launch.main() == 0
    assert children[0].cmd[-2:] == ["--server.address", "127.0.0.1"]


def test_ctrl_c_lets_streamlit_stop_then_returns_130(monkeypatch):
    children = fake_popen(monkeypatch, [KeyboardInterrupt(), 0])
    assert launch.main([]) == 130
    assert not children[0].killed  # it stopped on its own within the grace period


def test_ctrl_c_kills_a_child_that_hangs(monkeypatch):
    children = fake_popen(monkeypatch, [KeyboardInterrupt(), subprocess.TimeoutExpired("streamlit", 10), 0])
    assert launch.main([]) == 130
    assert children[0].killed


def test_app_modules_print_nothing_on_import():
    code = "import app.launch, app.processing, app.views"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=str(launch.APP_SCRIPT.parent.parent))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
