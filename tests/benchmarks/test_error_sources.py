import numpy as np

from benchmarks.error_sources import image_errors, regions_of, summarise
from tests.pipeline.test_landmark_prior import synthetic_landmarks


def test_regions_put_the_palm_on_the_hand_and_below_the_wrist_on_the_forearm():
    pts = synthetic_landmarks(480, 640)
    region = regions_of((480, 640), [pts])
    palm = np.round(pts[[0, 5, 9, 13, 17]].mean(axis=0)).astype(int)
    assert region[palm[1], palm[0]] == 0
    wrist = np.round(pts[0]).astype(int)
    palm_len = np.linalg.norm(pts[9] - pts[0])
    below = int(wrist[1] + 2 * palm_len)
    assert region[min(below, 479), wrist[0]] == 1  # fingers point up: the forearm runs down
    assert region[5, 5] == 2 and region[5, 635] == 2  # top corners: beside the fingertips
    assert regions_of((480, 640), []) is None


def test_errors_are_counted_where_they_lie():
    pts = synthetic_landmarks(480, 640)
    region = regions_of((480, 640), [pts])
    truth = (region == 0).astype(np.uint8) * 255
    pred = truth.copy()
    pred[470:480, 300:340] = 255  # a false positive far down the forearm cone
    pred[0:10, 0:10] = 255        # and one in a corner
    rows = [image_errors(pred, truth, region)]
    r = rows[0]
    assert r["fp"] == 400 + 100 and r["fn"] == 0
    assert r["fp_forearm"] == 400 and r["fp_elsewhere"] == 100 and r["fp_hand"] == 0
    tp = r["tp"]
    assert r["iou_without_forearm"] == tp / (tp + 100)  # the forearm's 400 forgiven
    assert r["iou_gated"] == tp / (tp + 400)  # the corner's 100 removed by the gate
    s = summarise(rows)
    assert s["share_of_fp_pixels"] == {"hand": 0.0, "forearm": 0.8, "elsewhere": 0.2}
    assert s["mean_bf1_x4"] >= s["mean_bf1_x1"]
