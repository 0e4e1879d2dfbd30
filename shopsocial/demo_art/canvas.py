"""Canvas helpers for the demo pictures: colours, backgrounds and drawing primitives."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 720  # output pixels a side
SCALE = 2  # supersampling factor
S = SIZE * SCALE

Colour = tuple[int, int, int]


def hex_rgb(value: str) -> Colour:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: Colour, t: float) -> Colour:
    """Darker (t < 0) or lighter (t > 0)."""
    return mix(c, (0, 0, 0), -t) if t < 0 else mix(c, (255, 255, 255), t)


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ("DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


@dataclass(frozen=True)
class Look:
    """Colours of one product: main body, accent (label, lid, glaze), background tint."""

    body: Colour
    accent: Colour
    backdrop: Colour
    label: str = ""


# --- Backgrounds --------------------------------------------------------------
def studio(backdrop: Colour) -> Image.Image:
    """A vertical gradient from a light tint to a slightly deeper one, with a floor."""
    top, bottom = shade(backdrop, 0.82), shade(backdrop, 0.55)
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        column.putpixel((0, y), mix(top, bottom, y / 255))
    return column.resize((S, S), Image.Resampling.BILINEAR)


def styled(backdrop: Colour) -> Image.Image:
    """A wall in the tint and a wooden table top."""
    image = Image.new("RGB", (S, S), shade(backdrop, 0.7))
    draw = ImageDraw.Draw(image)
    table_y = int(S * 0.72)
    wood = (176, 128, 86)
    for y in range(table_y, S):
        draw.line(
            [(0, y), (S, y)],
            fill=mix(shade(wood, 0.1), shade(wood, -0.25), (y - table_y) / (S - table_y)),
        )
    rng = random.Random(7)
    for _ in range(14):
        y = rng.randint(table_y + 10, S - 10)
        draw.line([(0, y), (S, y + rng.randint(-20, 20))], fill=shade(wood, -0.15), width=3)
    # A window light on the wall.
    glow = Image.new("L", (S, S), 0)
    ImageDraw.Draw(glow).ellipse((S * 0.55, -S * 0.3, S * 1.3, S * 0.5), fill=90)
    glow = glow.filter(ImageFilter.GaussianBlur(S // 10))
    image.paste(Image.new("RGB", (S, S), (255, 250, 235)), mask=glow)
    return image


def floor_shadow(
    image: Image.Image, cx: float, y: float, width: float, strength: int = 110
) -> None:
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse(
        (cx - width / 2, y - width * 0.07, cx + width / 2, y + width * 0.07), fill=strength
    )
    mask = mask.filter(ImageFilter.GaussianBlur(S // 60))
    image.paste(Image.new("RGB", image.size, (40, 30, 25)), mask=mask)


# --- Drawing primitives ---------------------------------------------------------
def vgradient_rect(
    image: Image.Image,
    box: tuple[float, float, float, float],
    left: Colour,
    right: Colour,
    radius: int = 0,
) -> None:
    """A rectangle shaded left to right (a cylinder seen from the front)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    w, h = max(x1 - x0, 1), max(y1 - y0, 1)
    row = Image.new("RGB", (w, 1))
    for x in range(w):
        # Light from the left: a bright band at 28 %, darker to the right.
        k = 1 - abs(x / w - 0.28) * 1.6
        row.putpixel((x, 0), mix(right, left, max(0.0, min(1.0, k))))
    fill = row.resize((w, h))
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=255)
    image.paste(fill, (x0, y0), mask)


def flame(draw: ImageDraw.ImageDraw, x: float, y: float, h: float) -> None:
    draw.line([(x, y), (x, y - h * 0.25)], fill=(40, 30, 20), width=max(2, int(h * 0.06)))
    draw.ellipse((x - h * 0.22, y - h * 1.05, x + h * 0.22, y - h * 0.2), fill=(255, 196, 70))
    draw.ellipse((x - h * 0.11, y - h * 0.8, x + h * 0.11, y - h * 0.3), fill=(255, 245, 200))


def label(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], look: Look, text: str
) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(
        box, radius=int((y1 - y0) * 0.12), fill=(250, 246, 238), outline=look.accent, width=6
    )
    draw.line(
        [(x0 + 30, y0 + (y1 - y0) * 0.22), (x1 - 30, y0 + (y1 - y0) * 0.22)],
        fill=look.accent,
        width=4,
    )
    words = text.upper().split()
    lines = (
        [" ".join(words[: (len(words) + 1) // 2]), " ".join(words[(len(words) + 1) // 2 :])]
        if len(words) > 1
        else words
    )
    size = int((y1 - y0) * 0.2)
    f = font(size)
    for i, line in enumerate(line for line in lines if line):
        while draw.textlength(line, font=f) > (x1 - x0) * 0.86 and size > 12:
            size -= 4
            f = font(size)
        draw.text(
            ((x0 + x1) / 2, y0 + (y1 - y0) * (0.48 + i * 0.27)),
            line,
            fill=shade(look.accent, -0.35),
            font=f,
            anchor="mm",
        )
