"""Drawing recipes: each draws one kind of object centred on the canvas."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

from .canvas import (
    Colour,
    Look,
    S,
    flame,
    floor_shadow,
    font,
    label,
    shade,
    studio,
    vgradient_rect,
)

Recipe = Callable[[Image.Image, Look], None]


def jar_candle(
    image: Image.Image,
    look: Look,
    *,
    wide: bool = False,
    wicks: int = 1,
    lid: bool = False,
    tin: bool = False,
) -> None:
    draw = ImageDraw.Draw(image)
    w = S * (0.58 if wide else 0.42)
    h = S * (0.36 if (wide or tin) else 0.5)
    cx, base = S / 2, S * 0.8
    floor_shadow(image, cx, base, w * 1.25)
    x0, x1, y0 = cx - w / 2, cx + w / 2, base - h
    glass = look.accent if not tin else (178, 182, 188)
    vgradient_rect(
        image, (x0, y0, x1, base), shade(glass, 0.35), shade(glass, -0.35), radius=int(w * 0.08)
    )
    # Wax visible at the top.
    draw.ellipse(
        (x0 + 12, y0 - w * 0.08, x1 - 12, y0 + w * 0.1),
        fill=shade(look.body, 0.1),
        outline=shade(glass, -0.2),
        width=6,
    )
    if lid:
        draw.rounded_rectangle(
            (x0 - 10, y0 - w * 0.2, x1 + 10, y0 - w * 0.02),
            radius=20,
            fill=(196, 170, 90),
            outline=(150, 120, 60),
            width=6,
        )
        for i in range(1, 6):
            yy = y0 - w * 0.2 + i * w * 0.03
            draw.line([(x0, yy), (x1, yy)], fill=(160, 130, 70), width=3)
    else:
        for i in range(wicks):
            fx = cx + (i - (wicks - 1) / 2) * w * 0.28
            flame(draw, fx, y0 + w * 0.01, S * 0.09)
    label(
        draw,
        (x0 + w * 0.12, y0 + h * 0.28, x1 - w * 0.12, y0 + h * (0.78 if not tin else 0.85)),
        look,
        look.label,
    )
    # Glass highlight.
    draw.rounded_rectangle(
        (x0 + w * 0.07, y0 + h * 0.1, x0 + w * 0.12, base - h * 0.1),
        radius=10,
        fill=shade(glass, 0.55),
    )


def pillar(image: Image.Image, look: Look, *, count: int = 1, taper: bool = False) -> None:
    draw = ImageDraw.Draw(image)
    base = S * 0.82
    for i in range(count):
        w = S * (0.08 if taper else 0.28)
        h = S * (0.6 if taper else 0.52)
        cx = S / 2 + (i - (count - 1) / 2) * S * 0.18
        floor_shadow(image, cx, base, w * 1.6)
        vgradient_rect(
            image,
            (cx - w / 2, base - h, cx + w / 2, base),
            shade(look.body, 0.35),
            shade(look.body, -0.3),
            radius=int(w * 0.15),
        )
        if taper:
            draw.polygon(
                [
                    (cx - w / 2, base - h + 10),
                    (cx + w / 2, base - h + 10),
                    (cx, base - h - w * 0.5),
                ],
                fill=shade(look.body, 0.2),
            )
            draw.rounded_rectangle(
                (cx - w, base - S * 0.04, cx + w, base), radius=10, fill=(120, 96, 70)
            )
        else:
            draw.ellipse(
                (cx - w / 2, base - h - w * 0.12, cx + w / 2, base - h + w * 0.12),
                fill=shade(look.body, 0.25),
            )
            draw.rectangle(
                (cx - w / 2 + 4, base - h * 0.45, cx + w / 2 - 4, base - h * 0.38), fill=look.accent
            )
        flame(draw, cx, base - h - (w * 0.5 if taper else 0), S * 0.09)


def tealights(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    r = S * 0.1
    for row in range(3):
        for col in range(4):
            cx = S * 0.2 + col * S * 0.2 + (row % 2) * S * 0.05
            cy = S * 0.36 + row * S * 0.19
            draw.ellipse(
                (cx - r, cy - r * 0.55 + 16, cx + r, cy + r * 0.55 + 16),
                fill=shade((180, 180, 185), -0.4),
            )
            draw.ellipse((cx - r, cy - r * 0.55, cx + r, cy + r * 0.55), fill=(205, 208, 214))
            draw.ellipse(
                (cx - r * 0.85, cy - r * 0.45, cx + r * 0.85, cy + r * 0.45), fill=look.body
            )
            draw.line([(cx, cy), (cx, cy - r * 0.2)], fill=(40, 30, 20), width=5)
            if (row + col) % 3 == 0:
                flame(draw, cx, cy - r * 0.15, r * 0.9)


def bowl(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    cx, cy, w = S / 2, S * 0.5, S * 0.7
    floor_shadow(image, cx, S * 0.74, w * 0.9)
    draw.chord((cx - w / 2, cy - w * 0.45, cx + w / 2, cy + w * 0.45), 0, 180, fill=look.body)
    draw.ellipse(
        (cx - w / 2, cy - w * 0.12, cx + w / 2, cy + w * 0.12),
        fill=shade(look.body, 0.3),
        outline=shade(look.body, -0.2),
        width=8,
    )
    draw.ellipse((cx - w * 0.45, cy - w * 0.09, cx + w * 0.45, cy + w * 0.1), fill=look.accent)
    rng = random.Random(len(look.label))
    for _ in range(90):  # speckles
        a = rng.uniform(0.05, 0.95) * math.pi
        rr = rng.uniform(0.2, 0.95) * w / 2
        x, y = cx + math.cos(a) * rr, cy + math.sin(a) * rr * 0.85 + 20
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=shade(look.body, -0.35))
    draw.rounded_rectangle(
        (cx - w * 0.16, cy + w * 0.42, cx + w * 0.16, cy + w * 0.47),
        radius=8,
        fill=shade(look.body, -0.25),
    )


def spoons(image: Image.Image, look: Look) -> None:
    for i, angle in enumerate((-18, 0, 18)):
        layer = Image.new("RGBA", (S, S), (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        cx = S / 2
        d.rounded_rectangle(
            (cx - S * 0.025, S * 0.32, cx + S * 0.025, S * 0.88),
            radius=30,
            fill=(*shade(look.body, -0.05 * i), 255),
        )
        if i == 1:
            d.rounded_rectangle(
                (cx - S * 0.07, S * 0.1, cx + S * 0.07, S * 0.36),
                radius=60,
                fill=(*shade(look.body, 0.1), 255),
            )
            for k in range(3):
                d.rectangle(
                    (cx - S * 0.05 + k * S * 0.04, S * 0.12, cx - S * 0.03 + k * S * 0.04, S * 0.3),
                    fill=(0, 0, 0, 0),
                )
        else:
            d.ellipse(
                (cx - S * 0.08, S * 0.1, cx + S * 0.08, S * 0.36),
                fill=(*shade(look.body, 0.15), 255),
            )
            d.ellipse(
                (cx - S * 0.055, S * 0.13, cx + S * 0.055, S * 0.33),
                fill=(*shade(look.body, -0.15), 255),
            )
        for k in range(6):  # grain
            d.line(
                [(cx - S * 0.02, S * (0.4 + k * 0.08)), (cx + S * 0.02, S * (0.43 + k * 0.08))],
                fill=(*shade(look.body, -0.3), 255),
                width=4,
            )
        layer = layer.rotate(angle, center=(S / 2, S * 0.9), resample=Image.Resampling.BICUBIC)
        image.paste(layer, (0, 0), layer)


def cloth(
    image: Image.Image, look: Look, *, plaid: bool = False, knit: bool = False, long: bool = False
) -> None:
    draw = ImageDraw.Draw(image)
    x0, x1 = S * (0.12 if long else 0.2), S * (0.88 if long else 0.8)
    folds = 3 if not long else 2
    fold_h = S * 0.13
    top = S * 0.45 - folds * fold_h / 2
    floor_shadow(image, S / 2, top + folds * fold_h + 10, (x1 - x0) * 1.1)
    for f in range(folds):
        y0 = top + f * fold_h
        c = shade(look.body, -0.06 * f)
        draw.rounded_rectangle(
            (x0, y0, x1, y0 + fold_h + 30), radius=40, fill=c, outline=shade(c, -0.15), width=4
        )
        if plaid:
            for k in range(int(x0), int(x1), 70):
                draw.rectangle((k, y0, k + 22, y0 + fold_h + 26), fill=shade(look.accent, 0.05))
            draw.rectangle(
                (x0 + 4, y0 + fold_h * 0.4, x1 - 4, y0 + fold_h * 0.55), fill=look.accent
            )
        elif knit:
            for k in range(int(x0) + 30, int(x1) - 20, 56):
                for j in range(int(y0) + 20, int(y0 + fold_h), 36):
                    draw.arc((k, j, k + 40, j + 40), 200, 340, fill=shade(c, -0.2), width=6)
        else:
            draw.rectangle((x0 + 40, y0 + 30, x0 + 60, y0 + fold_h + 20), fill=look.accent)
            draw.rectangle((x0 + 80, y0 + 30, x0 + 92, y0 + fold_h + 20), fill=look.accent)
    if knit:  # fringe
        for k in range(int(x0) + 20, int(x1) - 10, 30):
            draw.line(
                [(k, top + folds * fold_h + 20), (k + 6, top + folds * fold_h + 80)],
                fill=shade(look.body, -0.1),
                width=8,
            )


def cups(image: Image.Image, look: Look, *, mugs: bool = False) -> None:
    draw = ImageDraw.Draw(image)
    count = 2 if mugs else 4
    for i in range(count):
        w = S * (0.3 if mugs else 0.17 + 0.02 * i)
        h = w * (1.05 if mugs else 0.6)
        cx = S * (0.3 + i * 0.38) if mugs else S * (0.2 + i * 0.2)
        base = S * 0.72
        colour = look.body if (not mugs or i == 0) else look.accent
        floor_shadow(image, cx, base, w * 1.3)
        if mugs:
            draw.ellipse(
                (cx + w * 0.3, base - h * 0.8, cx + w * 0.78, base - h * 0.25),
                outline=shade(colour, -0.1),
                width=int(w * 0.09),
            )
        else:
            draw.rounded_rectangle(
                (cx + w * 0.45, base - h * 0.75, cx + w * 0.9, base - h * 0.6),
                radius=8,
                fill=(30, 30, 30),
            )
        vgradient_rect(
            image,
            (cx - w / 2, base - h, cx + w / 2, base),
            shade(colour, 0.3),
            shade(colour, -0.25),
            radius=int(w * 0.12),
        )
        draw.ellipse(
            (cx - w / 2, base - h - w * 0.08, cx + w / 2, base - h + w * 0.08),
            fill=shade(colour, -0.2),
            outline=(30, 30, 30) if not mugs else shade(colour, -0.3),
            width=6,
        )
        if not mugs:
            draw.text(
                (cx, base - h / 2),
                ("1", "½", "⅓", "¼")[i] if i else "1",
                fill=(40, 40, 40),
                font=font(int(w * 0.3)),
                anchor="mm",
            )


def board(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    floor_shadow(image, S / 2, S * 0.74, S * 0.8)
    draw.rounded_rectangle((S * 0.12, S * 0.3, S * 0.88, S * 0.72), radius=60, fill=look.body)
    draw.ellipse((S * 0.84, S * 0.47, S * 0.95, S * 0.55), outline=(90, 50, 30), width=14)
    draw.rounded_rectangle((S * 0.3, S * 0.36, S * 0.7, S * 0.66), radius=30, fill=(240, 240, 238))
    rng = random.Random(3)
    for _ in range(9):  # marble veins
        x = rng.uniform(S * 0.3, S * 0.7)
        pts = [(x + rng.uniform(-30, 30), S * 0.36 + k * S * 0.05) for k in range(7)]
        draw.line(pts, fill=(175, 175, 180), width=3)
    for k in range(8):
        y = S * 0.33 + k * S * 0.05
        draw.line([(S * 0.14, y), (S * 0.28, y + 10)], fill=shade(look.body, -0.15), width=4)
        draw.line([(S * 0.72, y), (S * 0.86, y + 10)], fill=shade(look.body, -0.15), width=4)


def canisters(image: Image.Image, look: Look, *, herb: bool = False) -> None:
    draw = ImageDraw.Draw(image)
    sizes = (0.5,) if herb else (0.55, 0.45, 0.36)
    xs = (0.5,) if herb else (0.25, 0.52, 0.76)
    base = S * 0.82
    for i, (hf, xf) in enumerate(zip(sizes, xs, strict=True)):
        w, h, cx = S * (0.26 if herb else 0.22), S * hf, S * xf
        floor_shadow(image, cx, base, w * 1.3)
        glass = (214, 230, 232)
        vgradient_rect(
            image,
            (cx - w / 2, base - h, cx + w / 2, base),
            shade(glass, 0.4),
            shade(glass, -0.12),
            radius=30,
        )
        fill_h = h * (0.6 - 0.1 * i)
        contents = (look.body, (245, 243, 236), (92, 60, 40))[i % 3] if not herb else (90, 150, 70)
        if herb:
            for k in range(7):
                x = cx - w * 0.3 + k * w * 0.1
                draw.line(
                    [(x, base - 20), (x + (k - 3) * 12, base - h - S * 0.08)],
                    fill=(70, 120, 60),
                    width=8,
                )
                draw.ellipse(
                    (
                        x + (k - 3) * 12 - 26,
                        base - h - S * 0.12,
                        x + (k - 3) * 12 + 26,
                        base - h - S * 0.06,
                    ),
                    fill=contents,
                )
        else:
            draw.rounded_rectangle(
                (cx - w / 2 + 14, base - fill_h, cx + w / 2 - 14, base - 12),
                radius=20,
                fill=contents,
            )
        draw.rounded_rectangle(
            (cx - w / 2 - 8, base - h - S * 0.05, cx + w / 2 + 8, base - h + 6),
            radius=18,
            fill=look.accent,
        )
        draw.rectangle(
            (cx - w * 0.4, base - h + h * 0.15, cx - w * 0.32, base - h * 0.2), fill=(255, 255, 255)
        )


def round_thing(image: Image.Image, look: Look, *, kind: str) -> None:
    draw = ImageDraw.Draw(image)
    cx, cy, r = S / 2, S * 0.47, S * 0.33
    shadow = Image.new("L", image.size, 0)
    box = (cx - r + 25, cy - r + 35, cx + r + 25, cy + r + 35)
    if kind == "wreath":
        ImageDraw.Draw(shadow).ellipse(box, outline=90, width=int(r * 0.3))
    else:
        ImageDraw.Draw(shadow).ellipse(box, fill=90)
    image.paste(
        Image.new("RGB", image.size, (40, 30, 25)), mask=shadow.filter(ImageFilter.GaussianBlur(30))
    )
    if kind == "wreath":
        rng = random.Random(11)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(122, 90, 60), width=int(r * 0.28))
        for k in range(80):
            a = rng.uniform(0, 2 * math.pi)
            rr = r * rng.uniform(0.78, 1.0)
            x, y = cx + math.cos(a) * rr, cy + math.sin(a) * rr
            colour = (look.body, look.accent, (245, 240, 230))[k % 3]
            draw.ellipse((x - 26, y - 14, x + 26, y + 14), fill=colour)
        draw.polygon(
            [(cx - 60, cy + r - 30), (cx + 60, cy + r - 30), (cx, cy + r + 40)], fill=(160, 40, 40)
        )
        return
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=look.accent)
    inner = r * (0.88 if kind != "mirror" else 0.8)
    if kind == "mirror":
        grad = studio((200, 215, 225)).resize((int(inner * 2), int(inner * 2)))
        mask = Image.new("L", grad.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, grad.size[0] - 1, grad.size[1] - 1), fill=255)
        image.paste(grad, (int(cx - inner), int(cy - inner)), mask)
        draw.line(
            [(cx - inner * 0.5, cy - inner * 0.1), (cx - inner * 0.1, cy - inner * 0.5)],
            fill=(255, 255, 255),
            width=14,
        )
        draw.line(
            [(cx - inner * 0.4, cy + inner * 0.1), (cx + inner * 0.1, cy - inner * 0.4)],
            fill=(255, 255, 255),
            width=8,
        )
        for k in range(0, 360, 12):  # wood grain ring
            a = math.radians(k)
            draw.line(
                [
                    (cx + math.cos(a) * inner * 1.03, cy + math.sin(a) * inner * 1.03),
                    (cx + math.cos(a) * r * 0.97, cy + math.sin(a) * r * 0.97),
                ],
                fill=shade(look.accent, -0.15),
                width=4,
            )
    elif kind == "clock":
        draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=look.body)
        f = font(int(r * 0.16))
        for hour in range(1, 13):
            a = math.radians(hour * 30 - 90)
            draw.text(
                (cx + math.cos(a) * inner * 0.8, cy + math.sin(a) * inner * 0.8),
                str(hour),
                fill=(40, 40, 40),
                font=f,
                anchor="mm",
            )
        draw.line([(cx, cy), (cx + inner * 0.35, cy - inner * 0.3)], fill=(30, 30, 30), width=18)
        draw.line([(cx, cy), (cx - inner * 0.1, cy - inner * 0.65)], fill=(30, 30, 30), width=10)
        draw.ellipse((cx - 18, cy - 18, cx + 18, cy + 18), fill=(30, 30, 30))
    else:  # trivet: cast iron with leaf-shaped openings showing the table through
        hole = shade(look.backdrop, 0.6)
        for k in range(8):
            a = k * 45
            x = cx + math.cos(math.radians(a)) * inner * 0.2
            y = cy + math.sin(math.radians(a)) * inner * 0.2
            leaf(draw, x, y, inner * 0.7, a, hole)
        draw.ellipse(
            (cx - inner * 0.18, cy - inner * 0.18, cx + inner * 0.18, cy + inner * 0.18),
            fill=look.body,
        )
        draw.ellipse(
            (cx - inner, cy - inner, cx + inner, cy + inner), outline=look.body, width=int(r * 0.08)
        )


def leaf(
    draw: ImageDraw.ImageDraw, x: float, y: float, length: float, angle: float, colour: Colour
) -> None:
    a = math.radians(angle)
    tip = (x + math.cos(a) * length, y + math.sin(a) * length)
    mid = (x + math.cos(a) * length / 2, y + math.sin(a) * length / 2)
    n = (-math.sin(a) * length * 0.22, math.cos(a) * length * 0.22)
    draw.polygon(
        [(x, y), (mid[0] + n[0], mid[1] + n[1]), tip, (mid[0] - n[0], mid[1] - n[1])], fill=colour
    )
    draw.line([(x, y), tip], fill=shade(colour, -0.3), width=4)


def frames(image: Image.Image, look: Look, *, metal: bool = False) -> None:
    draw = ImageDraw.Draw(image)
    if metal:
        rng = random.Random(5)
        for k in range(22):
            x, y = S * rng.uniform(0.2, 0.8), S * rng.uniform(0.2, 0.8)
            leaf(
                draw,
                x,
                y,
                S * rng.uniform(0.1, 0.2),
                rng.uniform(0, 360),
                (look.body, look.accent)[k % 2],
            )
        return
    for i in range(3):
        x0 = S * (0.08 + i * 0.3)
        y0 = S * (0.22 if i != 1 else 0.16)
        w, h = S * 0.26, S * 0.42
        draw.rectangle((x0 + 14, y0 + 20, x0 + w + 14, y0 + h + 20), fill=(60, 50, 45))
        draw.rectangle((x0, y0, x0 + w, y0 + h), fill=look.accent)
        draw.rectangle((x0 + 26, y0 + 26, x0 + w - 26, y0 + h - 26), fill=(250, 247, 240))
        cx = x0 + w / 2
        draw.line([(cx, y0 + h - 60), (cx, y0 + 70)], fill=(80, 110, 70), width=6)
        for k in range(6):
            leaf(
                draw,
                cx,
                y0 + h - 90 - k * 45,
                S * 0.08,
                -150 + (k % 2) * 120,
                look.body if i != 1 else shade(look.body, 0.2),
            )


def macrame(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((S * 0.15, S * 0.16, S * 0.85, S * 0.2), radius=20, fill=(140, 110, 80))
    draw.line(
        [(S * 0.2, S * 0.17), (S / 2, S * 0.06), (S * 0.8, S * 0.17)], fill=look.body, width=6
    )
    for k in range(16):
        x = S * (0.2 + k * 0.04)
        draw.line(
            [(x, S * 0.2), (x, S * (0.62 + 0.2 * math.sin(k / 15 * math.pi)))],
            fill=look.body,
            width=14,
        )
    for row in range(5):
        for k in range(row % 2, 15, 2):
            x = S * (0.22 + k * 0.04)
            y = S * (0.28 + row * 0.07)
            draw.ellipse(
                (x - 26, y - 20, x + 26, y + 20),
                fill=shade(look.body, -0.1),
                outline=look.accent,
                width=4,
            )


def shelves(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    for y in (0.38, 0.68):
        draw.rectangle((S * 0.16, S * y + 24, S * 0.84, S * y + 60), fill=shade(look.backdrop, 0.3))
        vgradient_rect(
            image,
            (S * 0.15, S * y, S * 0.85, S * y + 40),
            shade(look.body, 0.2),
            shade(look.body, -0.2),
        )
    draw.rounded_rectangle((S * 0.22, S * 0.24, S * 0.32, S * 0.38), radius=20, fill=look.accent)
    draw.rectangle((S * 0.55, S * 0.22, S * 0.6, S * 0.38), fill=(120, 60, 50))
    draw.rectangle((S * 0.61, S * 0.25, S * 0.66, S * 0.38), fill=(60, 90, 120))
    draw.rectangle((S * 0.67, S * 0.2, S * 0.71, S * 0.38), fill=(200, 170, 90))
    draw.ellipse((S * 0.35, S * 0.5, S * 0.5, S * 0.68), fill=(200, 120, 80))
    for k in range(5):
        leaf(draw, S * 0.425, S * 0.52, S * 0.12, -160 + k * 35, (90, 140, 80))


def gift_box(image: Image.Image, look: Look, *, sachets: bool = False) -> None:
    draw = ImageDraw.Draw(image)
    if sachets:
        for i, colour in enumerate(((180, 160, 220), (150, 120, 80), (230, 160, 170))):
            cx, base = S * (0.25 + i * 0.25), S * 0.78
            floor_shadow(image, cx, base, S * 0.24)
            draw.rounded_rectangle(
                (cx - S * 0.1, base - S * 0.3, cx + S * 0.1, base), radius=30, fill=colour
            )
            draw.polygon(
                [
                    (cx - S * 0.1, base - S * 0.3),
                    (cx - S * 0.05, base - S * 0.38),
                    (cx, base - S * 0.3),
                    (cx + S * 0.05, base - S * 0.38),
                    (cx + S * 0.1, base - S * 0.3),
                ],
                fill=shade(colour, 0.2),
            )
            draw.line(
                [(cx - S * 0.1, base - S * 0.28), (cx + S * 0.1, base - S * 0.28)],
                fill=look.accent,
                width=12,
            )
        return
    cx, base, w, h = S / 2, S * 0.8, S * 0.56, S * 0.38
    floor_shadow(image, cx, base, w * 1.2)
    vgradient_rect(
        image,
        (cx - w / 2, base - h, cx + w / 2, base),
        shade(look.body, 0.25),
        shade(look.body, -0.25),
    )
    draw.rectangle(
        (cx - w / 2 - 16, base - h - S * 0.08, cx + w / 2 + 16, base - h + 8),
        fill=shade(look.body, 0.1),
    )
    draw.rectangle((cx - 30, base - h - S * 0.08, cx + 30, base), fill=look.accent)
    draw.ellipse(
        (cx - S * 0.16, base - h - S * 0.2, cx - 10, base - h - S * 0.06),
        outline=look.accent,
        width=26,
    )
    draw.ellipse(
        (cx + 10, base - h - S * 0.2, cx + S * 0.16, base - h - S * 0.06),
        outline=look.accent,
        width=26,
    )
    draw.rectangle(
        (cx + w * 0.12, base - h * 0.45, cx + w * 0.42, base - h * 0.15), fill=(250, 246, 238)
    )
    draw.text(
        (cx + w * 0.27, base - h * 0.3),
        "for you",
        fill=shade(look.accent, -0.3),
        font=font(int(S * 0.03)),
        anchor="mm",
    )


def journal(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    floor_shadow(image, S / 2, S * 0.84, S * 0.6)
    draw.rounded_rectangle(
        (S * 0.27, S * 0.14, S * 0.77, S * 0.84), radius=20, fill=(245, 240, 230)
    )
    draw.rounded_rectangle((S * 0.24, S * 0.12, S * 0.74, S * 0.82), radius=20, fill=look.body)
    draw.rectangle((S * 0.24, S * 0.12, S * 0.29, S * 0.82), fill=shade(look.body, -0.2))
    draw.rectangle((S * 0.62, S * 0.12, S * 0.65, S * 0.95), fill=look.accent)
    label(draw, (S * 0.33, S * 0.3, S * 0.68, S * 0.5), look, "Gratitude")


def planters(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    for i, f in enumerate((0.34, 0.27, 0.2)):
        cx, base, w = S * (0.24 + i * 0.27), S * 0.8, S * f
        h = w * 0.85
        floor_shadow(image, cx, base, w * 1.2)
        draw.polygon(
            [
                (cx - w / 2, base - h),
                (cx + w / 2, base - h),
                (cx + w * 0.38, base),
                (cx - w * 0.38, base),
            ],
            fill=look.body,
        )
        draw.rectangle(
            (cx - w / 2 - 8, base - h - w * 0.12, cx + w / 2 + 8, base - h + 6),
            fill=shade(look.body, 0.1),
        )
        for k in range(7):  # succulent rosette
            a = -90 + (k - 3) * 28
            leaf(
                draw, cx, base - h - 10, w * 0.42, a, (110, 160, 120) if k % 2 else (140, 180, 140)
            )


def melts(image: Image.Image, look: Look) -> None:
    draw = ImageDraw.Draw(image)
    floor_shadow(image, S / 2, S * 0.72, S * 0.7)
    draw.rounded_rectangle(
        (S * 0.15, S * 0.32, S * 0.85, S * 0.7),
        radius=30,
        fill=(250, 250, 250),
        outline=(200, 200, 200),
        width=6,
    )
    for row in range(2):
        for col in range(3):
            x0, y0 = S * (0.19 + col * 0.22), S * (0.36 + row * 0.17)
            vgradient_rect(
                image,
                (x0, y0, x0 + S * 0.18, y0 + S * 0.14),
                shade(look.body, 0.2),
                shade(look.body, -0.2),
                radius=20,
            )
            draw.ellipse(
                (x0 + S * 0.06, y0 + S * 0.04, x0 + S * 0.12, y0 + S * 0.1),
                outline=shade(look.body, -0.3),
                width=6,
            )
