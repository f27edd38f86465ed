"""The detector interface: every backend returns a list of :class:`HandBox`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from detection.boxes import Box


@dataclass(frozen=True)
class HandBox:
    """One detected hand.

    Attributes:
        xyxy: box in full-resolution pixels of the image given to ``detect``.
        score: detector confidence in [0, 1].
        landmarks: ``21x2`` float array of (x, y) full-resolution pixels, or None for box-only backends.
        handedness: "Left", "Right" or "" when unknown.
        source: name of the backend that found it.
    """

    xyxy: Box
    score: float
    landmarks: np.ndarray | None = None
    handedness: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.xyxy
        if not (x1 > x0 and y1 > y0):
            raise ValueError(f"degenerate box {self.xyxy}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")
        if self.landmarks is not None and self.landmarks.shape != (21, 2):
            raise ValueError(f"landmarks must be 21x2, got {self.landmarks.shape}")
        object.__setattr__(self, "xyxy", tuple(float(v) for v in self.xyxy))


@runtime_checkable
class HandDetector(Protocol):
    """Finds every hand in an ``HxWx3 uint8 RGB`` image; an image without hands gives ``[]``."""

    name: str

    def detect(self, image_rgb: np.ndarray) -> list[HandBox]: ...
