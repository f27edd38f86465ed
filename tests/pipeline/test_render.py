import numpy as np

from pipeline.render import composite, cutout_rgba


def test_cutout_keeps_pixels_and_alpha_and_blanks_only_transparent_pixels():
    rng = np.random.default_rng(0)
    image = rng.integers(1, 256, (30, 40, 3), np.uint8)
    alpha = np.zeros((30, 40), np.uint8)
    alpha[5:20, 10:30] = 255
    alpha[5:20, 9] = 40  # anti-aliased edge: partly transparent, colour taken from the hand
    out = cutout_rgba(image, alpha)
    assert out.shape == (30, 40, 4) and out.dtype == np.uint8
    assert np.array_equal(out[..., 3], alpha)
    opaque = alpha == 255
    assert np.array_equal(out[..., :3][opaque], image[opaque])
    assert not out[..., :3][alpha == 0].any()
    edge = out[5:20, 9, :3]
    inner = image[5:20, 10:17]  # the hand's pixels just inside the edge
    assert (edge >= inner.min(axis=1)).all() and (edge <= inner.max(axis=1)).all()  # a mean of them
    assert image.min() > 0  # the input is untouched


def test_edge_colours_come_from_the_hand_not_the_background():
    """A pale hand on a black table: the anti-aliased edge must not carry a dark outline."""
    from pipeline.render import decontaminate

    image = np.zeros((40, 40, 3), np.uint8)
    image[:, :20] = (230, 190, 170)  # hand on the left, black table on the right
    image[:, 20:22] = (60, 50, 45)   # the edge pixels: half hand, half table in the photo
    alpha = np.zeros((40, 40), np.uint8)
    alpha[:, :20] = 255
    alpha[:, 20:22] = (160, 60)
    out = cutout_rgba(image, alpha)
    assert (out[:, 20:22, :3] == (230, 190, 170)).all()
    flat = composite(image, alpha, (0, 0, 255))
    assert flat[0, 20, 0] > 130  # blended from the hand's colour, not the dark photo pixel
    untouched = image.copy()
    decontaminate(image, alpha)
    assert np.array_equal(image, untouched)  # not in place unless asked
    assert decontaminate(image, np.full((40, 40), 255, np.uint8)) is image  # no edge: nothing to do


def test_composite_blends_by_alpha():
    image = np.full((2, 2, 3), 200, np.uint8)
    alpha = np.array([[255, 0], [128, 0]], np.uint8)
    out = composite(image, alpha, (0, 0, 100))
    assert out[0, 0].tolist() == [200, 200, 200] and out[0, 1].tolist() == [0, 0, 100]
    assert 90 < out[1, 0, 0] < 110
