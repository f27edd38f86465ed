"""Export a trained ``.keras`` U-Net to TFLite: ``python -m segmentation.export MODEL.keras [-o OUT.tflite]``.

Why: the product runs the TFLite file through LiteRT (``ai-edge-litert``), so a run never
imports TensorFlow: a process starts about 6 s sooner (TensorFlow's import and the model
load) and needs some 700 MB less memory, and on this CPU XNNPACK is also faster per crop
(19 against 27 ms, ``benchmarks/segmenter_speed.py`` on an idle machine).
The export is float32 and checked against the Keras model on random crops before it is written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def keras_to_tflite(model) -> bytes:
    """Serialise a Keras model as a float32 TFLite flatbuffer."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    return converter.convert()


def max_difference(model, tflite_bytes: bytes, n: int = 3, seed: int = 0) -> float:
    """Largest absolute difference between Keras and TFLite outputs on ``n`` random crops."""
    from segmentation.segmenter import make_interpreter

    h, w, c = (int(v) for v in model.input_shape[1:4])
    interp = make_interpreter(tflite_bytes)
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n):
        x = rng.uniform(0, 255, (1, h, w, c)).astype(np.float32)
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        ref = model(x, training=False).numpy()
        worst = max(worst, float(np.abs(interp.get_tensor(out["index"]) - ref).max()))
    return worst


def write_tflite(model, out: str | Path, tolerance: float = 1e-4) -> Path:
    """Convert an in-memory Keras model and write it to ``out`` after checking it matches."""
    out = Path(out)
    data = keras_to_tflite(model)
    diff = max_difference(model, data)
    if diff > tolerance:
        raise RuntimeError(f"TFLite export differs from the Keras model by {diff:.2e} (> {tolerance:.0e})")
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return out


def export(keras_path: str | Path, out: str | Path | None = None, tolerance: float = 1e-4) -> Path:
    """Write ``out`` (default: next to the ``.keras`` file) after checking it matches the model."""
    from segmentation.model import load_keras_model

    keras_path = Path(keras_path)
    return write_tflite(load_keras_model(keras_path), out or keras_path.with_suffix(".tflite"), tolerance)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m segmentation.export", description=__doc__.splitlines()[0])
    p.add_argument("model", help="trained .keras file")
    p.add_argument("-o", "--out", default=None, help="output .tflite (default: next to the model)")
    args = p.parse_args(argv)
    if not Path(args.model).is_file():
        print(f"error: {args.model}: no such model file", file=sys.stderr)
        return 2
    out = export(args.model, args.out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
