#!/usr/bin/env bash
# Every figure in the README's results table, from scratch (about 20 minutes on 2 cores):
#   bash benchmarks/eval_all.sh [DATA_DIR]      (DATA_DIR defaults to ../shared/data)
# then: python benchmarks/results_table.py --write README.md
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}

# full-resolution pipeline quality on the person-wise held-out test splits (seed 0)
python -m pipeline.evaluate --images "$DATA/hgr/images" --masks "$DATA/hgr/masks" --split test -o docs/eval/hgr_test
python -m pipeline.evaluate --images "$DATA/hands11k/images" --masks "$DATA/hands11k/masks_silver" --split test -o docs/eval/hands11k_test
python benchmarks/by_group.py --per-image docs/eval/hands11k_test/per_image.csv --meta "$DATA/hands11k/meta.csv" \
    --column skinColor -o docs/eval/hands11k_test/by_skin_colour.json

# the same hgr test images on 2160x4000 portrait canvases
[ -d runs/highres_hgr/masks ] || python benchmarks/make_highres_set.py --data "$DATA/hgr" --split test --out runs/highres_hgr
python -m pipeline.evaluate --images runs/highres_hgr/images --masks runs/highres_hgr/masks -o docs/eval/hgr_test_2160x4000

# handcut against GrabCut, a skin-colour threshold and selfie segmentation (docs/benchmarks.md)
python benchmarks/quality.py --images "$DATA/hgr/images" --masks "$DATA/hgr/masks" \
    --images "$DATA/hands11k/images" --masks "$DATA/hands11k/masks_silver" --split test -o docs/benchmarks

# speed and memory at 2160x4000
python benchmarks/speed.py --out docs/speed.json

# the U-Net alone: ms per crop, Keras against the shipped TFLite export
python benchmarks/segmenter_speed.py --out docs/segmenter_speed.json
