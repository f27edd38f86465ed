"""``handcut-app``: start the Streamlit app without remembering where its script lives.

Runs ``streamlit run <app/streamlit_app.py> --server.headless true --browser.gatherUsageStats false``
in a child process; any extra arguments (``--server.port 8600``, ``--server.address 0.0.0.0``)
are passed through to Streamlit and, coming later, override these defaults.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: The script Streamlit runs; found next to this module so it works from any working directory.
APP_SCRIPT = Path(__file__).resolve().parent / "streamlit_app.py"

#: Headless: print the URL instead of trying to open a browser (servers, containers, SSH).
#: No usage statistics: handcut runs offline and sends nothing anywhere.
DEFAULT_OPTIONS = ("--server.headless", "true", "--browser.gatherUsageStats", "false")


def build_command(extra: list[str]) -> list[str]:
    """The child command line; the current interpreter, so the same virtualenv's Streamlit runs."""
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *DEFAULT_OPTIONS, *extra]


def main(argv: list[str] | None = None) -> int:
    """Start the app and wait for it; returns Streamlit's exit code (130 after Ctrl+C)."""
    extra = list(sys.argv[1:] if argv is None else argv)
    child = subprocess.Popen(build_command(extra))
    try:
        return child.wait()
    except KeyboardInterrupt:
        # Ctrl+C in a terminal reaches the child too: give Streamlit time to shut down cleanly
        # (subprocess.call would SIGKILL it), then make sure it is gone.
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
