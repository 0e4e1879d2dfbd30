"""The demo data set used by `seed_demo` and `serve`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from django_tenants.utils import tenant_context

from orders.demo import checkout_money_demo_seed
from retailers.models import Retailer
from retailers.services import company_tenant_ensure, retailer_provision
from shopsocial import varnish
from storefront.content.models import FeaturedProduct, StorefrontProfile
from storefront.models import Category, Product, ProductImage
from storefront.services import product_image_store

from . import demo_art

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "shopsocial-demo"

DEMO_RETAILERS = [
    {
        "slug": "demo",
        "display_name": "Demo Home Studio",
        "city": "San Juan Capistrano",
        "state": "CA",
        "postal_code": "92675",
    },
    {
        "slug": "kristannaloken",
        "display_name": "Kristanna's Cozy Corner",
        "city": "Austin",
        "state": "TX",
        "postal_code": "78701",
    },
    {
        "slug": "maplelane",
        "display_name": "Maple Lane Decor",
        "city": "Portland",
        "state": "OR",
        "postal_code": "97205",
    },
]

# (name, slug, colour) -> [(sku, name, price, stock, description)]
DEMO_CATALOG: dict[tuple[str, str, str], list[tuple[str, str, str, int, str]]] = {
    ("Candles", "candles", "#b5651d"): [
        (
            "CAN-001",
            "Vanilla Bean Jar Candle",
            "19.95",
            40,
            "Soy wax in a reusable amber jar; warm vanilla and a hint of tonka. Burns about 45 hours.",
        ),
        (
            "CAN-002",
            "Cedar & Sage Pillar Candle",
            "24.00",
            25,
            "A tall unscented-wick pillar poured with cedarwood and garden sage oils.",
        ),
        (
            "CAN-003",
            "Citrus Grove Tealights (12)",
            "12.50",
            60,
            "Twelve bright tealights with grapefruit, lemon peel and bergamot.",
        ),
        (
            "CAN-004",
            "Lavender Fields Travel Tin",
            "9.95",
            80,
            "A small tin candle with French lavender, made for guest rooms and travel.",
        ),
        (
            "CAN-005",
            "Sea Salt & Orchid Three-Wick Candle",
            "32.00",
            18,
            "Three cotton wicks, a wide glass vessel and a fresh coastal fragrance.",
        ),
        (
            "CAN-006",
            "Beeswax Taper Pair",
            "14.00",
            35,
            "Hand-dipped natural beeswax tapers with a soft honey glow; dripless.",
        ),
        (
            "CAN-007",
            "Cinnamon Spice Mason Jar",
            "21.50",
            0,
            "Seasonal favourite: cinnamon bark, clove and orange in a glass mason jar.",
        ),
    ],
    ("Kitchen", "kitchen", "#4f7942"): [
        (
            "KIT-001",
            "Stoneware Serving Bowl",
            "34.00",
            20,
            "A wide, speckled stoneware bowl for salads and pasta; dishwasher safe.",
        ),
        (
            "KIT-002",
            "Olive Wood Spoon Set",
            "28.00",
            30,
            "Three hand-finished olive wood spoons with a warm, natural grain.",
        ),
        (
            "KIT-003",
            "Linen Tea Towels (2)",
            "18.00",
            50,
            "Stonewashed linen towels that dry glass and china without lint.",
        ),
        (
            "KIT-004",
            "Enamel Measuring Cups",
            "22.00",
            24,
            "Four nesting enamel cups with a cream finish and black rims.",
        ),
        (
            "KIT-005",
            "Marble & Acacia Cheese Board",
            "46.00",
            12,
            "White marble inlaid in an acacia wood board, with a leather hanging loop.",
        ),
        (
            "KIT-006",
            "Glass Canister Set (3)",
            "39.00",
            15,
            "Airtight borosilicate canisters with bamboo lids for flour, sugar and coffee.",
        ),
        (
            "KIT-007",
            "Cast Iron Trivet",
            "16.50",
            40,
            "A round cast iron trivet with a leaf pattern and felt feet.",
        ),
        (
            "KIT-008",
            "Herb Keeper",
            "19.00",
            9,
            "Keeps fresh herbs crisp in the fridge for up to two weeks.",
        ),
    ],
    ("Wall Decor", "wall-decor", "#2f4f6f"): [
        (
            "WAL-001",
            "Botanical Print Set",
            "45.00",
            14,
            "Three archival prints of pressed ferns and wildflowers, 8 by 10 inches.",
        ),
        (
            "WAL-002",
            "Rustic Mirror",
            "89.00",
            6,
            "A round mirror in a reclaimed pine frame, 24 inches across.",
        ),
        (
            "WAL-003",
            "Woven Wall Hanging",
            "54.00",
            10,
            "Hand-woven cotton macrame in natural tones on a driftwood dowel.",
        ),
        (
            "WAL-004",
            "Farmhouse Clock",
            "62.00",
            8,
            "A quiet-sweep wall clock with a whitewashed face and iron hands.",
        ),
        (
            "WAL-005",
            "Floating Shelf Pair",
            "48.00",
            16,
            "Two solid oak floating shelves with hidden brackets, 18 inches long.",
        ),
        (
            "WAL-006",
            "Metal Leaf Wall Art",
            "72.00",
            5,
            "Hammered metal leaves in brass and bronze tones, ready to hang.",
        ),
    ],
    ("Gifts", "gifts", "#7b3f61"): [
        (
            "GIF-001",
            "Cozy Evening Gift Box",
            "58.00",
            20,
            "A candle, a linen towel and artisan cocoa, boxed with a handwritten card.",
        ),
        (
            "GIF-002",
            "Knit Throw Blanket",
            "68.00",
            12,
            "A chunky cable-knit throw in oatmeal, soft enough for the couch.",
        ),
        (
            "GIF-003",
            "Scented Sachet Trio",
            "15.00",
            45,
            "Lavender, cedar and rose sachets for drawers and closets.",
        ),
        (
            "GIF-004",
            "Ceramic Mug Duo",
            "26.00",
            30,
            "Two hand-glazed mugs in sage and sand; each holds 12 ounces.",
        ),
        (
            "GIF-005",
            "Gratitude Journal",
            "17.50",
            40,
            "A linen-bound journal with prompts for a daily moment of thanks.",
        ),
        (
            "GIF-006",
            "Succulent Planter Set",
            "29.00",
            22,
            "Three terracotta planters with drainage trays in graduated sizes.",
        ),
    ],
    ("Seasonal", "seasonal", "#8a3b12"): [
        (
            "SEA-001",
            "Harvest Wreath",
            "64.00",
            7,
            "Dried wheat, eucalyptus and cotton bolls on a grapevine wreath.",
        ),
        (
            "SEA-002",
            "Pumpkin Spice Wax Melts",
            "8.50",
            70,
            "Six wax melts with pumpkin, nutmeg and a touch of vanilla.",
        ),
        (
            "SEA-003",
            "Holiday Plaid Table Runner",
            "27.00",
            25,
            "Red and cream plaid cotton runner, 72 inches long.",
        ),
    ],
}

DEMO_FEATURED_SKUS = {"demo": ["GIF-001", "CAN-001", "KIT-005", "WAL-003"]}
DEMO_ABOUT = {
    "demo": (
        "Hi! I'm the demo retailer. I love candles, good coffee and a kitchen that "
        "feels like home. Everything here ships from the company warehouse, and "
        "every order supports my small business."
    ),
}


def product_slug(name: str) -> str:
    return slugify(name.replace("&", "and"))


def _ensure_image_file(name: str, make: Callable[[], bytes]) -> str:
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(make()))
    return name


def _legacy_placeholder(sku: str) -> str:
    """Where seeds before the drawn pictures kept a flat square with initials."""
    return f"products/demo-{sku.lower()}.jpg"


def _seed_product_pictures(product: Product, created: list[str]) -> None:
    """The drawn pictures of one demo product (one to three), in order.

    Stored through the one image path every upload takes (`product_image_store`:
    cleaned, re-encoded, WebP and JPEG renditions for srcset).
    """
    for position, view in enumerate(demo_art.product_views(product.sku)):
        picture = ContentFile(
            demo_art.product_picture(product.sku, product.name, view),
            name=f"demo-{product.sku.lower()}-{view}.jpg",
        )
        product_image_store(
            product=product,
            upload=picture,
            alt_text=demo_art.VIEW_ALT[view].format(name=product.name),
            position=position,
        )
    created.append(f"image {product.sku}")


def _seed_catalog(created: list[str]) -> None:
    have = set(Product.objects.values_list("sku", flat=True))
    demo_skus = [sku for products in DEMO_CATALOG.values() for sku, *_ in products]
    # Demo products still showing the old initials placeholder get the drawn pictures.
    legacy = ProductImage.objects.filter(
        product__sku__in=demo_skus,
        image__in=[_legacy_placeholder(sku) for sku in demo_skus],
    )
    legacy.delete()
    with_images = set(ProductImage.objects.values_list("product__sku", flat=True))
    for position, ((cat_name, cat_slug, _colour), products) in enumerate(DEMO_CATALOG.items()):
        category, _ = Category.objects.get_or_create(
            slug=cat_slug, defaults={"name": cat_name, "position": position}
        )
        for sku, name, price, stock, description in products:
            if sku not in have:
                product = Product.objects.create(
                    sku=sku,
                    name=name,
                    slug=product_slug(name),
                    category=category,
                    price=Decimal(price),
                    stock=stock,
                    description=description,
                )
                created.append(f"product {sku}")
            else:
                product = None
            if sku not in with_images:
                _seed_product_pictures(product or Product.objects.get(sku=sku), created)


def _seed_storefront_content(retailer: Retailer, created: list[str]) -> None:
    featured_skus = DEMO_FEATURED_SKUS.get(retailer.slug, [])
    about = DEMO_ABOUT.get(retailer.slug, "")
    ids = dict(Product.objects.filter(sku__in=featured_skus).values_list("sku", "pk"))
    with tenant_context(retailer):
        if not StorefrontProfile.objects.exists():
            photo = ""
            if about:
                photo = _ensure_image_file(
                    f"retailers/demo/{retailer.slug}.jpg",
                    lambda: demo_art.portrait(retailer.display_name),
                )
            StorefrontProfile.objects.create(
                about=about, photo=photo, photo_alt=f"{retailer.display_name}, the shop owner"
            )
            created.append(f"profile {retailer.slug}")
        elif about:
            # Seeds before the drawn portraits stored a square with initials.
            profile = StorefrontProfile.objects.get()
            if profile.photo.name == f"retailers/demo-{retailer.slug}.jpg":
                profile.photo = _ensure_image_file(
                    f"retailers/demo/{retailer.slug}.jpg",
                    lambda: demo_art.portrait(retailer.display_name),
                )
                profile.save(update_fields=["photo"])
                created.append(f"portrait {retailer.slug}")
        for position, sku in enumerate(featured_skus):
            if sku in ids:
                _, made = FeaturedProduct.objects.get_or_create(
                    product_id=ids[sku], defaults={"position": position}
                )
                if made:
                    created.append(f"featured {retailer.slug} {sku}")


@transaction.atomic
def demo_seed() -> list[str]:
    from shopsocial.demo_variants import variant_products_seed

    created: list[str] = []
    company_tenant_ensure()
    user_model = get_user_model()
    if not user_model.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
        user_model.objects.create_superuser(
            DEMO_ADMIN_USERNAME, "admin@example.com", DEMO_ADMIN_PASSWORD
        )
        created.append("admin user")
    _seed_catalog(created)
    # Variants: default ones for the plain catalog, and products with options.
    variant_products_seed(created, image_file=_ensure_image_file, slug=product_slug)
    for spec in DEMO_RETAILERS:
        if not Retailer.objects.filter(slug=spec["slug"]).exists():
            retailer_provision(**spec)
            created.append(f"retailer {spec['slug']}")
    for retailer in Retailer.objects.filter(slug__in=[spec["slug"] for spec in DEMO_RETAILERS]):
        _seed_storefront_content(retailer, created)
    created += checkout_money_demo_seed()  # payments: demo discount code, tax override
    # --- team (issue 25): the demo team plan (3 ranks, overrides on 3 generations)
    from retailers.team.models import TeamPlan
    from retailers.team.services import starter_kit_seed_demo, team_plan_seed_demo

    if not TeamPlan.objects.exists():
        team_plan_seed_demo()
        created.append("team plan")
    created += starter_kit_seed_demo()
    # --- end team
    from orders.giftcards.demo import giftcard_demo_seed  # gift cards (issue 28)

    created += giftcard_demo_seed()
    if created:
        # Rows written by bulk paths and raw seeds: purge every page at once.
        transaction.on_commit(lambda: varnish.purge(["catalog"]))
    return created
