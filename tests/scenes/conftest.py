"""Scene fixtures: alice's back-office login, a catalog product, a scene, a share link."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from storefront.models import Category, Product
from storefront.scenes import services
from tests.catalog import variant_default_add
from tests.earnings.conftest import PASSWORD, with_login  # noqa: F401


@pytest.fixture
def owner(alice):
    return with_login(alice, "alice_scenes")


@pytest.fixture
def candle(db) -> Product:
    category = Category.objects.create(name="Scene Candles", slug="scene-candles")
    return variant_default_add(
        Product.objects.create(
            sku="SCN-1",
            name="Cedar Candle",
            slug="cedar-candle",
            category=category,
            price=Decimal("40.00"),
            stock=50,
            description="A cedar candle.",
        )
    )


SCENE_FIELDS = {
    "title": "Candle Night",
    "host_name": "Emma",
    "host_email": "emma@example.com",
    "date": date.today(),
    "closes_on": date.today() + timedelta(days=7),
    "delivery": "guest",
}


@pytest.fixture
def scene(owner):
    return services.scene_create(retailer=owner, **SCENE_FIELDS)


@pytest.fixture
def bob_scene(bob):
    return services.scene_create(retailer=bob, **{**SCENE_FIELDS, "title": "Bob's Bash"})
