#!/usr/bin/env bash
# Every figure in the README's results table, from scratch (about 30 minutes on 2 cores):
#   bash benchmarks/eval_all.sh [DATA_DIR]      (DATA_DIR defaults to ../shared/data)
# then: python benchmarks/results_table.py --write README.md
#
# Two models are scored, because no single one can be measured honestly on both questions:
# - new people: models/hand_unet_personwise.tflite was trained with the same recipe but without
#   the test persons, so it is scored on them (the shipped model has seen them);
# - the shipped model (a refit on every person) is scored on the 10% of photos its refit held
#   back: people it has seen, photos it has not.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
PERSONWISE=models/hand_unet_personwise.tflite
REFIT_VAL=(--split val --split-by image --val-fraction 0.1 --test-fraction 0)

# 1. new people: full-resolution pipeline quality on the person-wise held-out test splits (seed 0)
python -m pipeline.evaluate --images "$DATA/hgr/images" --masks "$DATA/hgr/masks" --split test --model "$PERSONWISE" -o docs/eval/hgr_test
python -m pipeline.evaluate --images "$DATA/hands11k/images" --masks "$DATA/hands11k/masks_silver" --split test --model "$PERSONWISE" -o docs/eval/hands11k_test
python benchmarks/by_group.py --per-image docs/eval/hands11k_test/per_image.csv --meta "$DATA/hands11k/meta.csv" \
    --column skinColor -o docs/eval/hands11k_test/by_skin_colour.json

# the same test images on 2160x4000 portrait canvases (an arm leaving the photo leaves the canvas by
# the same edge; the 11k Hands photos, landscape, turned upright first as a phone portrait holds them)
[ -d runs/highres_hgr_anchored/masks ] || python benchmarks/make_highres_set.py --data "$DATA/hgr" --split test --out runs/highres_hgr_anchored
python -m pipeline.evaluate --images runs/highres_hgr_anchored/images --masks runs/highres_hgr_anchored/masks --model "$PERSONWISE" -o docs/eval/hgr_test_2160x4000
[ -d runs/highres_11k_test/masks ] || python benchmarks/make_highres_set.py --data "$DATA/hands11k" --split test --portrait --out runs/highres_11k_test
python -m pipeline.evaluate --images runs/highres_11k_test/images --masks runs/highres_11k_test/masks --model "$PERSONWISE" -o docs/eval/hands11k_test_2160x4000

# new scenes: the held-out hands of both test splits put back in place on backgrounds never used
# in training (five families), scored through the whole pipeline, then broken down by family
[ -d runs/scene_test/masks ] || python benchmarks/make_scene_set.py --data "$DATA/hands11k" --data "$DATA/hgr" --split test --out runs/scene_test
python -m pipeline.evaluate --images runs/scene_test/images --masks runs/scene_test/masks --model "$PERSONWISE" -o docs/eval/scene_test
python benchmarks/by_group.py --per-image docs/eval/scene_test/per_image.csv --meta runs/scene_test/families.csv \
    --column family --name-column name -o docs/eval/scene_test/by_family.json

# hands beside faces: the 11k Hands test hands raised beside two public-domain portraits (the face
# is background); needs matplotlib's sample photo and, for the second portrait, scikit-image
[ -d runs/face_test/masks ] || python benchmarks/make_face_set.py --data "$DATA/hands11k" --split test --out runs/face_test
python -m pipeline.evaluate --images runs/face_test/images --masks runs/face_test/masks --model "$PERSONWISE" -o docs/eval/face_test

# a coin on the hand (the target photo): the 11k Hands test hands on the same 2160x4000 canvases as
# above, each with a drawn coin lying on it, then with the coin hanging over the hand's edge; besides
# the usual scores, the share of each coin the mask keeps (the coin belongs to the cut-out)
for KIND in "" "_overhang"; do
    [ -d runs/coin_test$KIND/masks ] || python benchmarks/make_coin_set.py --data "$DATA/hands11k" --split test \
        ${KIND:+--overhang} --out runs/coin_test$KIND
    rm -rf runs/coin_test${KIND}_pred
    python -m pipeline.evaluate --images runs/coin_test$KIND/images --masks runs/coin_test$KIND/masks --model "$PERSONWISE" \
        -o docs/eval/coin_test$KIND --save-masks runs/coin_test${KIND}_pred
    python benchmarks/coin_score.py --coins runs/coin_test$KIND/coins --pred runs/coin_test${KIND}_pred \
        -o docs/eval/coin_test$KIND/coins.json
done

# where the mistakes lie: on the hand, in the forearm cone, elsewhere (README and docs/limitations.md, "What does not work yet")
python benchmarks/error_sources.py --data "$DATA/hgr" --data "$DATA/hands11k" --highres runs/scene_test \
    --split test --model "$PERSONWISE" -o docs/error_sources_test.json

# the hand's own shadow cast beside it on the table or wall (README, Command line: the cast-shadow step)
[ -d runs/shadow_11k_test/masks ] || python benchmarks/make_shadow_set.py --data "$DATA/hands11k" --split test --out runs/shadow_11k_test
python -m pipeline.evaluate --images runs/shadow_11k_test/images --masks runs/shadow_11k_test/masks --model "$PERSONWISE" -o docs/eval/shadow_hands11k_test
[ -d runs/shadow_hgr_test/masks ] || python benchmarks/make_shadow_set.py --data "$DATA/hgr" --split test --out runs/shadow_hgr_test
python -m pipeline.evaluate --images runs/shadow_hgr_test/images --masks runs/shadow_hgr_test/masks --model "$PERSONWISE" -o docs/eval/shadow_hgr_test

# several hands: two held-out hands of one test split side by side in one photo, each arm leaving
# the photo as it did, on a new background or the two photos' own (benchmarks/make_pair_set.py)
[ -d runs/pair_test/masks ] || python benchmarks/make_pair_set.py --data "$DATA/hands11k" --data "$DATA/hgr" --split test --out runs/pair_test
python -m pipeline.evaluate --images runs/pair_test/images --masks runs/pair_test/masks --model "$PERSONWISE" -o docs/eval/pair_test
python benchmarks/by_group.py --per-image docs/eval/pair_test/per_image.csv --meta runs/pair_test/families.csv \
    --column family --name-column name -o docs/eval/pair_test/by_family.json

# a limit, not a target: the same test photos in grey (docs/limitations.md, "Grey photos")
[ -d runs/grey_hgr_test/masks ] || python benchmarks/make_grey_set.py --data "$DATA/hgr" --split test --out runs/grey_hgr_test
python -m pipeline.evaluate --images runs/grey_hgr_test/images --masks runs/grey_hgr_test/masks --model "$PERSONWISE" -o docs/eval/grey_hgr_test
[ -d runs/grey_11k_test/masks ] || python benchmarks/make_grey_set.py --data "$DATA/hands11k" --split test --out runs/grey_11k_test
python -m pipeline.evaluate --images runs/grey_11k_test/images --masks runs/grey_11k_test/masks --model "$PERSONWISE" -o docs/eval/grey_hands11k_test

# handcut against GrabCut, a skin-colour threshold and selfie segmentation (docs/benchmarks.md)
python benchmarks/quality.py --images "$DATA/hgr/images" --masks "$DATA/hgr/masks" \
    --images "$DATA/hands11k/images" --masks "$DATA/hands11k/masks_silver" --split test --model "$PERSONWISE" -o docs/benchmarks

# 2. the shipped model on the photos its refit held back (every person, unseen photos)
python -m pipeline.evaluate --images "$DATA/hgr/images" --masks "$DATA/hgr/masks" "${REFIT_VAL[@]}" -o docs/eval/hgr_refit_val
python -m pipeline.evaluate --images "$DATA/hands11k/images" --masks "$DATA/hands11k/masks_silver" "${REFIT_VAL[@]}" -o docs/eval/hands11k_refit_val
[ -d runs/highres_hgr_refit_val_anchored/masks ] || python benchmarks/make_highres_set.py --data "$DATA/hgr" "${REFIT_VAL[@]}" --out runs/highres_hgr_refit_val_anchored
python -m pipeline.evaluate --images runs/highres_hgr_refit_val_anchored/images --masks runs/highres_hgr_refit_val_anchored/masks -o docs/eval/hgr_refit_val_2160x4000
[ -d runs/highres_11k_refit_val/masks ] || python benchmarks/make_highres_set.py --data "$DATA/hands11k" "${REFIT_VAL[@]}" --portrait --out runs/highres_11k_refit_val
python -m pipeline.evaluate --images runs/highres_11k_refit_val/images --masks runs/highres_11k_refit_val/masks -o docs/eval/hands11k_refit_val_2160x4000

# speed and memory at 2160x4000 (shipped model)
python benchmarks/speed.py --out docs/speed.json
# ... and the stages alone on larger hands: an open palm covering 73 % of the frame, and an 11k Hands
# hand from above turned upright (28 %), a target-like photo (README, Results)
python benchmarks/speed.py --stage-photo samples/palm_open.jpg --skip megapixels --skip hands --skip folder \
    --skip throughput --skip plot --out docs/speed_palm_cover.json
python benchmarks/speed.py --stage-photo "$DATA/hands11k/images/Hand_0000045.jpg" --upright --skip megapixels \
    --skip hands --skip folder --skip throughput --skip plot --out docs/speed_11k_upright.json

# the U-Net alone: ms per crop, Keras against the shipped TFLite export
python benchmarks/segmenter_speed.py --out docs/segmenter_speed.json
