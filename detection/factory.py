"""Pick a detector backend by name."""
from __future__ import annotations

from typing import Any

from detection.types import HandDetector

#: Backends available in this build: MediaPipe Hands, the project's YOLO ONNX model, and both merged.
DETECTORS = ("mediapipe", "yolo", "auto")


def create_detector(name: str = "mediapipe", **options: Any) -> HandDetector:
    """Build a detector by name; options go to its constructor.

    ``max_hands`` works for every backend. For ``auto``, ``merge`` (the mode, see
    :class:`detection.auto_detector.MergeConfig`), ``merge_options`` (other ``MergeConfig``
    fields), ``mediapipe_options`` and ``yolo_options`` (dicts, passed to each backend) are
    accepted.

    Raises:
        ValueError: unknown name (the message lists the valid ones).
    """
    key = name.strip().lower()
    if key == "mediapipe":
        from detection.mediapipe_detector import MediaPipeHandDetector

        return MediaPipeHandDetector(**options)
    if key == "yolo":
        from detection.yolo_detector import YoloHandDetector

        return YoloHandDetector(**options)
    if key == "auto":
        from detection.auto_detector import AutoHandDetector, MergeConfig

        opts = dict(options)
        max_hands = opts.pop("max_hands", 4)
        merge_opts = dict(opts.pop("merge_options", {}))
        # the mode may come as ``merge`` or inside ``merge_options`` (``val_sweep --set merge.mode=add``)
        merge = opts.pop("merge", merge_opts.pop("mode", MergeConfig.mode))
        mp_opts = {"max_hands": max_hands, **opts.pop("mediapipe_options", {})}
        yolo_opts = {"max_hands": max_hands, **opts.pop("yolo_options", {})}
        if opts:
            raise TypeError(f"unexpected option(s) for the auto detector: {', '.join(sorted(opts))}")
        return AutoHandDetector(
            create_detector("mediapipe", **mp_opts),
            create_detector("yolo", **yolo_opts),
            MergeConfig(mode=merge, max_hands=max_hands, **merge_opts),
        )
    raise ValueError(f"unknown detector {name!r}; choose one of: {', '.join(DETECTORS)}")
