"""The app's per-file logic, without Streamlit: fake detector + colour segmenter, synthetic images."""
from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from app.processing import (
    BASE_TYPES,
    Outcome,
    accepted_types,
    encode_png,
    file_digest,
    output_stems,
    process_upload,
    results_zip,
)
from detection.boxes import mask_box
from pipeline.core import Pipeline
from pipeline.render import cutout
from tests.conftest import ColourSegmenter, FakeDetector, draw_hand


def iou(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0, b > 0
    return (a & b).sum() / max((a | b).sum(), 1)


def png_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(array: np.ndarray, **save_args) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="JPEG", quality=95, **save_args)
    return buf.getvalue()


class CountingPipeline(Pipeline):
    """A real Pipeline that counts ``process`` calls (bad files must not reach the model)."""

    calls = 0

    def process(self, image):
        self.calls += 1
        return super().process(image)


@pytest.fixture
def hand():
    return draw_hand(160, 200, seed=3)


@pytest.fixture
def pipeline(hand):
    _, mask = hand
    return CountingPipeline(FakeDetector([mask_box(mask)]), ColourSegmenter(size=64))


def test_good_upload_is_segmented_at_full_resolution(hand, pipeline):
    img, mask = hand
    out = process_upload("hand.png", png_bytes(img), pipeline)
    assert out.ok and out.error is None and out.name == "hand.png"
    assert np.array_equal(out.image, img)
    assert out.result.mask.shape == mask.shape
    assert iou(out.result.mask, mask) > 0.9
    assert not out.result.fallback_used
    assert out.seconds > 0 and pipeline.calls == 1


def test_exif_rotated_photo_comes_back_upright(hand, pipeline):
    img, _ = hand  # 200 wide, 160 high
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: viewers rotate 90 degrees clockwise
    out = process_upload("phone.jpg", jpeg_bytes(img, exif=exif.tobytes()), pipeline)
    assert out.ok
    assert out.image.shape == (200, 160, 3)  # what the page shows is what a viewer shows
    assert out.result.mask.shape == (200, 160)


def truncated_jpeg() -> bytes:
    data = jpeg_bytes(draw_hand(120, 160)[0])
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data, limits, expected",
    [
        (b"", {}, "empty file"),
        (b"shopping list\n", {}, "not an image"),
        (truncated_jpeg(), {}, "corrupt or truncated"),
        (png_bytes(np.zeros((40, 40, 3), np.uint8)), {"max_bytes": 50}, "over the upload limit of"),
        (png_bytes(np.zeros((40, 40, 3), np.uint8)), {"max_pixels": 1000}, "exceeds the limit of"),
    ],
    ids=["empty", "text", "truncated", "too-many-bytes", "too-many-pixels"],
)
def test_bad_upload_gives_a_one_line_error_and_never_reaches_the_model(pipeline, data, limits, expected):
    out = process_upload("bad.jpg", data, pipeline, **limits)
    assert not out.ok and out.result is None and out.image is None
    assert expected in out.error
    assert "\n" not in out.error and not out.error.startswith("upload:")
    assert pipeline.calls == 0


def test_pipeline_fault_on_one_file_is_reported_not_raised(hand):
    class Broken:
        name = "broken"

        def detect(self, image_rgb):
            raise RuntimeError("graph exploded\nsecond line")

    out = process_upload("hand.png", png_bytes(hand[0]), Pipeline(Broken(), ColourSegmenter()))
    assert not out.ok
    assert out.error == "processing failed (RuntimeError: graph exploded)"


def test_no_hand_found_keeps_the_fallback_result(hand):
    img, mask = hand
    out = process_upload("hand.png", png_bytes(img), Pipeline(FakeDetector([]), ColourSegmenter(size=128)))
    assert out.ok and out.result.fallback_used and out.result.hands == []
    assert iou(out.result.mask, mask) > 0.8


def test_outcome_holds_exactly_one_of_result_and_error(hand, pipeline):
    good = process_upload("hand.png", png_bytes(hand[0]), pipeline)
    with pytest.raises(ValueError):
        Outcome("x")
    with pytest.raises(ValueError):
        Outcome("x", image=good.image, result=good.result, error="both")
    with pytest.raises(ValueError):
        Outcome("x", image=good.image[:10], result=good.result)  # mask of another image


@pytest.mark.parametrize(
    "names, stems",
    [
        (["a.jpg", "b.png"], ["a", "b"]),
        (["a.jpg", "a.png"], ["a", "a_png"]),           # same rule as the CLI
        (["a.jpg", "a.jpg", "a.jpg"], ["a", "a_jpg", "a_jpg_2"]),
        (["a.JPG", "a_jpg.png", "a.jpg"], ["a", "a_jpg", "a_jpg_2"]),
        (["folder/x.png", "c:\\photos\\y.jpg"], ["x", "y"]),
        (["noext"], ["noext"]),
        ([], []),
    ],
)
def test_output_stems_never_clash(names, stems):
    assert output_stems(names) == stems


def test_cutout_is_rgba_or_flat_colour(hand):
    img, mask = hand
    alpha = mask.copy()
    rgba = cutout(img, alpha, None)
    assert rgba.shape == (*mask.shape, 4) and np.array_equal(rgba[..., 3], alpha)
    assert np.array_equal(rgba[..., :3][alpha > 0], img[alpha > 0])  # the photo's own pixels, full size
    flat = cutout(img, alpha, (0, 177, 64))
    assert flat.shape == img.shape
    assert (flat[mask == 0] == (0, 177, 64)).all() and np.array_equal(flat[mask > 0], img[mask > 0])


@pytest.mark.parametrize("shape, mode", [((9, 7), "L"), ((9, 7, 3), "RGB"), ((9, 7, 4), "RGBA")])
def test_encode_png_round_trips(shape, mode):
    arr = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    img = Image.open(io.BytesIO(encode_png(arr)))
    assert img.format == "PNG" and img.mode == mode and np.array_equal(np.asarray(img), arr)


def test_zip_has_the_cli_layout_and_skips_failures(hand, pipeline):
    img, _ = hand
    outcomes = [
        process_upload("hand.jpg", png_bytes(img), pipeline),
        process_upload("notes.txt", b"not an image", pipeline),
        process_upload("hand.png", png_bytes(img[:, ::-1].copy()), pipeline),
    ]
    with zipfile.ZipFile(io.BytesIO(results_zip(outcomes, None))) as zf:
        assert sorted(zf.namelist()) == ["cutouts/hand.png", "cutouts/hand_png.png", "masks/hand.png", "masks/hand_png.png"]
        mask = np.asarray(Image.open(io.BytesIO(zf.read("masks/hand.png"))))
        cut = Image.open(io.BytesIO(zf.read("cutouts/hand.png")))
    assert np.array_equal(mask, outcomes[0].result.mask)
    assert cut.mode == "RGBA" and np.array_equal(np.asarray(cut)[..., 3], outcomes[0].result.alpha)

    with zipfile.ZipFile(io.BytesIO(results_zip(outcomes, (255, 255, 255)))) as zf:
        assert Image.open(io.BytesIO(zf.read("cutouts/hand.png"))).mode == "RGB"


def test_zip_of_nothing_is_an_empty_archive():
    with zipfile.ZipFile(io.BytesIO(results_zip([Outcome("x.txt", error="not an image")], None))) as zf:
        assert zf.namelist() == []


def test_accepted_types_offer_heic_only_when_readable():
    assert accepted_types(False) == list(BASE_TYPES)
    assert {"jpg", "jpeg", "png", "webp"} <= set(accepted_types(False))
    assert {"heic", "heif"} <= set(accepted_types(True))


def test_digest_is_by_content():
    assert file_digest(b"abc") == file_digest(b"abc") != file_digest(b"abd")


def test_the_photos_colour_profile_goes_with_its_cut_out_not_its_mask(hand, pipeline):
    from PIL import ImageCms

    from app.processing import cutout_png

    img, _ = hand
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()  # stands in for Display P3
    tagged = process_upload("wide.jpg", jpeg_bytes(img, icc_profile=profile), pipeline)
    plain = process_upload("plain.jpg", jpeg_bytes(img), pipeline)
    assert tagged.profile == profile and plain.profile is None
    with zipfile.ZipFile(io.BytesIO(results_zip([tagged, plain], None))) as zf:
        assert Image.open(io.BytesIO(zf.read("cutouts/wide.png"))).info.get("icc_profile") == profile
        assert "icc_profile" not in Image.open(io.BytesIO(zf.read("masks/wide.png"))).info
        assert "icc_profile" not in Image.open(io.BytesIO(zf.read("cutouts/plain.png"))).info
    download = Image.open(io.BytesIO(cutout_png(tagged.image, tagged.result.alpha, None, tagged.profile)))
    assert download.info.get("icc_profile") == profile and download.mode == "RGBA"
