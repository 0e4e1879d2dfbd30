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
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from ops.stack import Redis, temp_folder
from orders.models import ShippingMethod
from privacy.models import PolicyVersion
from retailers.models import Domain, Retailer
from shopsocial.cache import FailOpenRedisCache
from shopsocial.invalidation import RULES, host_key
from shopsocial.varnish import varnishd_path
from storefront.content.models import FeaturedProduct, StorefrontProfile
from storefront.models import Category, Product, ProductImage, ProductVariant
from storefront.pages.models import ShopPage
from storefront.reviews.models import Review
from storefront.scenes.models import Scene, ShareLink
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST
from tests.factories import CategoryFactory, OrderFactory, ProductFactory, ProductImageFactory

from .test_cache_batch import subscribed
from .test_varnish import Front, front, varnish_server  # noqa: F401 - fixtures

User = get_user_model()

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
    value: Callable[[str], object] = field(default=str)
    host: str = ALICE_HOST
    moves: bool = False  # a change takes the row off `path` (a domain renamed)
    # `before` shows on `path` only in a `{% cache %}` fragment (shopsocial/invalidation.py):
    # after a change it must be gone, or the fragment was served stale.
    fragment: bool = False


def _profile(product):
    StorefrontProfile.objects.all().delete()  # tenant rows outlive the public flush
    return StorefrontProfile.objects.create(about="We pour every candle by hand.")


def _amber(product: Product) -> Product:
    """A second product in the same category (what a featured slot or a link moves to)."""
    return ProductFactory(
        name="Amber Candle", slug="amber-candle", sku="AMBER-1", category=product.category
    )


def _product_pk(name: str) -> int:
    return Product.objects.get(name=name).pk


def _featured(product):
    FeaturedProduct.objects.all().delete()  # tenant rows outlive the public flush
    _amber(product)
    return FeaturedProduct.objects.create(product_id=product.pk)


def _shipping_method(product):
    return ShippingMethod.objects.create(
        code="ground",
        name="Ground",
        price=Decimal("5.00"),
        free_above=Decimal("50.00"),
        delivery_estimate="5–7 business days",
    )


def _scene(product):
    today = datetime.date.today()
    return Scene.objects.create(
        retailer=Retailer.objects.get(slug="alice"),
        code="CANDE222",
        title="Candle Night",
        host_name="Dana",
        host_email="dana@example.com",
        date=today + datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=14),
    )


def _share_link(product):
    _amber(product)
    return ShareLink.objects.create(
        retailer=Retailer.objects.get(slug="alice"),
        code="SHAREK22",
        target=ShareLink.Target.PRODUCT,
        product=product,
    )


def _shop_page(product):
    ShopPage.objects.filter(slug="shipping").delete()
    return ShopPage.objects.create(
        slug="shipping", title="Shipping, our way", summary="How we ship.", body="By post."
    )


def _big_variant(product):
    """A second size at another price: the card says "From $10.00"."""
    product.option1_name = "Size"
    product.save(update_fields=["option1_name"])
    ProductVariant.objects.filter(product=product).update(option1="Small")
    return ProductVariant.objects.create(
        product=product, sku="VAN-BIG", option1="Big", price=Decimal("30.00"), stock=5
    )


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
    # The menu fragment with another category current: the name is only in the menu.
    Case(
        Category,
        lambda p: CategoryFactory(name="Bath Salts", slug="bath-salts", position=5),
        lambda p: f"/c/{p.category.slug}/",
        "name",
        "Bath Salts",
        "Mineral Soaks",
        ways=(*CHANGES, *DELETES, BULK_CREATE),
        fragment=True,
    ),
    # The product card fragment.
    Case(
        Product,
        lambda p: p,
        lambda p: f"/c/{p.category.slug}/",
        "name",
        "Vanilla Candle",
        "Amber Candle",
        ways=CHANGES,
        fragment=True,
    ),
    # A variant's price on the card ("From $…" when the variants' prices differ).
    Case(
        ProductVariant,
        _big_variant,
        lambda p: f"/c/{p.category.slug}/",
        "price",
        "From",
        "$10.00",
        ways=(SAVE, UPDATE, ADMIN_CHANGE, BULK_CREATE),
        value=lambda text: Decimal("10.00"),
        fragment=True,
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
        # The admin edits images inline on the product (ProductAdmin: the Product row).
    ),
    Case(
        StorefrontProfile,
        _profile,
        lambda p: "/",
        "about",
        "We pour every candle by hand.",
        "Small batches since 2019.",
        tenant=True,  # edited in the back office (retailers/services/storefront.py)
    ),
    Case(
        FeaturedProduct,
        _featured,
        lambda p: "/",
        "product_id",
        "Picked by",  # the retailer's choice; deleted, the home page shows bestsellers
        "Amber Candle",
        ways=(*CHANGES, *DELETES, BULK_CREATE),
        tenant=True,
        value=_product_pk,
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
        fragment=True,  # the reviews block is a fragment by product
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
        # A published version is a record: the admin shows its text read-only.
        ways=(SAVE, UPDATE, *DELETES),
    ),
    Case(
        Retailer,
        lambda p: Retailer.objects.get(slug="alice"),
        lambda p: "/",
        "display_name",
        "Welcome to Alice",
        "Candles by Alice",
        ways=CHANGES,  # retailers are suspended, never deleted (PROTECT)
        value=lambda text: text,
    ),
    Case(
        Domain,
        lambda p: Domain.objects.create(
            domain="candles.shop.test", tenant=Retailer.objects.get(slug="alice")
        ),
        lambda p: "/",
        "domain",
        "Welcome to",  # moved or deleted, the old host answers no storefront
        "soaps.shop.test",
        host="candles.shop.test",
        moves=True,
    ),
    Case(
        ShippingMethod,
        _shipping_method,
        lambda p: f"/p/{p.slug}/",
        "free_above",
        "$50.00",
        "$75.00",
        ways=(*CHANGES, *DELETES, BULK_CREATE),
        value=lambda text: Decimal(text.lstrip("$")),
    ),
    Case(
        Scene,
        _scene,
        lambda p: "/s/CANDE222/",
        "title",
        "Candle Night",
        "Wax Workshop",
    ),
    Case(
        ShareLink,
        _share_link,
        lambda p: "/l/SHAREK22/",
        "product_id",
        "Vanilla Candle",
        "Amber Candle",
        value=_product_pk,
    ),
    Case(
        ShopPage,
        _shop_page,
        lambda p: "/help/shipping/",
        "title",
        "Shipping, our way",
        "Shipping the slow way",
        ways=(*CHANGES, *DELETES, BULK_CREATE),
    ),
]


def _labels_shown_on_pages() -> set[str]:
    """Models whose writes purge pages: every rule in the map that names a key."""
    return {label for label, rule in RULES.items() if list(rule.keys(_Blank()))}


def test_every_model_that_cached_pages_read_is_in_the_matrix():
    """A model added to the invalidation map without a case here fails this test."""
    assert _labels_shown_on_pages() == {case.model._meta.label for case in CASES}


class _Blank:
    pk = category_id = product_id = tenant_id = 0
    schema_name = slug = "x"


def _admin_request():
    request = RequestFactory().post("/admin/")
    request.user = User(is_staff=True, is_superuser=True, is_active=True)
    return request


def _admin_ways(model: type[models.Model]) -> set[str]:
    """What the admin lets staff do to this model (nothing when it is not registered)."""
    if not admin.site.is_registered(model):
        return set()
    model_admin = admin.site.get_model_admin(model)
    request = _admin_request()
    ways = set()
    if model_admin.has_change_permission(request):
        ways.add(ADMIN_CHANGE)
    if model_admin.has_delete_permission(request):
        ways.add(ADMIN_BULK_DELETE)
    return ways


def _admin_change(row: models.Model, name: str, value: object) -> None:
    """What the admin's change form does on submit: its form, `save_model`, `save_related`."""
    request = _admin_request()
    model_admin = admin.site.get_model_admin(type(row))
    form_class = model_admin.get_form(request, row, change=True)
    data = {k: v for k, v in model_to_dict(row, fields=form_class.base_fields).items()}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data[name] = value
    form = form_class(data=data, files={}, instance=row)
    assert form.is_valid(), form.errors
    saved = form.save(commit=False)
    model_admin.save_model(request, saved, form, change=True)
    form.save_m2m()


def _write(case: Case, row: models.Model, way: str) -> None:
    model = type(row)
    value = case.value(case.after)
    if way == SAVE:
        setattr(row, case.field, value)
        row.save()
    elif way == UPDATE:
        model.objects.filter(pk=row.pk).update(**{case.field: value})
    elif way == ADMIN_CHANGE:
        _admin_change(row, case.field, value)
    elif way == DELETE:
        model.objects.filter(pk=row.pk).delete()
    elif way == ADMIN_BULK_DELETE:
        admin.site.get_model_admin(model).delete_queryset(
            _admin_request(), model.objects.filter(pk=row.pk)
        )
    elif way == BULK_CREATE:
        model.objects.filter(pk=row.pk).delete()
        twin = model(**{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields})
        twin.pk = None
        setattr(twin, case.field, value)
        model.objects.bulk_create([twin])


def _ways(case: Case) -> list[str]:
    """The case's ways, less the admin's where the admin does not offer them."""
    offered = _admin_ways(case.model)
    return [w for w in case.ways if w not in (ADMIN_CHANGE, ADMIN_BULK_DELETE) or w in offered]


@pytest.fixture(scope="module")
def redis_server():
    server = Redis(temp_folder("ss-freshness-redis-")).start()
    yield server
    server.stop()


@pytest.fixture(params=["memory", "redis"])
def origin_cache(request, settings):
    """The origin's shared cache: local memory (development), or production's Redis
    backend on a real redis-server, where the server also keeps the host map in the
    process's memory (shopsocial.cache.LocalMirror, subscribed before the test starts)
    and the test writes from its own thread and connection, as another process would."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
        settings.CACHES = {
            **settings.CACHES,
            "shared": {
                "BACKEND": "shopsocial.cache.FailOpenRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "shared",
            },
        }
        FailOpenRedisCache(url, {}).clear()
        subscribed(caches["shared"].mirror)
    return request.param


@pytest.mark.parametrize(
    ("case", "way"),
    [(case, way) for case in CASES for way in _ways(case)],
    ids=[f"{case.model.__name__}-{way}" for case in CASES for way in _ways(case)],
)
def test_the_next_request_after_a_write_shows_it(
    origin_cache,
    front: Front,  # noqa: F811
    alice,
    make_product,
    case,
    way,
):
    product = make_product("Vanilla Candle", price="10.00", stock=20)
    if case.tenant:
        with tenant_context(alice):
            row = case.make(product)
    else:
        row = case.make(product)
    path = case.path(product)
    front.get(case.host, path)
    cached = front.get(case.host, path)
    assert cached.cache == "HIT" and case.before in cached.text
    if origin_cache == "redis":  # the server keeps the host: the write must empty it
        assert caches["shared"].mirror.get(host_key(case.host))[0] is not None
    if case.tenant:
        with tenant_context(alice):
            _write(case, row, way)
    else:
        _write(case, row, way)
    page = front.get(case.host, path)
    if way in DELETES or case.moves:
        assert page.status in (200, 404)
        assert case.before not in page.text
    else:
        assert page.status == 200
        assert case.after in page.text
        if case.fragment:
            assert case.before not in page.text
