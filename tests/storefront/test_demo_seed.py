"""The demo seed: a believable catalog with local placeholder images, idempotent."""

import pytest
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from retailers.models import Retailer
from shopsocial.demo import DEMO_CATALOG, demo_seed
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
    assert Product.objects.count() == 30
    assert ProductImage.objects.count() == 30
    image = ProductImage.objects.select_related("product").get(product__sku="CAN-001")
    assert image.alt_text == "Vanilla Bean Jar Candle"
    assert default_storage.exists(image.image.name)
    assert (media / image.image.name).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    demo = Retailer.objects.get(slug="demo")
    with tenant_context(demo):
        assert StorefrontProfile.objects.get().about.startswith("Hi!")
        assert FeaturedProduct.objects.count() == 4
    assert demo_seed() == []
    assert Product.objects.count() == 30
    assert ProductImage.objects.count() == 30
