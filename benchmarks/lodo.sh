#!/usr/bin/env bash
# Leave-one-domain-out (issue #9): train on one domain only, score on both domains' test splits.
#   bash benchmarks/lodo.sh [DATA_DIR] [MINUTES] [DONE]  (defaults: ../shared/data, 25 minutes per run)
# DONE > 0: the runs already trained DONE minutes; continue runs/lodo_only_*.keras for MINUTES more
# (fresh optimiser) instead of starting from scratch; the table then says DONE + MINUTES.
# The two runs train side by side, one CPU thread each, with the same recipe and time budget as
# each other (from scratch, compositing on). Each model is in-domain for the set it saw and
# out-of-domain for the other, so per domain: gap = in-domain model - model that never saw it.
# Writes docs/lodo/{only_hgr,only_hands11k}.json and docs/lodo/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
MIN=${2:-25}
DONE=${3:-0}
mkdir -p docs/lodo runs
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
for only in hgr hands11k; do
  if [ "$DONE" -gt 0 ]; then
    cp "runs/lodo_only_$only.keras" "runs/lodo_only_${only}_${DONE}min.keras"
    more=(--init-from "runs/lodo_only_${only}_${DONE}min.keras" --no-resume --work-dir "runs/lodo_only_${only}_after_${DONE}")
  else
    more=(--work-dir "runs/lodo_only_$only")
  fi
  python -m segmentation.train --data "$DATA/$only" --time-limit "$MIN" --epochs 200 --patience 200 \
      "${more[@]}" --out "runs/lodo_only_$only.keras" > "runs/lodo_only_$only.log" 2>&1 &
done
wait
for only in hgr hands11k; do
  python -m segmentation.score --model "runs/lodo_only_$only.keras" --data "$DATA/hgr" --data "$DATA/hands11k" \
      --out "docs/lodo/only_$only.json" > /dev/null
done
python benchmarks/lodo_table.py docs/lodo/only_hgr.json docs/lodo/only_hands11k.json --minutes "$((MIN + DONE))" \
    > docs/lodo/summary.md
cat docs/lodo/summary.md
