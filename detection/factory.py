"""Pick a detector backend by name."""
from __future__ import annotations

from typing import Any

from detection.types import HandDetector

#: Backends available in this build. YOLO and auto arrive with the trained ONNX detector.
DETECTORS = ("mediapipe",)


def create_detector(name: str = "mediapipe", **options: Any) -> HandDetector:
    """Build a detector by name; options go to its constructor.

    Raises:
        ValueError: unknown name (the message lists the valid ones).
    """
    key = name.strip().lower()
    if key == "mediapipe":
        from detection.mediapipe_detector import MediaPipeHandDetector

        return MediaPipeHandDetector(**options)
    raise ValueError(f"unknown detector {name!r}; choose one of: {', '.join(DETECTORS)}")
