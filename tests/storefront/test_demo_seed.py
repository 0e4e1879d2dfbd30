"""The demo seed: a believable catalog with local placeholder images, idempotent."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from retailers.models import Retailer
from shopsocial.demo import DEMO_CATALOG, demo_seed
from shopsocial.demo_variants import DEMO_VARIANT_PRODUCTS
from storefront.content.models import FeaturedProduct, StorefrontProfile
from storefront.models import Category, Product, ProductImage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_seed_creates_catalog_with_images_once(media, company):
    demo_seed()
    assert Category.objects.count() == len(DEMO_CATALOG) == 5
    assert Product.objects.count() == 30 + len(DEMO_VARIANT_PRODUCTS)
    assert ProductImage.objects.count() == 30 + 6  # one picture per seeded variant
    image = ProductImage.objects.select_related("product").get(product__sku="CAN-001")
    assert image.alt_text == "Vanilla Bean Jar Candle"
    assert default_storage.exists(image.image.name)
    assert (media / image.image.name).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    demo = Retailer.objects.get(slug="demo")
    with tenant_context(demo):
        assert StorefrontProfile.objects.get().about.startswith("Hi!")
        assert FeaturedProduct.objects.count() == 4
    assert demo_seed() == []
    assert Product.objects.count() == 30 + len(DEMO_VARIANT_PRODUCTS)
    assert ProductImage.objects.count() == 30 + 6


def test_seed_sells_every_product_through_a_variant_and_a_candle_in_scents_and_sizes(
    media, company
):
    from storefront.models import ProductVariant

    demo_seed()
    assert not Product.objects.filter(variants__isnull=True).exists()
    plain = ProductVariant.objects.get(sku="CAN-001")
    assert (plain.price, plain.stock, plain.label) == (Decimal("19.95"), 40, "")
    candle = Product.objects.get(sku="CAN-SOY")
    assert candle.option_names == ["Scent", "Size"]
    assert [(v.label, v.price) for v in candle.variants.all()] == [
        ("Vanilla, 8 oz", Decimal("18.00")),
        ("Vanilla, 16 oz", Decimal("28.00")),
        ("Cedar, 8 oz", Decimal("19.00")),
        ("Cedar, 16 oz", Decimal("32.00")),
    ]
    assert (candle.price, candle.stock) == (Decimal("18.00"), 67)  # "from" price, total stock
    cedar_16 = ProductVariant.objects.get(sku="CAN-SOY-CED-16")
    assert cedar_16.images.get().alt_text == "Scented Soy Candle, Cedar, 16 oz"
