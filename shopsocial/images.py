"""The one image helper: every uploaded image goes through `image_clean` before it is stored.

Product images (admin), the retailer's storefront photo (back office) and the demo
catalog all use it, so the rules live here once:

- only JPEG, PNG, GIF and WebP are read; a size and a pixel limit stop decompression bombs;
- EXIF orientation is applied to the pixels (a phone photo taken sideways stands up);
- transparency is flattened onto white (JPEG has none; a transparent PNG would go black);
- colours in an embedded ICC profile are converted to sRGB, then the profile is dropped;
- the pixels are copied into a brand-new image and re-encoded, so nothing of the original
  file survives: no EXIF (GPS, camera serials), XMP, ICC, JPEG comments or PNG text chunks,
  and no payload appended to the file;
- optional renditions (WebP and JPEG at fixed widths, for `srcset` and thumbnails) are made
  here, once, from the same clean pixels.

It knows nothing of models or storage: callers store what it returns.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

READABLE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
DEFAULT_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
WEBP_QUALITY = 80
# Rendition widths for product galleries: 160 is the cart and gallery thumbnail.
PRODUCT_RENDITION_WIDTHS = (160, 320, 640, 1024, 1600)
RENDITION_FORMATS = {"webp": "WEBP", "jpg": "JPEG"}


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    extension: str  # "webp" or "jpg"
    data: bytes


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded JPEG (named `<uuid>.jpg`) plus any renditions asked for."""

    content: ContentFile
    width: int
    height: int
    renditions: tuple[Rendition, ...] = field(default=())

    @property
    def rendition_widths(self) -> list[int]:
        return sorted({r.width for r in self.renditions})


def rendition_name(name: str, *, width: int, extension: str) -> str:
    """Storage name of a rendition: `products/abc.jpg` -> `products/abc-320w.webp`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.{extension}"))


def image_clean(
    upload,
    *,
    noun: str = "image",
    max_bytes: int,
    max_side: int,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    rendition_widths: tuple[int, ...] = (),
) -> CleanImage:
    """Check an uploaded file and return a clean JPEG (and renditions); ValidationError if not.

    `noun` words the messages ("photo", "image"); `max_side` bounds the stored image.
    """
    article = "an" if noun[:1] in "aeiou" else "a"
    unreadable = (
        f"This file is not {article} {noun} we can read. Upload a JPEG, PNG, WebP or GIF {noun}."
    )
    if upload.size > max_bytes:
        raise ValidationError(
            f"The {noun} is larger than {max_bytes // (1024 * 1024)} MB. "
            "Please choose a smaller one."
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt, (width, height) = probe.format, probe.size
            if fmt not in READABLE_FORMATS:
                raise ValidationError(unreadable)
            if width * height > max_pixels:
                raise ValidationError(
                    f"The {noun} has too many pixels. Please choose a smaller one."
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            original.seek(0)  # first frame of an animation
            pixels = _clean_pixels(original)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(unreadable) from exc
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    renditions = tuple(
        rendition
        for target in sorted({min(w, pixels.width) for w in rendition_widths})
        for rendition in _renditions_at(pixels, target)
    )
    return CleanImage(
        content=ContentFile(_encode(pixels, "JPEG"), name=f"{uuid.uuid4().hex}.jpg"),
        width=pixels.width,
        height=pixels.height,
        renditions=renditions,
    )


def _clean_pixels(original: Image.Image) -> Image.Image:
    """Upright, opaque, sRGB RGB pixels in a new image that carries no metadata at all."""
    image = ImageOps.exif_transpose(original) or original
    icc = image.info.get("icc_profile")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        # Before any mode change, so a CMYK picture is converted with its own profile.
        image = _to_srgb(image, icc, mode)
    image = image.convert(mode)
    if has_alpha:
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    # A fresh image: Pillow would otherwise carry `info` (comments, XMP, ICC) into the save.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _to_srgb(image: Image.Image, icc: bytes, mode: str) -> Image.Image:
    if image.mode == "RGBA" and mode == "RGB":
        mode = "RGBA"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken or mismatched profile: keep the numbers as they are
    return converted or image


def _renditions_at(pixels: Image.Image, width: int) -> list[Rendition]:
    height = max(1, round(pixels.height * width / pixels.width))
    resized = (
        pixels
        if width == pixels.width
        else pixels.resize((width, height), Image.Resampling.LANCZOS)
    )
    return [
        Rendition(width=width, height=height, extension=ext, data=_encode(resized, fmt))
        for ext, fmt in RENDITION_FORMATS.items()
    ]


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()
