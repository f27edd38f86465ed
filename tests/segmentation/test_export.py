"""The TFLite export and the LiteRT-backed Segmenter give the Keras model's masks."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from segmentation import segmenter as segmenter_module
from segmentation.export import export, main
from segmentation.model import build_unet
from segmentation.segmenter import DEFAULT_KERAS_MODEL, DEFAULT_MODEL, Segmenter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    model = build_unet((32, 32), (4, 8, 16), dropout=0.0)
    keras_path = folder / "m.keras"
    model.save(keras_path)
    return keras_path, export(keras_path)


def test_export_writes_tflite_next_to_model(tiny_pair):
    keras_path, tflite_path = tiny_pair
    assert tflite_path == keras_path.with_suffix(".tflite") and tflite_path.stat().st_size > 1000


def test_tflite_segmenter_matches_keras_for_any_batch_size(tiny_pair):
    keras_path, tflite_path = tiny_pair
    ref, lite = Segmenter(keras_path), Segmenter(tflite_path)
    assert lite.size == ref.size == 32
    rng = np.random.default_rng(0)
    for n in (1, 3, 2, 1):  # the interpreter is resized up and down
        x = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        a, b = ref.predict(x), lite.predict(x)
        assert b.shape == (n, 32, 32) and b.dtype == np.float32
        assert np.abs(a - b).max() < 1e-4
    one = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert lite.predict(one).shape == (32, 32)
    with pytest.raises(ValueError, match="crops must be"):
        lite.predict(np.zeros((1, 16, 16, 3), np.uint8))


def test_tflite_flip_tta_is_symmetric(tiny_pair):
    lite = Segmenter(tiny_pair[1], tta_flip=True)
    x = np.random.default_rng(1).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    assert np.allclose(lite.predict(x)[:, :, ::-1], lite.predict(np.ascontiguousarray(x[:, :, ::-1])), atol=1e-5)


def test_export_cli_reports_missing_model(tmp_path, capsys):
    assert main([str(tmp_path / "nope.keras")]) == 2
    assert "no such model file" in capsys.readouterr().err


def test_default_model_is_the_shipped_tflite_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("HANDCUT_MODEL", raising=False)
    assert segmenter_module.default_model_path() == DEFAULT_MODEL
    monkeypatch.setenv("HANDCUT_MODEL", str(tmp_path / "x.keras"))
    assert segmenter_module.default_model_path() == tmp_path / "x.keras"


def test_shipped_tflite_is_the_export_of_the_shipped_keras_model():
    """Guards against retraining the .keras and forgetting `python -m segmentation.export`."""
    x = np.random.default_rng(2).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    hints = np.zeros((2, 256, 256), np.uint8)  # the landmark hint channel, for a model that takes it
    hints[:, 64:192, 96:160] = 255
    keras_model, tflite_model = Segmenter(DEFAULT_KERAS_MODEL), Segmenter(DEFAULT_MODEL)
    assert keras_model.channels == tflite_model.channels
    diff = np.abs(keras_model.predict(x, hints) - tflite_model.predict(x, hints)).max()
    assert diff < 1e-4


def test_product_path_never_imports_tensorflow():
    """MediaPipe + the TFLite model: TensorFlow stays out (start-up time and ~600 MB of memory)."""
    code = (
        "import sys\n"
        "from pipeline.core import build_pipeline\n"
        "from pipeline.config import PipelineConfig\n"
        "build_pipeline(PipelineConfig(detector='auto'))\n"
        "bad = [m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""
