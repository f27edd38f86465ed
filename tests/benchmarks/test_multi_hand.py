import numpy as np

from benchmarks.multi_hand import mosaic


def _photo(h, w, box):
    img = np.zeros((h, w, 3), np.uint8)
    x0, y0, x1, y1 = box
    img[y0:y1, x0:x1] = 255
    return img


def _box_of_white(img):
    ys, xs = np.nonzero(img[..., 0] > 127)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def test_mosaic_moves_the_second_photos_boxes_with_it():
    a = _photo(100, 80, (10, 10, 30, 40))
    b = _photo(50, 60, (20, 10, 40, 30))  # scaled x2 to a's height side by side
    out, boxes = mosaic(a, [(10, 10, 30, 40)], b, [(20, 10, 40, 30)], horizontal=True)
    assert out.shape == (100, 200, 3)
    assert boxes[0] == (10, 10, 30, 40)
    assert np.allclose(boxes[1], (80 + 40, 20, 80 + 80, 60))
    assert np.allclose(_box_of_white(out[:, 80:]), (40, 20, 80, 60), atol=1)

    out, boxes = mosaic(a, [], b, [(20, 10, 40, 30)], horizontal=False)  # b scaled to a's width
    f = 80 / 60
    assert out.shape[1] == 80 and out.shape[0] == 100 + round(50 * f)
    assert np.allclose(boxes[0], (20 * f, 100 + 10 * f, 40 * f, 100 + 30 * f))
