"""The demo seed: a believable catalog with pictures drawn locally, idempotent."""

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from retailers.models import Retailer
from shopsocial import demo_art
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
    # + the team's starter kit (issue 25) and the gift card (issue 28): a category and a
    # product each
    assert Category.objects.count() == len(DEMO_CATALOG) + 2 == 7
    assert Product.objects.count() == 30 + len(DEMO_VARIANT_PRODUCTS) + 2
    expected_images = sum(len(demo_art.product_views(sku)) for sku in demo_art.RECIPES)
    assert (
        ProductImage.objects.count() == expected_images + 6 == 42 + 6
    )  # + a picture per seeded variant
    images = list(ProductImage.objects.filter(product__sku="CAN-001").order_by("position"))
    assert [i.alt_text for i in images] == [
        "Vanilla Bean Jar Candle",
        "Vanilla Bean Jar Candle on a wooden table",
        "Vanilla Bean Jar Candle, close-up",
    ]
    image = images[0]
    assert default_storage.exists(image.image.name)
    assert (media / image.image.name).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    assert image.renditions and image.srcset_webp  # stored through the one image path
    demo = Retailer.objects.get(slug="demo")
    with tenant_context(demo):
        assert StorefrontProfile.objects.get().about.startswith("Hi!")
        assert FeaturedProduct.objects.count() == 4
    assert demo_seed() == []
    assert Product.objects.count() == 30 + len(DEMO_VARIANT_PRODUCTS) + 2
    assert ProductImage.objects.count() == expected_images + 6


def test_every_demo_product_has_its_own_drawn_picture(media):
    skus = [sku for products in DEMO_CATALOG.values() for sku, *_ in products]
    assert set(skus) == set(demo_art.RECIPES)
    pictures = {demo_art.product_picture(sku, sku) for sku in skus[:6]}
    assert len(pictures) == 6  # no two alike


def test_seed_replaces_the_old_initials_placeholder(media, company):
    from django.core.files.base import ContentFile

    demo_seed()
    product = Product.objects.get(sku="KIT-002")
    product.images.all().delete()
    old = default_storage.save("products/demo-kit-002.jpg", ContentFile(b"\xff\xd8old"))
    ProductImage.objects.create(product=product, image=old, alt_text="KIT")
    assert demo_seed() == ["image KIT-002"]
    [picture] = product.images.all()
    assert picture.image.name != old and picture.alt_text == "Olive Wood Spoon Set"
