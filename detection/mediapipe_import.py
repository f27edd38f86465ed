"""Import MediaPipe without dragging TensorFlow in.

``mediapipe.tasks`` imports ``tensorflow.tools.docs.doc_controls`` when TensorFlow is installed,
only for a documentation decorator; that costs ~3 s and ~600 MB of memory in every process,
although MediaPipe Hands never uses TensorFlow. MediaPipe itself falls back to a no-op decorator
when the import fails; we hand it that same no-op up front.
"""
from __future__ import annotations

import sys
import types

_OPTIONAL = "mediapipe.tasks.python.core.optional_dependencies"


def import_mediapipe():
    """``import mediapipe`` (once), with the docs-only TensorFlow import replaced by a no-op."""
    if "mediapipe" not in sys.modules and _OPTIONAL not in sys.modules and "tensorflow" not in sys.modules:
        stub = types.ModuleType(_OPTIONAL)
        stub.doc_controls = types.SimpleNamespace(do_not_generate_docs=lambda obj: obj)
        sys.modules[_OPTIONAL] = stub
    import mediapipe

    return mediapipe
