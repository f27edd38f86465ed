"""The trained U-Net behind a small, load-once interface.

Two file formats, picked by suffix: ``.tflite`` runs on LiteRT (``ai-edge-litert``), so the
product never imports TensorFlow (seconds of start-up and ~600 MB less per process); ``.keras``
runs on Keras, for models fresh out of training. The shipped model exists in both formats
(``python -m segmentation.export`` makes one from the other) and the TFLite one is the default.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
#: The shipped model, found next to the packages (editable install or a source checkout).
DEFAULT_MODEL = MODELS_DIR / "hand_unet.tflite"
DEFAULT_KERAS_MODEL = MODELS_DIR / "hand_unet.keras"


def default_model_path() -> Path:
    """``$HANDCUT_MODEL`` if set, else the shipped TFLite model (or its ``.keras`` twin)."""
    if os.environ.get("HANDCUT_MODEL"):
        return Path(os.environ["HANDCUT_MODEL"])
    return DEFAULT_MODEL if DEFAULT_MODEL.is_file() else DEFAULT_KERAS_MODEL


def make_interpreter(model: str | os.PathLike | bytes, threads: int | None = None):
    """A TFLite interpreter from LiteRT, or from TensorFlow when LiteRT is not installed."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # pragma: no cover - the default install has LiteRT
        from tensorflow.lite import Interpreter
    threads = threads or min(4, os.cpu_count() or 1)
    if isinstance(model, bytes):
        interp = Interpreter(model_content=model, num_threads=threads)
    else:
        interp = Interpreter(model_path=str(model), num_threads=threads)
    interp.allocate_tensors()
    return interp


class _TFLiteRunner:
    """Batch-of-N inference on an interpreter whose input batch is resized on demand."""

    def __init__(self, path: Path) -> None:
        self._interp = make_interpreter(path)
        self._in = self._interp.get_input_details()[0]
        self._out = self._interp.get_output_details()[0]
        self._batch = int(self._in["shape"][0])
        self._lock = threading.Lock()  # an interpreter is not re-entrant; Streamlit calls from threads
        self.input_hw = (int(self._in["shape"][1]), int(self._in["shape"][2]))
        self.channels = int(self._in["shape"][3])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        with self._lock:
            if x.shape[0] != self._batch:
                self._interp.resize_tensor_input(self._in["index"], list(x.shape))
                self._interp.allocate_tensors()
                self._batch = x.shape[0]
            self._interp.set_tensor(self._in["index"], np.ascontiguousarray(x))
            self._interp.invoke()
            return self._interp.get_tensor(self._out["index"]).copy()


class _KerasRunner:
    """A ``tf.function`` around the Keras model (traced once, not per photo)."""

    def __init__(self, path: Path) -> None:
        import tensorflow as tf

        from segmentation.model import load_keras_model

        model = load_keras_model(path)
        self.input_hw = (int(model.input_shape[1]), int(model.input_shape[2]))
        self.channels = int(model.input_shape[3])
        self._infer = tf.function(lambda x: model(x, training=False), reduce_retracing=True)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._infer(x).numpy()


class Segmenter:
    """Turns square RGB crops into soft hand masks.

    The model is loaded once in ``__init__``; ``predict`` is then cheap and thread-safe. Input
    size comes from the saved model, so a retrained model with another crop size needs no
    code change. So does the input's depth: a model with a fourth channel takes the landmark
    hint (:mod:`segmentation.hint`; a fifth, its forearm fan) and ``predict`` passes the
    caller's hints to it; a plain RGB model ignores them.
    """

    def __init__(self, model_path: str | os.PathLike | None = None, tta_flip: bool = False) -> None:
        path = Path(model_path) if model_path else default_model_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"segmentation model not found at {path}; train one with `python -m segmentation.train` "
                "or set HANDCUT_MODEL"
            )
        self.path = path
        self.tta_flip = tta_flip
        self._run = _TFLiteRunner(path) if path.suffix == ".tflite" else _KerasRunner(path)
        self.input_hw: tuple[int, int] = self._run.input_hw
        self.channels: int = self._run.channels
        from segmentation.hint import hint_layers

        try:
            self.hint_layers: int = hint_layers(self.channels)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        # build/trace now (about a second for Keras), not on the first photo of a batch
        self._run(np.zeros((1, *self.input_hw, self.channels), np.float32))

    @property
    def uses_hint(self) -> bool:
        """Whether the model takes the landmark hint (a fourth channel, and a fifth for the
        forearm fan)."""
        return self.hint_layers > 0

    @property
    def size(self) -> int:
        """Side of the square crops this model expects."""
        return self.input_hw[0]

    def predict(self, crops: np.ndarray, hints: np.ndarray | None = None) -> np.ndarray:
        """Soft masks for a batch of crops.

        Args:
            crops: ``NxHxWx3`` (or one ``HxWx3``) uint8 RGB at the model's input size.
            hints: ``NxHxW`` (or ``HxW``) uint8 landmark hints for a hint model, with a last
                axis of ``hint_layers`` when that is 2 (:func:`segmentation.hint.crop_hint`);
                None means no landmarks (zeros).
                Ignored by an RGB model.

        Returns:
            ``NxHxW`` (or ``HxW``) float32 probabilities in [0, 1].
        """
        single = crops.ndim == 3
        batch = crops[None] if single else crops
        if batch.shape[1:3] != self.input_hw or batch.shape[-1] != 3:
            raise ValueError(f"crops must be Nx{self.input_hw[0]}x{self.input_hw[1]}x3, got {batch.shape}")
        if self.uses_hint:
            from segmentation.hint import with_hint

            if hints is not None:
                hints = hints[None] if single else hints
                want = batch.shape[:3] if self.hint_layers == 1 else (*batch.shape[:3], self.hint_layers)
                if hints.shape != want:
                    raise ValueError(f"hints must be {want}, got {hints.shape}")
            x = with_hint(batch, hints, self.hint_layers)
        else:
            x = batch.astype(np.float32)
        out = self._run(x)[..., 0]
        if self.tta_flip:
            flipped = self._run(np.ascontiguousarray(x[:, :, ::-1]))[..., 0]
            out = 0.5 * (out + flipped[:, :, ::-1])
        out = np.clip(out, 0.0, 1.0).astype(np.float32)
        return out[0] if single else out
