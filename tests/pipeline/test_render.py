import numpy as np

from pipeline.render import composite, cutout_rgba


def test_cutout_keeps_pixels_and_alpha_and_blanks_only_transparent_pixels():
    rng = np.random.default_rng(0)
    image = rng.integers(1, 256, (30, 40, 3), np.uint8)
    alpha = np.zeros((30, 40), np.uint8)
    alpha[5:20, 10:30] = 255
    alpha[5:20, 9] = 40  # anti-aliased edge: colour kept, partly transparent
    out = cutout_rgba(image, alpha)
    assert out.shape == (30, 40, 4) and out.dtype == np.uint8
    assert np.array_equal(out[..., 3], alpha)
    visible = alpha > 0
    assert np.array_equal(out[..., :3][visible], image[visible])
    assert not out[..., :3][~visible].any()
    assert image.min() > 0  # the input is untouched


def test_composite_blends_by_alpha():
    image = np.full((2, 2, 3), 200, np.uint8)
    alpha = np.array([[255, 0], [128, 0]], np.uint8)
    out = composite(image, alpha, (0, 0, 100))
    assert out[0, 0].tolist() == [200, 200, 200] and out[0, 1].tolist() == [0, 0, 100]
    assert 90 < out[1, 0, 0] < 110
