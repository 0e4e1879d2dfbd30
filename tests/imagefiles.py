"""Crafted image files for upload tests: metadata a clean image must not keep."""

from __future__ import annotations

import io

from PIL import Image

SECRETS = (b"SecretCamera", b"secret-xmp", b"secret-comment", b"secret-text", b"Exif", b"GPS")


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    for secret in SECRETS:
        assert secret not in data, secret
    image = reopen(data)
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)


def jpeg_with_gps_and_orientation(orientation: int = 1) -> bytes:
    """40x20: left half red, right half blue; EXIF camera make, GPS position, orientation."""
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (37.0, 46.0, 30.0), 3: "W", 4: (122.0, 25.0, 9.0)})
    out = io.BytesIO()
    image.save(
        out,
        format="JPEG",
        exif=exif.tobytes(),
        comment=b"secret-comment",
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
        quality=95,
    )
    return out.getvalue()
