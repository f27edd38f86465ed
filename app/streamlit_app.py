"""handcut's web app: ``streamlit run app/streamlit_app.py`` (or the ``handcut-app`` command).

Streamlit executes this file as a script on every interaction; the page itself lives in
``app.ui`` so that its functions are importable and tested.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# `streamlit run` puts app/ on sys.path, not the repository root that holds the packages;
# add it so the app also runs from a plain checkout without `pip install -e .`.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the console

from app.ui import main  # noqa: E402

main()
