"""The trained U-Net behind a small, load-once interface."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: The shipped model, found next to the packages (editable install or a source checkout).
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "hand_unet.keras"


def default_model_path() -> Path:
    """``$HANDCUT_MODEL`` if set, else the committed ``models/hand_unet.keras``."""
    return Path(os.environ.get("HANDCUT_MODEL", DEFAULT_MODEL))


class Segmenter:
    """Turns square RGB crops into soft hand masks.

    The model is loaded once in ``__init__``; ``predict`` is then cheap and thread-safe for
    inference. Input size comes from the saved model, so a retrained model with another crop
    size needs no code change.
    """

    def __init__(self, model_path: str | os.PathLike | None = None, tta_flip: bool = False) -> None:
        path = Path(model_path) if model_path else default_model_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"segmentation model not found at {path}; train one with `python -m segmentation.train` "
                "or set HANDCUT_MODEL"
            )
        import keras

        from segmentation.model import CUSTOM_OBJECTS

        self.path = path
        self.model = keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS, compile=False)
        shape = self.model.input_shape
        self.input_hw: tuple[int, int] = (int(shape[1]), int(shape[2]))
        self.tta_flip = tta_flip
        self._infer = self._compile()
        # trace the graph now (about a second), not on the first photo of a batch
        self._infer(np.zeros((1, *self.input_hw, 3), np.float32))

    def _compile(self):
        import tensorflow as tf

        model = self.model

        @tf.function(reduce_retracing=True)
        def infer(x):
            return model(x, training=False)

        return infer

    @property
    def size(self) -> int:
        """Side of the square crops this model expects."""
        return self.input_hw[0]

    def predict(self, crops: np.ndarray) -> np.ndarray:
        """Soft masks for a batch of crops.

        Args:
            crops: ``NxHxWx3`` (or one ``HxWx3``) uint8 RGB at the model's input size.

        Returns:
            ``NxHxW`` (or ``HxW``) float32 probabilities in [0, 1].
        """
        single = crops.ndim == 3
        batch = crops[None] if single else crops
        if batch.shape[1:3] != self.input_hw or batch.shape[-1] != 3:
            raise ValueError(f"crops must be Nx{self.input_hw[0]}x{self.input_hw[1]}x3, got {batch.shape}")
        x = batch.astype(np.float32)
        out = self._infer(x).numpy()[..., 0]
        if self.tta_flip:
            flipped = self._infer(x[:, :, ::-1].copy()).numpy()[..., 0]
            out = 0.5 * (out + flipped[:, :, ::-1])
        out = np.clip(out, 0.0, 1.0).astype(np.float32)
        return out[0] if single else out
