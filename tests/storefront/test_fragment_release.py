"""A release that changes a template never serves the old fragment: every `{% cache %}`
key ends in a digest of the project's templates (shopsocial.invalidation.templates_release)."""

from __future__ import annotations

import pytest
from django.db import connection

from shopsocial import invalidation
from tests.conftest import ALICE_HOST
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_new_templates_digest_renders_the_fragments_anew(client, alice, monkeypatch):
    product = ProductFactory(name="Juniper Candle", slug="juniper-candle", sku="JUN-1")
    path = f"/c/{product.category.slug}/"
    assert "Juniper Candle" in client.get(path, HTTP_HOST=ALICE_HOST).text
    # A change the invalidation map never hears of (plain SQL): the kept card stays.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE storefront_product SET name = 'Cedar Candle' WHERE id = %s", [product.pk]
        )
    page = client.get(path, HTTP_HOST=ALICE_HOST).text
    assert "Juniper Candle" in page and "Cedar Candle" not in page
    # Another release of the templates: new keys, so the card is rendered again.
    monkeypatch.setattr(invalidation, "templates_release", lambda: "another-release")
    page = client.get(path, HTTP_HOST=ALICE_HOST).text
    assert "Cedar Candle" in page and "Juniper Candle" not in page


def test_the_digest_follows_the_templates_content(tmp_path, settings):
    (tmp_path / "templates" / "storefront").mkdir(parents=True)
    card = tmp_path / "templates" / "storefront" / "card.html"
    card.write_text("<p>{{ product.name }}</p>")
    settings.BASE_DIR = tmp_path
    digest = invalidation.templates_release.__wrapped__
    first = digest()
    assert digest() == first
    card.write_text("<p class=card>{{ product.name }}</p>")
    assert digest() != first
