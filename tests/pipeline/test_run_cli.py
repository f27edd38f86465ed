"""The output contract and batch behaviour of ``python -m pipeline.run`` (tiny untrained model)."""
import os

import numpy as np
import pytest
from PIL import Image, ImageOps

from pipeline.run import main
from tests.conftest import draw_hand


@pytest.fixture
def photos(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    img, _ = draw_hand(120, 160)
    Image.fromarray(img).save(d / "a.jpg")
    Image.fromarray(img).save(d / "b.png")
    return d


def run(args, model):
    return main([*map(str, args), "--model", str(model), "-q"])


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_folder_output_contract(photos, tmp_path, tiny_model_path, capsys):
    before = listing(photos)
    out = tmp_path / "out"
    assert run([photos, "-o", out, "--overlay"], tiny_model_path) == 0
    for name in ("a", "b"):
        mask = Image.open(out / "masks" / f"{name}.png")
        cut = Image.open(out / "cutouts" / f"{name}.png")
        assert mask.mode == "L" and mask.size == (160, 120)
        assert set(np.unique(np.asarray(mask))) <= {0, 255}
        assert cut.mode == "RGBA" and cut.size == (160, 120)
        assert np.array_equal(np.asarray(cut)[..., 3] >= 128, np.asarray(mask) > 0)
        assert (out / "overlays" / f"{name}.jpg").is_file()
    assert listing(photos) == before  # nothing written into the input
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("done 2, failed 0")


def test_outputs_get_the_mode_a_plain_save_gives(photos, tmp_path, tiny_model_path):
    """Written through a private temporary file, the outputs must still be readable by others."""
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        assert run([photos, "-o", out, "--overlay"], tiny_model_path) == 0
    finally:
        os.umask(old)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 6
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(0o644)}


def test_single_file_only_mask_and_bg_color(photos, tmp_path, tiny_model_path):
    out = tmp_path / "o1"
    assert run([photos / "a.jpg", "-o", out, "--only-mask"], tiny_model_path) == 0
    assert (out / "masks" / "a.png").is_file() and not (out / "cutouts").exists()
    out2 = tmp_path / "o2"
    assert run([photos / "a.jpg", "-o", out2, "--bg-color", "#00ff00"], tiny_model_path) == 0
    assert Image.open(out2 / "cutouts" / "a.png").mode == "RGB"


def test_bad_files_are_reported_and_batch_goes_on(photos, tmp_path, tiny_model_path, capsys):
    (photos / "notes.txt").write_text("not a photo")
    (photos / "fake.jpg").write_text("hello")
    (photos / "empty.png").write_bytes(b"")
    good = (photos / "a.jpg").read_bytes()
    (photos / "truncated.jpg").write_bytes(good[: len(good) // 2])
    out = tmp_path / "out"
    assert run([photos, "-o", out], tiny_model_path) == 1
    err = capsys.readouterr()
    assert "fake.jpg: not an image" in err.err
    assert "empty.png: empty file" in err.err
    assert "truncated.jpg: corrupt or truncated" in err.err
    passed = [line for line in err.err.splitlines() if "notes.txt" in line]  # passed over, and said so
    assert len(passed) == 1 and passed[0].startswith("note: passed over 1 file(s)") and ".heic" in passed[0]
    assert (out / "masks" / "a.png").is_file() and (out / "masks" / "b.png").is_file()
    assert err.out.strip().splitlines()[-1].startswith("done 2, failed 3")
    for line in err.err.splitlines():
        if line.startswith("error:"):
            assert "Traceback" not in line


def test_a_dangling_link_in_a_folder_is_reported_not_lost(photos, tmp_path, tiny_model_path, capsys):
    (photos / "gone.jpg").symlink_to(tmp_path / "moved_away.jpg")
    assert run([photos, "-o", tmp_path / "out"], tiny_model_path) == 1
    err = capsys.readouterr()
    assert "gone.jpg: no such file" in err.err
    assert err.out.strip().splitlines()[-1].startswith("done 2, failed 1")


def test_resume_skips_done_and_overwrite_replaces(photos, tmp_path, tiny_model_path, capsys):
    out = tmp_path / "out"
    assert run([photos, "-o", out], tiny_model_path) == 0
    (out / "masks" / "b.png").unlink()  # as if interrupted before b's mask was written
    stamp = (out / "masks" / "a.png").stat().st_mtime_ns
    capsys.readouterr()
    assert run([photos, "-o", out], tiny_model_path) == 0
    assert (out / "masks" / "a.png").stat().st_mtime_ns == stamp
    assert (out / "masks" / "b.png").is_file()
    assert "done 1, failed 0" in capsys.readouterr().out and True
    os.utime(out / "masks" / "a.png", ns=(1, 1))
    assert run([photos, "-o", out, "--overwrite"], tiny_model_path) == 0
    assert (out / "masks" / "a.png").stat().st_mtime_ns != 1


def test_recursive_keeps_structure(photos, tmp_path, tiny_model_path):
    (photos / "sub").mkdir()
    (photos / "sub" / "c.jpg").write_bytes((photos / "a.jpg").read_bytes())
    out = tmp_path / "out"
    assert run([photos, "-o", out, "--recursive"], tiny_model_path) == 0
    assert (out / "masks" / "sub" / "c.png").is_file() and (out / "cutouts" / "sub" / "c.png").is_file()


def test_same_stem_different_extensions_both_kept(photos, tmp_path, tiny_model_path):
    (photos / "a.png").write_bytes((photos / "b.png").read_bytes())
    out = tmp_path / "out"
    assert run([photos, "-o", out], tiny_model_path) == 0
    assert (out / "masks" / "a.png").is_file() and (out / "masks" / "a_png.png").is_file()


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "I;16", "LA", "CMYK"])
def test_any_input_mode(tmp_path, tiny_model_path, mode):
    img, _ = draw_hand(60, 80)
    pil = Image.fromarray(img)
    if mode == "I;16":
        pil = Image.fromarray((np.asarray(pil.convert("L")).astype(np.uint16) * 257))
    else:
        pil = pil.convert(mode)
    src = tmp_path / ("x.tif" if mode in ("I;16", "CMYK") else "x.png")
    pil.save(src)
    out = tmp_path / "out"
    assert run([src, "-o", out], tiny_model_path) == 0
    assert Image.open(out / "cutouts" / "x.png").size == (80, 60)


def test_exif_rotation_is_honoured(tmp_path, tiny_model_path):
    img, _ = draw_hand(60, 80)  # displayed 80 wide x 60 high
    stored = Image.fromarray(img).transpose(Image.Transpose.ROTATE_90)  # stored 60 wide x 80 high
    exif = Image.Exif()
    exif[0x0112] = 6
    src = tmp_path / "phone.jpg"
    stored.save(src, exif=exif)
    out = tmp_path / "out"
    assert run([src, "-o", out, "--overlay"], tiny_model_path) == 0
    mask = np.asarray(Image.open(out / "masks" / "phone.png"))
    assert mask.shape == (60, 80)
    cut = np.asarray(Image.open(out / "cutouts" / "phone.png")).astype(int)
    upright = np.asarray(ImageOps.exif_transpose(Image.open(src))).astype(int)
    assert cut.shape == (60, 80, 4) and np.array_equal(cut[..., 3] >= 128, mask > 0)
    # opaque pixels are the upright photo's own (the anti-aliased edge's colours are decontaminated;
    # the untrained model's mask may be empty, so no minimum size is asked of it)
    solid = cut[..., 3] == 255
    assert np.array_equal(cut[..., :3][solid], upright[solid])
    shown = np.asarray(Image.open(out / "overlays" / "phone.jpg")).astype(int)
    assert shown.shape == (60, 80, 3)
    import cv2

    far = cv2.dilate(mask, np.ones((9, 9), np.uint8)) == 0  # away from the drawn contour
    if far.any():
        assert np.abs(shown[far] - upright[far]).mean() < 12  # the upright photo's pixels, not rotated ones


def test_bad_arguments_exit_2(tmp_path, photos, tiny_model_path, capsys):
    assert run([tmp_path / "missing", "-o", tmp_path / "o"], tiny_model_path) == 2
    (tmp_path / "empty").mkdir()
    assert run([tmp_path / "empty", "-o", tmp_path / "o"], tiny_model_path) == 2
    assert run([photos, "-o", photos / "out"], tiny_model_path) == 2  # would write into the input
    assert run([photos, "-o", tmp_path / "o", "--threshold", "3"], tiny_model_path) == 2
    assert run([photos, "-o", tmp_path / "o", "--context-margin", "-1"], tiny_model_path) == 2
    assert run([photos, "-o", tmp_path / "o", "--bg-color", "nope"], tiny_model_path) == 2
    (tmp_path / "a_file").write_text("not a folder")
    assert run([photos, "-o", tmp_path / "a_file" / "sub"], tiny_model_path) == 2  # not one error per image
    assert (tmp_path / "a_file").read_text() == "not a folder"
    err = capsys.readouterr().err
    assert "no such file" in err and "no image files" in err and "inside the input" in err
    assert "is a file, not a folder" in err
    with pytest.raises(SystemExit) as exc:
        main(["--detector", "nope", str(photos)])
    assert exc.value.code == 2


def test_pixel_limit(photos, tmp_path, tiny_model_path, capsys):
    assert run([photos / "a.jpg", "-o", tmp_path / "o", "--max-pixels", "1000"], tiny_model_path) == 1
    assert "exceeds the limit" in capsys.readouterr().err


def test_require_hand_turns_fallback_into_failure(tmp_path, tiny_model_path, capsys):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(blank)
    assert run([blank, "-o", tmp_path / "o1"], tiny_model_path) == 0
    assert "no hand found 1" in capsys.readouterr().out
    assert run([blank, "-o", tmp_path / "o2", "--require-hand"], tiny_model_path) == 1
    assert not (tmp_path / "o2" / "masks" / "blank.png").exists()


def test_heic_photo_is_read_with_its_orientation(tmp_path, tiny_model_path):
    pytest.importorskip("pillow_heif")
    from pipeline.imageio import heif_supported, read_rgb

    assert heif_supported()
    img, _ = draw_hand(120, 160)
    d = tmp_path / "in"
    d.mkdir()
    shot = Image.fromarray(img)
    exif = shot.getexif()
    exif[0x0112] = 6  # stored sideways, shown rotated 90° clockwise, like a phone held upright
    shot.save(d / "phone.HEIC", exif=exif.tobytes(), quality=95)
    assert read_rgb(d / "phone.HEIC").shape == (160, 120, 3)
    out = tmp_path / "out"
    assert run([d, "-o", out], tiny_model_path) == 0
    assert Image.open(out / "masks" / "phone.png").size == (120, 160)


@pytest.mark.parametrize("size", [(1, 1), (2, 1), (1, 3)])
def test_images_of_a_pixel_or_two_get_outputs_of_their_size(tmp_path, tiny_model_path, size):
    # a 1x1 plane once reached cv2.compare, which takes it for a scalar and raised mid-batch
    src = tmp_path / "dot.png"
    Image.new("RGB", size, (200, 150, 120)).save(src)
    out = tmp_path / "out"
    assert run([src, "-o", out], tiny_model_path) == 0
    assert Image.open(out / "masks" / "dot.png").size == size
    cut = Image.open(out / "cutouts" / "dot.png")
    assert cut.mode == "RGBA" and cut.size == size


def test_our_pixel_limit_governs_not_pillows_bomb_guard(tmp_path, monkeypatch):
    from PIL import Image as PILImage

    from pipeline.imageio import ImageReadError, read_rgb

    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)  # stands in for Pillow's 89 MP
    src = tmp_path / "wide.png"
    Image.new("RGB", (60, 60), (10, 20, 30)).save(src)  # 3600 px: over twice Pillow's limit
    assert read_rgb(src, max_pixels=5000).shape == (60, 60, 3)  # allowed by the caller: read
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageReadError) as exc:
        read_rgb(src, max_pixels=500)  # refused inside Pillow's open(): said in our words
    assert "exceeds the limit" in str(exc.value) and "bomb" not in str(exc.value)


def test_a_float_tiff_pillow_cannot_decode_is_read_by_opencv(tmp_path, tiny_model_path):
    import cv2

    from pipeline.imageio import ImageReadError, read_rgb

    img, _ = draw_hand(60, 80)
    scaled = img[..., ::-1].astype(np.float32) / 255.0  # three float channels, BGR, on a 0-1 scale
    src = tmp_path / "hdr.tif"
    assert cv2.imwrite(str(src), scaled)
    with pytest.raises(Exception):
        Image.open(src).load()  # what Pillow makes of it
    back = read_rgb(src)
    assert back.shape == (60, 80, 3) and np.abs(back.astype(int) - img).max() <= 4  # OpenCV writes it a little lossy
    assert (read_rgb(src.read_bytes()) == back).all()  # an upload (bytes) alike
    out = tmp_path / "out"
    assert run([src, "-o", out], tiny_model_path) == 0
    assert Image.open(out / "cutouts" / "hdr.png").size == (80, 60)
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00" + b"\x00" * 40)  # a TIFF's first bytes and nothing readable
    with pytest.raises(ImageReadError, match="not an image"):
        read_rgb(broken)


def test_the_photos_colour_profile_is_kept_in_cutout_and_overlay_not_in_the_mask(tmp_path, tiny_model_path):
    from PIL import ImageCms

    from pipeline.imageio import rgb_profile

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()  # stands in for Display P3
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    src = tmp_path / "in"
    src.mkdir()
    img, _ = draw_hand(60, 80)
    Image.fromarray(img).save(src / "wide.jpg", icc_profile=profile)
    Image.fromarray(img).save(src / "plain.jpg")
    out = tmp_path / "out"
    assert run([src, "-o", out, "--overlay"], tiny_model_path) == 0
    assert Image.open(out / "cutouts" / "wide.png").info.get("icc_profile") == profile
    assert Image.open(out / "overlays" / "wide.jpg").info.get("icc_profile") == profile
    assert "icc_profile" not in Image.open(out / "masks" / "wide.png").info
    assert "icc_profile" not in Image.open(out / "cutouts" / "plain.png").info
    assert run([src, "-o", tmp_path / "flat", "--bg-color", "white"], tiny_model_path) == 0
    assert Image.open(tmp_path / "flat" / "cutouts" / "wide.png").info.get("icc_profile") == profile
    # a profile that does not describe RGB pixels (Lab here; a grey or CMYK photo's) is not passed on
    tagged = Image.fromarray(img)
    tagged.info["icc_profile"] = lab
    assert rgb_profile(tagged) is None
    cmyk = Image.fromarray(img).convert("CMYK")
    cmyk.info["icc_profile"] = profile
    assert rgb_profile(cmyk) is None
