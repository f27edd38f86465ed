"""The trained YOLO hand detector, run from its ONNX export with onnxruntime (no torch at run time).

The pre- and post-processing are pure numpy functions — :func:`letterbox`, :func:`decode`,
:func:`nms` — so they are tested on synthetic tensors without the model. They mirror
ultralytics' own (centred letterbox padded with grey 114, output ``(1, 4 + nc, N)`` holding
``cx, cy, w, h`` in input pixels followed by class scores), so the ONNX model sees exactly what
it was validated on.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from detection.types import HandBox

#: The shipped model, found next to the packages (editable install or a source checkout).
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "yolo_hand.onnx"


def default_model_path() -> Path:
    """``$HANDCUT_YOLO_MODEL`` if set, else the committed ``models/yolo_hand.onnx``."""
    env = os.environ.get("HANDCUT_YOLO_MODEL")
    return Path(env) if env else DEFAULT_MODEL


@dataclass(frozen=True)
class Letterbox:
    """How an image was fitted into the square model input: ``input = image * scale + (pad_x, pad_y)``."""

    scale: float
    pad_x: float
    pad_y: float


def letterbox(image: np.ndarray, size: int, pad_value: int = 114) -> tuple[np.ndarray, Letterbox]:
    """Resize ``HxWx3`` keeping aspect so the long side is ``size``, pad centred to ``size x size``.

    Shrinking uses INTER_AREA (a 12 MP photo squeezed to 320 px would alias with bilinear);
    padding is split like ultralytics' ``LetterBox`` (extra pixel at the bottom/right).

    Returns:
        ``(size x size x 3 uint8, Letterbox)``.
    """
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nw, nh = max(1, int(round(w * r))), max(1, int(round(h * r)))
    if (nw, nh) != (w, h):
        interp = cv2.INTER_AREA if r < 1 else cv2.INTER_LINEAR
        image = cv2.resize(image, (nw, nh), interpolation=interp)
    dw, dh = (size - nw) / 2, (size - nh) / 2
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    # Rounding can leave the sum one pixel off; fix it on the far side.
    bottom += size - (nh + top + bottom)
    right += size - (nw + left + right)
    out = cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad_value,) * 3)
    # Effective per-axis scale differs from r by rounding; use the true one so boxes map back exactly.
    return out, Letterbox(scale=nw / w, pad_x=float(left), pad_y=float(top))


def decode(output: np.ndarray, conf: float) -> tuple[np.ndarray, np.ndarray]:
    """Boxes and scores above ``conf`` from a YOLO v8/11 head output.

    Args:
        output: ``(1, 4 + nc, N)`` or ``(4 + nc, N)``: ``cx, cy, w, h`` in input pixels, then class scores.
        conf: minimum best-class score.

    Returns:
        ``(Kx4 float32 xyxy in input pixels, K float32 scores)``.
    """
    out = np.asarray(output, dtype=np.float32)
    if out.ndim == 3:
        out = out[0]
    if out.ndim != 2 or out.shape[0] < 5:
        raise ValueError(f"expected a (1, 4 + nc, N) YOLO output, got {np.shape(output)}")
    scores = out[4:].max(axis=0)
    keep = scores >= conf
    cx, cy, w, h = out[:4, keep]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return boxes.astype(np.float32), scores[keep].astype(np.float32)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float, max_det: int | None = None) -> np.ndarray:
    """Greedy non-maximum suppression; indices of the kept boxes, best score first.

    Args:
        boxes: ``Kx4`` xyxy.
        scores: ``K``.
        iou: a box overlapping an already kept one by more than this is dropped.
        max_det: keep at most this many (None = all).
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    area = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)
    kept: list[int] = []
    while order.size and (max_det is None or len(kept) < max_det):
        i = int(order[0])
        kept.append(i)
        rest = order[1:]
        ix = np.clip(np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None)
        iy = np.clip(np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None)
        inter = ix * iy
        union = area[i] + area[rest] - inter
        overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = rest[overlap <= iou]
    return np.asarray(kept, dtype=np.int64)


def unletterbox(boxes: np.ndarray, lb: Letterbox, width: int, height: int) -> np.ndarray:
    """Map ``Kx4`` xyxy boxes from model-input pixels back to the original image, clipped to it."""
    b = (np.asarray(boxes, dtype=np.float64).reshape(-1, 4) - [lb.pad_x, lb.pad_y, lb.pad_x, lb.pad_y]) / lb.scale
    b[:, [0, 2]] = b[:, [0, 2]].clip(0, width)
    b[:, [1, 3]] = b[:, [1, 3]].clip(0, height)
    return b


class YoloHandDetector:
    """A one-class YOLO (v8n, trained for this project) behind the :class:`HandDetector` protocol.

    The ONNX session is created once; ``detect`` is then a letterbox, one forward pass and a
    numpy NMS. Boxes have no landmarks (``landmarks=None``) and ``source="yolo"``.
    """

    name = "yolo"

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        max_hands: int = 4,
        min_confidence: float = 0.25,
        iou: float = 0.45,
        threads: int | None = None,
    ) -> None:
        """
        Args:
            model_path: ONNX file; default ``$HANDCUT_YOLO_MODEL`` or ``models/yolo_hand.onnx``.
            max_hands: keep at most this many boxes (highest scores).
            min_confidence: minimum class score.
            iou: NMS overlap threshold.
            threads: onnxruntime intra-op threads (None = onnxruntime's default).

        Raises:
            FileNotFoundError: no model at the path (the message says how to train one).
        """
        import onnxruntime as ort

        path = Path(model_path) if model_path else default_model_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"YOLO hand model not found at {path}; train one with `python -m detection.train_yolo` "
                "(needs the yolo extra) or set HANDCUT_YOLO_MODEL"
            )
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        # No busy-waiting threads after a run: they would steal the CPU from MediaPipe in `auto`
        # and from the segmenter that runs next.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        inp = self._session.get_inputs()[0]
        self._input = inp.name
        side = inp.shape[-1]
        self.imgsz = int(side) if isinstance(side, int) else 320
        self.max_hands = max_hands
        self.min_confidence = min_confidence
        self.iou = iou
        self.model_path = path

    def detect(self, image_rgb: np.ndarray) -> list[HandBox]:
        if image_rgb.ndim != 3 or image_rgb.shape[2] != 3 or image_rgb.dtype != np.uint8:
            raise ValueError("detect expects an HxWx3 uint8 RGB image")
        h, w = image_rgb.shape[:2]
        x, lb = letterbox(image_rgb, self.imgsz)
        blob = np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
        out = self._session.run(None, {self._input: blob})[0]  # onnxruntime's run is thread-safe
        boxes, scores = decode(out, self.min_confidence)
        keep = nms(boxes, scores, self.iou, self.max_hands)
        full = unletterbox(boxes[keep], lb, w, h)
        hands: list[HandBox] = []
        for b, s in zip(full, scores[keep]):
            if b[2] - b[0] < 2 or b[3] - b[1] < 2:
                continue
            hands.append(HandBox(xyxy=tuple(b), score=float(np.clip(s, 0, 1)), source=self.name))
        return hands
