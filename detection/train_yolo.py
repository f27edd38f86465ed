"""Train the YOLO hand detector and export it to ONNX: ``python -m detection.train_yolo``.

Needs the ``[yolo]`` extra (torch + ultralytics); the exported ONNX then runs with onnxruntime
alone, so the default install never needs torch. Training is from a model ``.yaml`` (random
init): no pretrained weights can be downloaded on the project's machines. Everything works
offline: fonts and update checks are pointed at a local config folder.

Do not import mediapipe or tensorflow in the same process before torch (segfault); this
module imports neither.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from detection.yolo_composites import SceneConfig
from detection.yolo_data import DatasetConfig, build_yolo_dataset

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class TrainConfig:
    """The training recipe; every field is a CLI flag of the same name.

    ``time_hours`` (when set) makes ultralytics stop after that wall time and fit its learning-rate
    schedule to it, so a run on a busy 2-core CPU still ends with a decayed LR and usable weights.
    """

    model: str = "yolov8n.yaml"
    imgsz: int = 320
    epochs: int = 60
    time_hours: float | None = None
    batch: int = 16
    patience: int = 100
    seed: int = 0
    workers: int = 0
    limit_per_source: int | None = None
    close_mosaic: int = 5
    opset: int = 12
    #: composite scenes added to the data set (``detection.yolo_composites``); 0 = none
    composites: int = 0
    composite_val: int = 0


def _prepare_offline_ultralytics(work_dir: Path) -> None:
    """Point ultralytics at a local config dir holding a font, and switch off its network calls.

    Must run before ``import ultralytics`` (it reads these variables at import time).
    """
    cfg_dir = work_dir / "ultralytics_config"
    font_dst = cfg_dir / "Ultralytics" / "Arial.ttf"
    if not font_dst.exists():
        font_dst.parent.mkdir(parents=True, exist_ok=True)
        import matplotlib

        src = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        shutil.copyfile(src, font_dst)
        shutil.copyfile(src, font_dst.with_name("Arial.Unicode.ttf"))
    os.environ.setdefault("YOLO_CONFIG_DIR", str(cfg_dir))
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_VERBOSE", "True")


def _import_yolo():
    try:
        from ultralytics import YOLO  # noqa: PLC0415  (heavy optional dependency)
    except ImportError as exc:
        raise SystemExit(
            f"detection.train_yolo needs the yolo extra: pip install -e '.[yolo]' ({exc})"
        ) from None
    return YOLO


def train(
    data_yaml: Path, work_dir: Path, out: Path, cfg: TrainConfig, name: str = "train", resume: bool = False
) -> dict:
    """Train, export ONNX to ``out`` and return a report (metrics, times, paths).

    Checkpoints (``last.pt`` each epoch, ``best.pt``) go to ``work_dir/name/weights``; with
    ``resume`` an interrupted run continues from ``last.pt``.
    """
    _prepare_offline_ultralytics(work_dir)
    YOLO = _import_yolo()
    from ultralytics import settings

    settings.update({"sync": False})  # no analytics/hub calls
    run_dir = work_dir / name
    last = run_dir / "weights" / "last.pt"
    t0 = time.time()
    if resume and last.is_file():
        model = YOLO(str(last))
        model.train(resume=True)
    else:
        model = YOLO(cfg.model)
        kwargs = dict(
            data=str(data_yaml), imgsz=cfg.imgsz, epochs=cfg.epochs, batch=cfg.batch, device="cpu",
            workers=cfg.workers, amp=False, seed=cfg.seed, deterministic=False, patience=cfg.patience,
            project=str(work_dir), name=name, exist_ok=True, pretrained=False, plots=False,
            close_mosaic=cfg.close_mosaic, save_period=-1, verbose=True,
        )
        if cfg.time_hours:
            kwargs["time"] = cfg.time_hours
        model.train(**kwargs)
    train_s = time.time() - t0
    best = run_dir / "weights" / "best.pt"
    weights = best if best.is_file() else last
    final = YOLO(str(weights))
    metrics = final.val(data=str(data_yaml), imgsz=cfg.imgsz, batch=cfg.batch, device="cpu", workers=0,
                        plots=False, project=str(work_dir), name=f"{name}_val", exist_ok=True, verbose=False)
    onnx_path = Path(final.export(format="onnx", imgsz=cfg.imgsz, opset=cfg.opset, simplify=False, dynamic=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(onnx_path, out)
    report = {
        "config": asdict(cfg),
        "data_yaml": str(data_yaml),
        "weights": str(weights),
        "onnx": str(out),
        "onnx_mb": round(out.stat().st_size / 2**20, 2),
        "train_minutes": round(train_s / 60, 1),
        "val": {
            "precision": float(metrics.box.mp), "recall": float(metrics.box.mr),
            "map50": float(metrics.box.map50), "map50_95": float(metrics.box.map),
        },
    }
    results_csv = run_dir / "results.csv"
    if results_csv.is_file():
        report["epochs_done"] = max(0, len(results_csv.read_text().strip().splitlines()) - 1)
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m detection.train_yolo", description=__doc__.splitlines()[0])
    p.add_argument("--boxes", action="append", help="YOLO-format folder (images/{train,val}, labels/...); "
                   "repeatable; default: shared/data/hand_boxes")
    p.add_argument("--masks", action="append", help="mask data folder (split by person; 'test' is never used); "
                   "repeatable; default: shared/data/hgr and shared/data/hands11k")
    p.add_argument("--work-dir", default="runs/yolo", help="data set, checkpoints and logs go here")
    p.add_argument("--name", default="train", help="run name inside --work-dir")
    p.add_argument("--out", default=str(REPO / "models" / "yolo_hand.onnx"), help="exported ONNX model")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last.pt")
    defaults = TrainConfig()
    for field, value in asdict(defaults).items():
        flag = "--" + field.replace("_", "-")
        kind = float if field == "time_hours" else int if field != "model" else str
        p.add_argument(flag, type=kind, default=value)
    args = p.parse_args(argv)
    cfg = TrainConfig(**{k: getattr(args, k) for k in asdict(defaults)})
    work_dir = Path(args.work_dir).resolve()
    boxes = args.boxes if args.boxes is not None else [str(DEFAULT_DATA / "hand_boxes")]
    masks = args.masks if args.masks is not None else [str(DEFAULT_DATA / "hgr"), str(DEFAULT_DATA / "hands11k")]
    t0 = time.time()
    if args.resume and (work_dir / "dataset" / "data.yaml").is_file():
        data_yaml = work_dir / "dataset" / "data.yaml"
    else:
        data_yaml = build_yolo_dataset(
            work_dir / "dataset", boxes, masks, DatasetConfig(limit_per_source=cfg.limit_per_source, seed=cfg.seed),
            SceneConfig(train_count=cfg.composites, val_count=cfg.composite_val, seed=cfg.seed),
        )
    print(f"data set: {data_yaml} ({time.time() - t0:.0f} s)", flush=True)
    report = train(data_yaml, work_dir, Path(args.out).resolve(), cfg, name=args.name, resume=args.resume)
    report["command"] = "python -m detection.train_yolo " + " ".join(argv if argv is not None else sys.argv[1:])
    report["total_minutes"] = round((time.time() - t0) / 60, 1)
    report_path = work_dir / f"{args.name}_report.json"
    report_path.write_text(json.dumps(report, indent=1))
    print(json.dumps(report["val"]), f"-> {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
