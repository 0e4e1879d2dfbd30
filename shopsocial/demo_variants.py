"""Demo catalog, variants part: products with options (Scent × Size, Colour).

Run by `shopsocial.demo.demo_seed` after the plain catalog: every product without a
variant gets its default one (same SKU, price, stock), then the products below are
made with their variants and a picture per variant. Idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from storefront.models import Category, Product, ProductImage, ProductVariant
from storefront.services import product_summary_refresh

# (category slug, SKU, name, description, option names,
#  [(variant SKU, option values, price, stock, picture colour)])
DEMO_VARIANT_PRODUCTS = [
    (
        "candles",
        "CAN-SOY",
        "Scented Soy Candle",
        "Hand-poured soy wax with a cotton wick, in two scents and two sizes. "
        "The 16 oz jar burns about 80 hours.",
        ("Scent", "Size"),
        [
            ("CAN-SOY-VAN-8", ("Vanilla", "8 oz"), "18.00", 20, "#e8c88a"),
            ("CAN-SOY-VAN-16", ("Vanilla", "16 oz"), "28.00", 15, "#d9b26a"),
            ("CAN-SOY-CED-8", ("Cedar", "8 oz"), "19.00", 20, "#8a5a3b"),
            ("CAN-SOY-CED-16", ("Cedar", "16 oz"), "32.00", 12, "#6e4327"),
        ],
    ),
    (
        "candles",
        "CAN-TAPER",
        "Dinner Taper Pair",
        "Two dripless beeswax tapers, 10 inches tall.",
        ("Colour",),
        [
            ("CAN-TAPER-IVO", ("Ivory",), "14.00", 30, "#f2ead8"),
            ("CAN-TAPER-SAG", ("Sage",), "14.00", 0, "#9caf88"),
        ],
    ),
]


def default_variants_ensure(created: list[str]) -> None:
    """A default variant for every product that has none (as migration 0007 did)."""
    for product in Product.objects.filter(variants__isnull=True).order_by("pk"):
        ProductVariant.objects.create(
            product=product, sku=product.sku, price=product.price, stock=product.stock
        )
        created.append(f"default variant {product.sku}")


def _variant_picture(name: str, label: str, colour: str, size: int = 800) -> bytes:
    """A candle jar in the variant's colour with its label, drawn locally (no network)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (size, size), "#f4efe6")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((220, 200, 580, 680), radius=40, fill=colour, outline="#3b2a1a", width=6)
    draw.rectangle((250, 170, 550, 215), fill="#3b2a1a")
    draw.line((400, 150, 400, 200), fill="#222222", width=6)
    try:
        font = ImageFont.load_default(size=44)
    except TypeError:  # Pillow without FreeType
        font = ImageFont.load_default()
    draw.text((size / 2, 740), label, fill="#3b2a1a", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def variant_products_seed(
    created: list[str],
    *,
    image_file: Callable[[str, Callable[[], bytes]], str],
    slug: Callable[[str], str],
) -> None:
    """`image_file(name, make)` and `slug(name)` are the demo seed's own helpers."""
    default_variants_ensure(created)
    for category_slug, sku, name, description, option_names, variants in DEMO_VARIANT_PRODUCTS:
        category = Category.objects.filter(slug=category_slug).first()
        if category is None or Product.objects.filter(sku=sku).exists():
            continue
        names = dict(
            zip(("option1_name", "option2_name", "option3_name"), option_names, strict=False)
        )
        product = Product.objects.create(
            sku=sku,
            name=name,
            slug=slug(name),
            category=category,
            description=description,
            **names,
        )
        for position, (variant_sku, values, price, stock, colour) in enumerate(variants):
            options = dict(zip(("option1", "option2", "option3"), values, strict=False))
            variant = ProductVariant(
                product=product,
                sku=variant_sku,
                price=Decimal(price),
                stock=stock,
                position=position,
                **options,
            )
            variant.full_clean()
            variant.save()
            label = ", ".join(values)
            path = image_file(
                f"products/demo-{variant_sku.lower()}.jpg",
                lambda n=name, lb=label, c=colour: _variant_picture(n, lb, c),
            )
            ProductImage.objects.create(
                product=product,
                variant=variant,
                image=path,
                alt_text=f"{name}, {label}",
                position=position,
            )
        product_summary_refresh(product=product)
        created.append(f"product {sku} with {len(variants)} variants")
