"""Freshness is a promise (issue 23): every model a cached page reads, written every way
the code allows, shows on the next request through the real HTTP cache.

For each model in the invalidation map whose rows a cached page shows
(shopsocial/invalidation.py), the page is fetched twice through varnishd (so it is
cached), the row is written one way, and the next request must show the change:
`save()`, queryset `update()`, queryset `delete()`, `bulk_create()`, the admin's change
(`ModelAdmin.save_model`) and the admin's "Delete selected" (`delete_queryset`).
Products and variants are never deleted (PROTECT: they may have been ordered).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from privacy.models import PolicyVersion
from shopsocial.invalidation import RULES
from shopsocial.varnish import varnishd_path
from storefront.content.models import StorefrontProfile
from storefront.models import Category, Product, ProductImage, ProductVariant
from storefront.reviews.models import Review
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST
from tests.factories import CategoryFactory, OrderFactory, ProductImageFactory

from .test_varnish import Front, front, varnish_server  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(varnishd_path() is None, reason="varnishd is installed by .ci/run"),
]

SAVE, UPDATE, DELETE, BULK_CREATE = "save", "update", "delete", "bulk_create"
ADMIN_CHANGE, ADMIN_BULK_DELETE = "admin change", "admin bulk delete"
CHANGES = (SAVE, UPDATE, ADMIN_CHANGE)
DELETES = (DELETE, ADMIN_BULK_DELETE)


@dataclass
class Case:
    """A row shown on `path`: `field` is written from `before` to `after` text."""

    model: type[models.Model]
    make: Callable[[Product], models.Model]
    path: Callable[[Product], str]
    field: str
    before: str
    after: str
    ways: tuple[str, ...] = CHANGES + DELETES
    tenant: bool = False  # a row in alice's schema
    admin: bool = True
    value: Callable[[str], object] = field(default=str)


def _profile(product):
    StorefrontProfile.objects.all().delete()  # tenant rows outlive the public flush
    return StorefrontProfile.objects.create(about="We pour every candle by hand.")


def _review(product):
    line = OrderFactory(lines=[(product, 1)]).lines.get()
    return Review.objects.create(
        product=product,
        order_line=line,
        rating=5,
        title="Smells like a forest",
        body="Lovely.",
        display_name="Rita",
        status=Review.Status.APPROVED,
    )


CASES = [
    Case(
        Category,
        lambda p: CategoryFactory(name="Bath Salts", slug="bath-salts", position=5),
        lambda p: "/",
        "name",
        "Bath Salts",
        "Mineral Soaks",
        ways=(*CHANGES, *DELETES, BULK_CREATE),
    ),
    Case(
        Product,
        lambda p: p,
        lambda p: "/c/candles/",
        "name",
        "Vanilla Candle",
        "Amber Candle",
        ways=CHANGES,
    ),
    Case(
        ProductVariant,
        lambda p: variant_of(p),
        lambda p: f"/p/{p.slug}/",
        "price",
        "$10.00",
        "$12.34",
        ways=CHANGES,
        value=lambda text: text.lstrip("$"),
    ),
    Case(
        ProductImage,
        lambda p: ProductImageFactory(product=p, alt_text="Candle on a shelf", position=9),
        lambda p: f"/p/{p.slug}/",
        "alt_text",
        "Candle on a shelf",
        "Candle by a window",
        admin=False,  # edited inline on the product (ProductAdmin covers the product)
    ),
    Case(
        StorefrontProfile,
        _profile,
        lambda p: "/",
        "about",
        "We pour every candle by hand.",
        "Small batches since 2019.",
        ways=(*CHANGES, *DELETES),
        tenant=True,
        admin=False,  # edited in the back office (retailers/services/storefront.py)
    ),
    # reviews (issue 28): an approved review on the product page; staff never edit its
    # text (the admin moderates through reviews_moderate, tests/reviews), so no admin way
    Case(
        Review,
        _review,
        lambda p: f"/p/{p.slug}/",
        "title",
        "Smells like a forest",
        "Burns for hours",
        ways=(SAVE, UPDATE, DELETE),
        admin=False,
    ),
    Case(
        PolicyVersion,
        lambda p: PolicyVersion.objects.create(
            version="9.9",
            effective_date=datetime.date(2026, 1, 1),
            text="Shoppers browse without cookies.",
            summary_of_changes="First.",
            published=True,
        ),
        lambda p: "/privacy/",
        "text",
        "Shoppers browse without cookies.",
        "Shoppers may always browse anonymously.",
    ),
]

# Models the cached pages read whose freshness other tests prove: the retailer's name
# and domain (tests/retailers, a suspended storefront answers at once), shipping methods
# (tests/storefront/test_session_pages.py), scenes and share links (tests/scenes),
# featured products (tests/storefront/test_shop_pages.py), shop pages (not cached).
ELSEWHERE = {
    "retailers.Retailer",
    "retailers.Domain",
    "orders.ShippingMethod",
    "scenes.Scene",
    "scenes.ShareLink",
    "storefront_content.FeaturedProduct",
    "storefront_pages.ShopPage",
}


def test_every_model_that_cached_pages_read_is_in_the_matrix():
    mapped = {label for label, rule in RULES.items() if rule.keys(_Blank()) != ()}
    assert mapped - ELSEWHERE == {case.model._meta.label for case in CASES}


class _Blank:
    pk = category_id = product_id = tenant_id = 0
    schema_name = slug = "x"


def _write(case: Case, row: models.Model, way: str) -> None:
    model = type(row)
    request = RequestFactory().post("/admin/")
    model_admin = admin.site._registry.get(model)
    value = case.value(case.after)
    if way == SAVE:
        setattr(row, case.field, value)
        row.save()
    elif way == UPDATE:
        model.objects.filter(pk=row.pk).update(**{case.field: value})
    elif way == ADMIN_CHANGE:
        setattr(row, case.field, value)
        model_admin.save_model(request, row, form=None, change=True)
    elif way == DELETE:
        model.objects.filter(pk=row.pk).delete()
    elif way == ADMIN_BULK_DELETE:
        model_admin.delete_queryset(request, model.objects.filter(pk=row.pk))
    elif way == BULK_CREATE:
        model.objects.filter(pk=row.pk).delete()
        twin = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
        twin.pk = None
        setattr(twin, case.field, value)
        model.objects.bulk_create([twin])


def _ways(case: Case) -> list[str]:
    return [w for w in case.ways if case.admin or w not in (ADMIN_CHANGE, ADMIN_BULK_DELETE)]


@pytest.mark.parametrize(
    ("case", "way"),
    [(case, way) for case in CASES for way in _ways(case)],
    ids=[f"{case.model.__name__}-{way}" for case in CASES for way in _ways(case)],
)
def test_the_next_request_after_a_write_shows_it(front: Front, alice, make_product, case, way):  # noqa: F811
    product = make_product("Vanilla Candle", price="10.00", stock=20)
    if case.tenant:
        with tenant_context(alice):
            row = case.make(product)
    else:
        row = case.make(product)
    path = case.path(product)
    front.get(ALICE_HOST, path)
    cached = front.get(ALICE_HOST, path)
    assert cached.cache == "HIT" and case.before in cached.text
    if case.tenant:
        with tenant_context(alice):
            _write(case, row, way)
    else:
        _write(case, row, way)
    page = front.get(ALICE_HOST, path)
    assert page.status == 200
    if way in DELETES:
        assert case.before not in page.text
    else:
        assert case.after in page.text
