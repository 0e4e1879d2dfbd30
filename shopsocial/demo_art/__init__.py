"""Product pictures for the demo catalog, drawn by Pillow at seed time (no downloads).

Each demo product has a drawing recipe (what the object is: a jar candle, a
pillar, a bowl, a clock ...) and its own colours (the scent or finish), set on a
soft studio gradient of its category. `product_pictures` returns one to three
JPEGs per product: the studio shot, for some products a "styled" shot (the object
on a table against a wall) and a close-up. Drawing happens at twice the output
size and is scaled down, which gives smooth edges without anti-aliasing support
in ImageDraw.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

from .canvas import SIZE, Colour, Look, S, hex_rgb, shade, studio, styled
from .objects import (
    Recipe,
    board,
    bowl,
    canisters,
    cloth,
    cups,
    frames,
    gift_box,
    jar_candle,
    journal,
    macrame,
    melts,
    pillar,
    planters,
    round_thing,
    shelves,
    spoons,
    tealights,
)

# --- The catalog's pictures ------------------------------------------------------
WARM = hex_rgb("#efe3d3")

RECIPES: dict[str, tuple[Recipe, Look]] = {
    "CAN-001": (jar_candle, Look(hex_rgb("#f5ead3"), hex_rgb("#b8732c"), WARM, "Vanilla Bean")),
    "CAN-002": (
        pillar,
        Look(hex_rgb("#c9d1b5"), hex_rgb("#5f7348"), hex_rgb("#dfe6d3"), "Cedar Sage"),
    ),
    "CAN-003": (
        tealights,
        Look(hex_rgb("#ffd89a"), hex_rgb("#f08a24"), hex_rgb("#fbe6c7"), "Citrus"),
    ),
    "CAN-004": (
        lambda im, lk: jar_candle(im, lk, tin=True),
        Look(hex_rgb("#ddd0ef"), hex_rgb("#7b5ea7"), hex_rgb("#e6def2"), "Lavender"),
    ),
    "CAN-005": (
        lambda im, lk: jar_candle(im, lk, wide=True, wicks=3),
        Look(hex_rgb("#eef6f7"), hex_rgb("#4f93a8"), hex_rgb("#d7ecf0"), "Sea Salt Orchid"),
    ),
    "CAN-006": (
        lambda im, lk: pillar(im, lk, count=2, taper=True),
        Look(hex_rgb("#e9b949"), hex_rgb("#a8741a"), hex_rgb("#f4e6c4"), "Beeswax"),
    ),
    "CAN-007": (
        lambda im, lk: jar_candle(im, lk, lid=True),
        Look(hex_rgb("#f0d6bf"), hex_rgb("#a5522c"), hex_rgb("#f0dccd"), "Cinnamon Spice"),
    ),
    "KIT-001": (
        bowl,
        Look(hex_rgb("#ece6da"), hex_rgb("#d8cdb8"), hex_rgb("#dfe7d8"), "Stoneware"),
    ),
    "KIT-002": (spoons, Look(hex_rgb("#b98a5a"), hex_rgb("#7a5230"), hex_rgb("#e4ecdc"), "Olive")),
    "KIT-003": (cloth, Look(hex_rgb("#e8e2d4"), hex_rgb("#4f7942"), hex_rgb("#dfe8da"), "Linen")),
    "KIT-004": (cups, Look(hex_rgb("#f2ead8"), hex_rgb("#222222"), hex_rgb("#e3eadf"), "Enamel")),
    "KIT-005": (board, Look(hex_rgb("#b67b47"), hex_rgb("#eeeeee"), hex_rgb("#e2e9dc"), "Board")),
    "KIT-006": (
        canisters,
        Look(hex_rgb("#f6e7c1"), hex_rgb("#c7a46b"), hex_rgb("#e4ecdf"), "Canister"),
    ),
    "KIT-007": (
        lambda im, lk: round_thing(im, lk, kind="trivet"),
        Look(hex_rgb("#3b3b3b"), hex_rgb("#2a2a2a"), hex_rgb("#e1e9dc"), "Trivet"),
    ),
    "KIT-008": (
        lambda im, lk: canisters(im, lk, herb=True),
        Look(hex_rgb("#7fb069"), hex_rgb("#4f7942"), hex_rgb("#e4eddd"), "Herbs"),
    ),
    "WAL-001": (
        frames,
        Look(hex_rgb("#6b8f5e"), hex_rgb("#2f3a45"), hex_rgb("#d9e2ea"), "Botanical"),
    ),
    "WAL-002": (
        lambda im, lk: round_thing(im, lk, kind="mirror"),
        Look(hex_rgb("#c9d6df"), hex_rgb("#b08456"), hex_rgb("#dce4ec"), "Mirror"),
    ),
    "WAL-003": (macrame, Look(hex_rgb("#f1e8d8"), hex_rgb("#c9a77c"), hex_rgb("#d5dfe8"), "Woven")),
    "WAL-004": (
        lambda im, lk: round_thing(im, lk, kind="clock"),
        Look(hex_rgb("#f7f4ee"), hex_rgb("#3a3a3a"), hex_rgb("#d8e1ea"), "Clock"),
    ),
    "WAL-005": (shelves, Look(hex_rgb("#c49a6c"), hex_rgb("#eadfcb"), hex_rgb("#dbe3eb"), "Shelf")),
    "WAL-006": (
        lambda im, lk: frames(im, lk, metal=True),
        Look(hex_rgb("#c9a13b"), hex_rgb("#8c5a2b"), hex_rgb("#d3dde7"), "Leaves"),
    ),
    "GIF-001": (gift_box, Look(hex_rgb("#e9dccb"), hex_rgb("#7b3f61"), hex_rgb("#ecdde6"), "Gift")),
    "GIF-002": (
        lambda im, lk: cloth(im, lk, knit=True),
        Look(hex_rgb("#e6dac6"), hex_rgb("#b9a68a"), hex_rgb("#eadfe6"), "Throw"),
    ),
    "GIF-003": (
        lambda im, lk: gift_box(im, lk, sachets=True),
        Look(hex_rgb("#ddd0ef"), hex_rgb("#7b3f61"), hex_rgb("#efe3ea"), "Sachet"),
    ),
    "GIF-004": (
        lambda im, lk: cups(im, lk, mugs=True),
        Look(hex_rgb("#9fb89a"), hex_rgb("#e3cfb0"), hex_rgb("#ebe0e7"), "Mugs"),
    ),
    "GIF-005": (
        journal,
        Look(hex_rgb("#9c8f7a"), hex_rgb("#7b3f61"), hex_rgb("#ede2e9"), "Journal"),
    ),
    "GIF-006": (
        planters,
        Look(hex_rgb("#c8693f"), hex_rgb("#7b3f61"), hex_rgb("#ede1e8"), "Planters"),
    ),
    "SEA-001": (
        lambda im, lk: round_thing(im, lk, kind="wreath"),
        Look(hex_rgb("#d8b56a"), hex_rgb("#7d9a7a"), hex_rgb("#f2e1d3"), "Wreath"),
    ),
    "SEA-002": (melts, Look(hex_rgb("#e38b3c"), hex_rgb("#a64b16"), hex_rgb("#f3e0d1"), "Pumpkin")),
    "SEA-003": (
        lambda im, lk: cloth(im, lk, plaid=True, long=True),
        Look(hex_rgb("#f1e7d6"), hex_rgb("#a8322d"), hex_rgb("#f2e2d6"), "Plaid"),
    ),
}

# Products shown with extra pictures: a styled scene and a close-up.
EXTRA_VIEWS = {
    "CAN-001": ("styled", "closeup"),
    "CAN-002": ("styled",),
    "CAN-005": ("styled", "closeup"),
    "KIT-001": ("styled",),
    "KIT-005": ("styled", "closeup"),
    "WAL-003": ("styled",),
    "GIF-001": ("styled", "closeup"),
    "GIF-004": ("styled",),
}

VIEW_ALT = {
    "studio": "{name}",
    "styled": "{name} on a wooden table",
    "closeup": "{name}, close-up",
}


def _encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=84, optimize=True, progressive=True)
    return buffer.getvalue()


def _fallback(name: str, backdrop: Colour) -> Recipe:
    """For a product without a recipe: a jar candle labelled with its name."""

    def draw(image: Image.Image, look: Look) -> None:
        jar_candle(image, Look(look.body, look.accent, backdrop, name))

    return draw


# Drawing is deterministic and slow (about 0.2 s a picture): a process that seeds again
# (the tests do, once per test) draws each picture once. About 3 MB for the catalogue.
@functools.cache
def product_picture(sku: str, name: str, view: str = "studio") -> bytes:
    recipe, look = RECIPES.get(sku, (None, Look((240, 230, 210), (138, 59, 18), WARM, name)))
    recipe = recipe or _fallback(name, look.backdrop)
    canvas = styled(look.backdrop) if view == "styled" else studio(look.backdrop)
    if view == "styled":
        # The object a little smaller, standing on the table.
        obj = Image.new("RGBA", (S, S), (0, 0, 0, 0))
        recipe(obj, look)
        obj = obj.resize((int(S * 0.8), int(S * 0.8)), Image.Resampling.LANCZOS)
        canvas.paste(obj, (int(S * 0.1), int(S * 0.12)), obj)
    else:
        recipe(canvas, look)
    if view == "closeup":
        canvas = canvas.crop((int(S * 0.2), int(S * 0.25), int(S * 0.8), int(S * 0.85))).resize(
            (S, S), Image.Resampling.LANCZOS
        )
    return _encode(canvas.resize((SIZE, SIZE), Image.Resampling.LANCZOS))


def product_views(sku: str) -> tuple[str, ...]:
    return ("studio", *EXTRA_VIEWS.get(sku, ()))


@functools.cache
def portrait(name: str, colour: Colour = (87, 96, 106)) -> bytes:
    """A friendly illustrated portrait for a demo retailer (head and shoulders)."""
    image = studio(shade(colour, 0.5))
    draw = ImageDraw.Draw(image)
    skin, hair, top = (233, 196, 165), (92, 62, 40), hex_rgb("#8a3b12")
    draw.ellipse((S * 0.2, S * 0.68, S * 0.8, S * 1.3), fill=top)
    draw.rectangle((S * 0.44, S * 0.55, S * 0.56, S * 0.72), fill=shade(skin, -0.08))
    draw.ellipse((S * 0.3, S * 0.15, S * 0.7, S * 0.5), fill=hair)
    draw.ellipse((S * 0.34, S * 0.22, S * 0.66, S * 0.62), fill=skin)
    draw.chord((S * 0.32, S * 0.14, S * 0.68, S * 0.42), 180, 360, fill=hair)
    draw.ellipse((S * 0.42, S * 0.38, S * 0.45, S * 0.41), fill=(50, 40, 35))
    draw.ellipse((S * 0.55, S * 0.38, S * 0.58, S * 0.41), fill=(50, 40, 35))
    draw.arc((S * 0.44, S * 0.44, S * 0.56, S * 0.53), 20, 160, fill=(160, 70, 60), width=10)
    return _encode(image.resize((SIZE // 2, SIZE // 2), Image.Resampling.LANCZOS))
