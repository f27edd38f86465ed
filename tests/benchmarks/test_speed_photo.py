"""The photo ``benchmarks/speed.py`` times: a source scaled to cover the frame, turned upright on request."""
import cv2
import numpy as np

from benchmarks import speed


def test_stage_photo_covers_the_frame_and_turns_a_landscape_source_upright(tmp_path):
    src = np.zeros((20, 40, 3), np.uint8)
    src[:, :20] = (0, 0, 255)  # left half red (BGR), right half black
    cv2.imwrite(str(tmp_path / "src.png"), src)
    plain, upright = tmp_path / "plain.png", tmp_path / "upright.png"
    speed.make_photo(plain, 20, 40, tmp_path / "src.png")
    speed.make_photo(upright, 20, 40, tmp_path / "src.png", upright=True)
    a, b = cv2.imread(str(plain)), cv2.imread(str(upright))
    assert a.shape == b.shape == (40, 20, 3)
    # scaled to cover, the plain copy keeps the middle of the landscape: the red/black border runs down it
    assert a[:, :8, 2].mean() > 200 and a[:, 12:, 2].mean() < 50
    # turned a quarter turn clockwise first, the red left half becomes the top half
    assert b[:18, :, 2].mean() > 200 and b[22:, :, 2].mean() < 50


def test_a_childs_peak_memory_is_its_own_not_the_forking_processs(tmp_path):
    import os
    import subprocess
    import sys

    import pytest

    if not os.path.exists(f"/proc/{os.getpid()}/status"):
        pytest.skip("needs /proc")
    held = np.ones(300 * 2**20, np.uint8)  # the benchmark holding a big photo's planes when it forks
    small = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    big = subprocess.Popen([sys.executable, "-c",
                            "import time; b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"])
    peaks = {pid: mb for pid, (_, mb) in speed.wait_all([small, big]).items()}
    assert held.sum() == held.size
    assert peaks[small.pid] < 150  # an idle interpreter, not the 300 MB its parent held
    assert 200 <= peaks[big.pid] < 450
