#!/usr/bin/env bash
# Leave-one-domain-out (issue #9): train on one domain only, score on both domains' test splits.
#   bash benchmarks/lodo.sh [DATA_DIR] [MINUTES] [DONE] [TRAIN OPTIONS...]
#   (defaults: ../shared/data, 25 minutes per run)
# DONE > 0: the runs already trained DONE minutes; continue runs/<tag>_only_*.keras for MINUTES more
# (fresh optimiser) instead of starting from scratch; the table then says DONE + MINUTES.
# TRAIN OPTIONS go to both `segmentation.train` runs (e.g. --quarter-turn-p 0.3) and are named in
# the table's caption; LODO_OUT=DIR writes the reports there instead of docs/lodo (its name is
# also the runs' tag, so a second variant does not resume or overwrite the first).
# The two runs train side by side, one CPU thread each, with the same recipe and time budget as
# each other (from scratch, compositing on). Each model is in-domain for the set it saw and
# out-of-domain for the other, so per domain: gap = in-domain model - model that never saw it.
# Writes $LODO_OUT/{only_hgr,only_hands11k}.json and $LODO_OUT/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
MIN=${2:-25}
DONE=${3:-0}
shift $(( $# < 3 ? $# : 3 ))
EXTRA=("$@")
OUT=${LODO_OUT:-docs/lodo}
TAG=$(basename "$OUT")
mkdir -p "$OUT" runs
export TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=2
for only in hgr hands11k; do
  if [ "$DONE" -gt 0 ]; then
    cp "runs/${TAG}_only_$only.keras" "runs/${TAG}_only_${only}_${DONE}min.keras"
    more=(--init-from "runs/${TAG}_only_${only}_${DONE}min.keras" --no-resume --work-dir "runs/${TAG}_only_${only}_after_${DONE}")
  else
    more=(--work-dir "runs/${TAG}_only_$only")
  fi
  python -m segmentation.train --data "$DATA/$only" --time-limit "$MIN" --epochs 200 --patience 200 \
      "${more[@]}" ${EXTRA[@]+"${EXTRA[@]}"} --out "runs/${TAG}_only_$only.keras" > "runs/${TAG}_only_$only.log" 2>&1 &
done
wait
for only in hgr hands11k; do
  python -m segmentation.score --model "runs/${TAG}_only_$only.keras" --data "$DATA/hgr" --data "$DATA/hands11k" \
      --out "$OUT/only_$only.json" > /dev/null
done
python benchmarks/lodo_table.py "$OUT/only_hgr.json" "$OUT/only_hands11k.json" --minutes "$((MIN + DONE))" \
    --options "${EXTRA[*]-}" > "$OUT/summary.md"
cat "$OUT/summary.md"
