"""Product galleries: several ordered pictures with alt text, renditions made once at upload
(WebP + JPEG widths for srcset, a cart thumbnail), a self-hosted lightbox."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from shopsocial.images import PRODUCT_RENDITION_WIDTHS
from storefront.forms import ProductImageForm
from storefront.models import ProductImage
from storefront.services import product_image_store
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.storefront.conftest import caches_clear
from tests.uploads import image_upload, product_admin_change

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(size=(1200, 900), colour=(180, 90, 40)):
    return image_upload("JPEG", size=size, colour=colour)


@pytest.fixture
def staff_client(client, company):
    user = get_user_model().objects.create_superuser("gallery", "g@example.com", "pw-gal-123")
    client.force_login(user)
    return client


def test_staff_upload_several_ordered_images_and_renditions_are_made_once(
    staff_client, make_product, _media
):
    lamp = make_product("Gallery Lamp", image=False)
    response = product_admin_change(
        staff_client,
        lamp,
        [
            {"image": jpeg(), "alt_text": "The lamp lit", "position": "2"},
            {"image": jpeg((800, 800)), "alt_text": "The lamp from above", "position": "1"},
        ],
    )
    assert response.status_code == 302, response.content[:2000]
    first, second = lamp.images.all()
    assert [first.alt_text, second.alt_text] == ["The lamp from above", "The lamp lit"]
    assert (second.width, second.height) == (1200, 900)
    assert second.renditions == [160, 320, 640, 1024, 1200]
    assert first.renditions == [160, 320, 640, 800]
    stem = second.image.name.removesuffix(".jpg")
    for width in second.renditions:
        for extension, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            with Image.open(_media / f"{stem}-{width}w.{extension}") as rendition:
                assert (rendition.format, rendition.width) == (fmt, width)
    files = sorted(p.name for p in (_media / "products").iterdir())
    assert len(files) == 2 + 2 * (5 + 4)  # the two images, each width in WebP and JPEG


def test_alt_text_is_required_by_the_form_and_by_the_database(make_product):
    lamp = make_product("Alt Lamp", image=False)
    form = ProductImageForm(
        data={"alt_text": "   ", "position": 0},
        files={"image": jpeg()},
        instance=ProductImage(product=lamp),
    )
    assert not form.is_valid()
    assert "alt_text" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductImage.objects.create(product=lamp, image="products/x.jpg", alt_text="")


def test_product_page_shows_webp_and_jpeg_srcsets_thumbnails_and_the_lightbox_script(
    client, alice, make_product
):
    lamp = make_product("Picture Lamp", image=False)
    main = product_image_store(product=lamp, upload=jpeg(), alt_text="The lamp lit", position=0)
    product_image_store(product=lamp, upload=jpeg((600, 600)), alt_text="Its shade", position=1)
    page = client.get(lamp.get_absolute_url(), HTTP_HOST=ALICE_HOST).text

    stem = "/media/" + main.image.name.removesuffix(".jpg")
    webp = ", ".join(f"{stem}-{w}w.webp {w}w" for w in [160, 320, 640, 1024, 1200])
    assert f'<source type="image/webp" srcset="{webp}"' in page
    assert f'srcset="{stem}-160w.jpg 160w, {stem}-320w.jpg 320w' in page
    assert f'<a class="gallery-main" href="/media/{main.image.name}" data-gallery-main>' in page
    assert 'alt="The lamp lit" width="1200" height="900"' in page
    assert page.count("data-gallery-thumb") == 2
    assert 'alt="Its shade"' in page
    # Self-hosted script and style only; no inline script anywhere on the page.
    assert '<script src="/static/js/gallery.js" defer></script>' in page
    assert '<link rel="stylesheet" href="/static/css/gallery.css">' in page
    assert re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", page) == []


def test_a_single_picture_has_no_thumbnail_strip_and_rows_without_renditions_still_show(
    client, alice, make_product
):
    candle = make_product("Plain Candle")  # a fixture row: no renditions, no file
    page = client.get(candle.get_absolute_url(), HTTP_HOST=ALICE_HOST).text
    image = candle.images.get()
    assert f'<img src="/media/{image.image.name}" alt="Photo of Plain Candle"' in page
    assert "<source" not in page
    assert "gallery-thumbs" not in page


def test_cart_lines_show_a_thumbnail(client, alice, make_product):
    lamp = make_product("Cart Lamp", image=False)
    image = product_image_store(product=lamp, upload=jpeg(), alt_text="The lamp", position=0)
    candle = make_product("Cart Candle")  # no renditions: the image itself
    for product in (lamp, candle):
        client.post("/cart/add/", {"product_id": product.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST)
    page = client.get("/cart/", HTTP_HOST=ALICE_HOST).text
    stem = "/media/" + image.image.name.removesuffix(".jpg")
    assert f'<source type="image/webp" srcset="{stem}-160w.webp">' in page
    assert f'<img src="{stem}-160w.jpg" alt="" width="64" height="64"' in page
    assert f'<img src="/media/{candle.images.get().image.name}" alt="" width="64"' in page


@pytest.mark.parametrize("path", ["/p/{slug}/", "/cart/", "/c/candles/", "/"])
def test_query_count_does_not_grow_with_pictures_per_product(client, alice, make_product, path):
    def count(images_per_product: int) -> int:
        caches_clear()
        client.get("/privacy/", HTTP_HOST=ALICE_HOST)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path.format(slug=lamp.slug), HTTP_HOST=ALICE_HOST)
        assert response.status_code == 200
        return len(captured)

    lamp = make_product("Counted Lamp", image=False)
    other = make_product("Counted Candle", image=False)
    for product in (lamp, other):
        ProductImage.objects.create(
            product=product, image="products/a.jpg", alt_text="a", renditions=[160, 320]
        )
        client.post("/cart/add/", {"product_id": product.pk, "quantity": 1}, HTTP_HOST=ALICE_HOST)
    one = count(1)
    for product in (lamp, other):
        ProductImage.objects.bulk_create(
            ProductImage(
                product=product,
                image=f"products/{i}.jpg",
                alt_text=f"{i}",
                position=i,
                renditions=list(PRODUCT_RENDITION_WIDTHS),
            )
            for i in range(1, 6)
        )
    assert count(6) == one


def stored_files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_replacing_or_removing_a_picture_deletes_its_files_after_commit(
    staff_client, make_product, _media, django_capture_on_commit_callbacks
):
    lamp = make_product("Tidy Lamp", image=False)
    old = product_image_store(product=lamp, upload=jpeg((400, 300)), alt_text="Old", position=0)
    old_files = stored_files(_media)
    assert len(old_files) == 1 + 2 * 3  # 160, 320, 400 in WebP and JPEG

    def change(fields: dict) -> None:
        row = {"id": str(old.pk), "product": str(lamp.pk), "alt_text": "Lamp", "position": "0"}
        with django_capture_on_commit_callbacks(execute=True):
            response = product_admin_change(staff_client, lamp, [row | fields], existing=1)
        assert response.status_code == 302, response.content[:3000]

    change({"image": jpeg((500, 500))})
    new = ProductImage.objects.get(pk=old.pk)
    assert new.image.name != old.image.name
    after_replace = stored_files(_media)
    assert not old_files & after_replace  # old picture and renditions gone
    assert len(after_replace) == 1 + 2 * 3 and new.image.name in after_replace

    change({"DELETE": "on"})
    assert not ProductImage.objects.filter(product=lamp).exists()
    assert stored_files(_media) == set()


def test_a_file_another_row_still_names_is_kept(
    make_product, _media, django_capture_on_commit_callbacks
):
    from storefront.services import product_image_files_delete

    lamp = make_product("Shared Lamp", image=False)
    image = product_image_store(product=lamp, upload=jpeg((200, 200)), alt_text="A", position=0)
    ProductImage.objects.create(product=lamp, image=image.image.name, alt_text="B")
    before = stored_files(_media)
    with django_capture_on_commit_callbacks(execute=True):
        product_image_files_delete(name=image.image.name, renditions=image.renditions)
    assert stored_files(_media) == before


def test_the_admin_inline_previews_each_picture(staff_client, make_product):
    lamp = make_product("Preview Lamp", image=False)
    image = product_image_store(product=lamp, upload=jpeg((300, 300)), alt_text="A", position=0)
    page = staff_client.get(
        f"/admin/storefront/product/{lamp.pk}/change/", HTTP_HOST=COMPANY_HOST
    ).text
    assert f'<img src="{image.thumbnail_url}" alt="" width="80" height="80"' in page
