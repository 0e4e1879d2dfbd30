"""The one image helper: crafted uploads come out upright, opaque and without any metadata."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from shopsocial.images import CleanImage, image_clean, rendition_name
from tests.imagefiles import assert_no_metadata, jpeg_with_gps_and_orientation, reopen


def clean(data: bytes, **kwargs) -> CleanImage:
    options = {"max_bytes": 8 * 1024 * 1024, "max_side": 1600} | kwargs
    return image_clean(SimpleUploadedFile("upload.bin", data), **options)


def test_jpeg_loses_exif_gps_xmp_and_comment():
    original = jpeg_with_gps_and_orientation()
    assert b"secret-comment" in original and b"secret-xmp" in original
    assert reopen(original).getexif().get_ifd(0x8825)  # the crafted file really has GPS
    result = clean(original)
    data = result.content.read()
    assert_no_metadata(data)
    assert reopen(data).format == "JPEG"
    assert result.content.name.endswith(".jpg")


def test_exif_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise to show it.
    result = clean(jpeg_with_gps_and_orientation(orientation=6))
    image = reopen(result.content.read())
    assert (result.width, result.height) == image.size == (20, 40)
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60  # the red half is now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert not image.getexif().get(0x0112)  # no orientation left to apply twice


def test_png_text_chunks_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-text tEXt")
    info.add_text("Author", "secret-text zTXt", zip=True)
    info.add_itxt("Description", "secret-text iTXt")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret-xmp</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 200, 10)).save(out, format="PNG", pnginfo=info)
    assert b"secret-text" in out.getvalue()
    assert_no_metadata(clean(out.getvalue()).content.read())


def test_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (20, 10), (0, 0, 0, 0))  # fully transparent black
    image.paste((255, 0, 0, 128), (10, 0, 20, 10))  # half-transparent red
    out = io.BytesIO()
    image.save(out, format="PNG")
    flat = reopen(clean(out.getvalue()).content.read())
    assert flat.mode == "RGB"
    assert all(c >= 250 for c in flat.getpixel((3, 5)))  # white, not black
    red, green, blue = flat.getpixel((16, 5))
    assert red >= 250 and 110 <= green <= 145 and 110 <= blue <= 145


def test_palette_gif_with_transparent_index_is_flattened_onto_white():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, format="GIF", transparency=0)
    flat = reopen(clean(out.getvalue()).content.read())
    assert all(c >= 250 for c in flat.getpixel((5, 5)))


def test_icc_profile_is_converted_then_dropped():
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (10, 10), (100, 150, 200)).save(out, format="JPEG", icc_profile=profile)
    data = clean(out.getvalue()).content.read()
    assert "icc_profile" not in reopen(data).info


def test_payload_appended_after_the_image_is_gone():
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(out, format="PNG")
    data = clean(out.getvalue() + b"<?php system($_GET['c']); ?>").content.read()
    assert b"<?php" not in data


def test_big_image_is_bounded_and_renditions_are_clean_webp_and_jpeg():
    image = Image.new("RGB", (2000, 1000), (200, 100, 50))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"secret-comment")
    result = clean(out.getvalue(), rendition_widths=(160, 640, 4000))
    assert (result.width, result.height) == (1600, 800)
    assert result.rendition_widths == [160, 640, 1600]  # never wider than the image
    by_key = {(r.width, r.extension): r for r in result.renditions}
    assert set(by_key) == {(w, e) for w in (160, 640, 1600) for e in ("webp", "jpg")}
    for (width, extension), rendition in by_key.items():
        assert_no_metadata(rendition.data)
        image = reopen(rendition.data)
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[extension]
        assert image.size == (width, width // 2) == (rendition.width, rendition.height)


def test_rendition_names_sit_beside_the_image():
    assert rendition_name("products/ab12.jpg", width=320, extension="webp") == (
        "products/ab12-320w.webp"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?php echo 1; ?>", "not a photo we can read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not a photo we can read"),
        (b"0" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_or_oversized_files_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        clean(data, noun="photo", max_bytes=2 * 1024 * 1024)


def test_bmp_and_tiff_are_refused_even_though_pillow_reads_them():
    for fmt in ("BMP", "TIFF"):
        out = io.BytesIO()
        Image.new("RGB", (5, 5)).save(out, format=fmt)
        with pytest.raises(ValidationError, match="not an image we can read"):
            clean(out.getvalue())


def test_too_many_pixels_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, format="PNG")  # tiny file, 25 megapixels
    with pytest.raises(ValidationError, match="too many pixels"):
        clean(out.getvalue(), max_pixels=10_000_000)


def test_cmyk_jpeg_comes_out_rgb_and_a_broken_profile_is_ignored():
    out = io.BytesIO()
    Image.new("CMYK", (10, 10), (0, 255, 255, 0)).save(out, format="JPEG", icc_profile=b"junk")
    flat = reopen(clean(out.getvalue()).content.read())
    assert flat.mode == "RGB" and "icc_profile" not in flat.info
    red, green, blue = flat.getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60
