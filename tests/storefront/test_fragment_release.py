"""A release never serves an old fragment: every `{% cache %}` key ends in a digest of
what kept fragments show that a deploy can change (shopsocial.invalidation.
templates_release): the project's templates, the static files' hashed names (the
manifest) and the settings the fragments render (FRAGMENT_SETTINGS, the media storage).

The digest is computed once per process; `new_process()` stands in for the deploy's new
processes (the storages and the digest worked out again)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.functional import empty

from shopsocial import invalidation
from tests.conftest import ALICE_HOST
from tests.factories import ProductFactory
from tests.storefront.test_variants import soy_candle

pytestmark = pytest.mark.django_db

STATIC_SOURCE = Path(__file__).resolve().parents[2] / "static"
MANIFEST_STORAGE = "shopsocial.storage.StaticFilesStorage"  # production's (settings/base.py)
RELEASE = invalidation.templates_release  # the cached function, even while a test patches it


def new_process() -> None:
    """What a deploy's new process starts with: storages and release worked out anew."""
    staticfiles_storage._wrapped = empty
    default_storage._wrapped = empty
    RELEASE.cache_clear()


@pytest.fixture(autouse=True)
def _release_recomputed():
    """No test leaves a release computed under its own settings to the next test."""
    new_process()
    yield
    new_process()


def collected(root: Path, tag: str, **changed: str) -> Path:
    """A STATIC_ROOT as collectstatic leaves it: staticfiles.json naming each file of
    static/ with a content hash (`tag`, or `changed[name]` for a changed file)."""
    paths = {}
    for path in sorted(STATIC_SOURCE.rglob("*")):
        if path.is_file():
            name = path.relative_to(STATIC_SOURCE).as_posix()
            stem, dot, extension = name.rpartition(".")
            paths[name] = f"{stem}.{changed.get(name, tag)}.{extension}"
    root.mkdir(parents=True)
    (root / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    return root


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """Production's static storage, reading the manifest of release "one"."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.DEBUG = False
    settings.STATIC_ROOT = collected(tmp_path / "one", "aaaa1111")
    new_process()
    return tmp_path


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


def test_the_same_release_in_every_new_process():
    first = invalidation.templates_release()
    new_process()
    assert invalidation.templates_release() == first


def test_a_changed_static_file_is_a_new_release(settings, manifest_storage):
    first = invalidation.templates_release()
    new_process()
    assert invalidation.templates_release() == first  # the same manifest again
    # The next release changed js/variants.js only: one new hashed name in its manifest.
    settings.STATIC_ROOT = collected(
        manifest_storage / "two", "aaaa1111", **{"js/variants.js": "bbbb2222"}
    )
    new_process()
    assert staticfiles_storage.url("js/variants.js").endswith("/js/variants.bbbb2222.js")
    assert invalidation.templates_release() != first


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COMPANY", {"phone": "800-555-0199"}),  # one field of the dict
        ("AUTOSHIP_DISCOUNT_PERCENT", Decimal("15")),
        ("MEDIA_URL", "https://media.example.net/"),
        ("STATIC_URL", "https://static.example.net/"),
        ("SHOP_DOMAIN", "shop.example.net"),
    ],
)
def test_a_changed_setting_that_fragments_show_is_a_new_release(settings, name, value):
    first = invalidation.templates_release()
    if isinstance(value, dict):
        value = {**getattr(settings, name), **value}
    setattr(settings, name, value)
    new_process()
    assert invalidation.templates_release() != first


def test_the_media_storage_url_is_part_of_the_release_and_its_credentials_are_not(settings):
    """An S3 bucket's public domain (STORAGES["default"], settings/base.py) makes its URLs."""
    from shopsocial.storage_settings import s3_storages

    def media(public_url: str, secret_key: str) -> dict:
        return s3_storages(
            bucket="media",
            private_bucket="private",
            public_url=public_url,
            access_key="id",
            secret_key=secret_key,
        ).storages["default"]

    settings.STORAGES = {**settings.STORAGES, "default": media("https://cdn-a.example", "one")}
    new_process()
    first = invalidation.templates_release()
    settings.STORAGES = {**settings.STORAGES, "default": media("https://cdn-a.example", "two")}
    new_process()
    assert invalidation.templates_release() == first  # a rotated key changes no URL
    settings.STORAGES = {**settings.STORAGES, "default": media("https://cdn-b.example", "two")}
    new_process()
    assert invalidation.templates_release() != first


def _variants_js(settings, tmp_path):
    settings.STATIC_ROOT = collected(tmp_path / "two", "aaaa1111", **{"js/variants.js": "bbbb2222"})
    return "js/variants.aaaa1111.js", "js/variants.bbbb2222.js"


def _company_phone(settings, tmp_path):
    settings.COMPANY = {**settings.COMPANY, "phone": "800-555-0199"}
    return "800-492-4995", "800-555-0199"


def _media_url(settings, tmp_path):
    settings.MEDIA_URL = "https://media.example.net/"
    return 'href="/media/products/', 'href="https://media.example.net/products/'


@pytest.mark.parametrize("deploy", [_variants_js, _company_phone, _media_url])
def test_a_product_page_kept_under_one_release_shows_the_next_ones_values(
    client, alice, category, settings, manifest_storage, deploy
):
    """The kept parts of a product page (its "info" and "gallery" fragments, the footer)
    rendered under one release; a deploy changes a script, the company's phone or the
    media domain; the next page shows the new value and never the old one."""
    candle = soy_candle(category)
    page = client.get(candle.get_absolute_url(), HTTP_HOST=ALICE_HOST).text
    old, new = deploy(settings, manifest_storage)
    assert old in page and new not in page
    kept = caches[invalidation.CACHE_ALIAS].get_many(
        [
            *invalidation.product_fragment_keys(candle.pk),
            *invalidation.frame_fragment_keys(home_url_name="storefront:home", url_name=None),
        ]
    )
    assert any(old in str(fragment) for fragment in kept.values())  # kept, with the old value
    new_process()
    page = client.get(candle.get_absolute_url(), HTTP_HOST=ALICE_HOST).text
    assert new in page and old not in page
