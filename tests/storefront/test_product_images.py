"""Product images uploaded in the admin are checked and re-encoded as plain JPEGs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from storefront.forms import ProductImageForm
from storefront.models import ProductImage
from tests.uploads import product_admin_change

pytestmark = pytest.mark.django_db


def upload(fmt: str = "PNG", size=(40, 30), mode="RGBA", exif: bytes | None = None):
    buffer = io.BytesIO()
    image = Image.new(mode, size, (200, 100, 50, 128) if mode == "RGBA" else (200, 100, 50))
    image.save(buffer, format=fmt, **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(f"photo.{fmt.lower()}", buffer.getvalue())


def test_png_with_transparency_becomes_a_jpeg(make_product):
    form = ProductImageForm(
        data={"alt_text": "A candle", "position": 0}, files={"image": upload("PNG")}
    )
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["image"]
    assert cleaned.name.endswith(".jpg")
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (40, 30), "RGB")


def test_metadata_is_dropped(make_product):
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    form = ProductImageForm(
        data={"alt_text": "A candle", "position": 0},
        files={"image": upload("JPEG", mode="RGB", exif=exif.tobytes())},
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data["image"].read()
    assert b"SecretCamera" not in data


def test_big_image_is_scaled_down():
    form = ProductImageForm(
        data={"alt_text": "Big", "position": 0},
        files={"image": upload("PNG", size=(3200, 1000), mode="RGB")},
    )
    assert form.is_valid(), form.errors
    with Image.open(io.BytesIO(form.cleaned_data["image"].read())) as image:
        assert image.size == (1600, 500)


def test_not_an_image_is_refused_with_message():
    form = ProductImageForm(
        data={"alt_text": "Fake", "position": 0},
        files={"image": SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>")},
    )
    assert not form.is_valid()
    assert "image" in form.errors


def test_admin_inline_upload_stores_the_reencoded_file(
    client, company, make_product, settings, tmp_path
):
    from django.contrib.auth import get_user_model

    settings.MEDIA_ROOT = tmp_path
    candle = make_product("Upload Candle", image=False)
    user = get_user_model().objects.create_superuser("imgstaff", "i@example.com", "pw-img-123")
    client.force_login(user)
    response = product_admin_change(
        client,
        candle,
        [{"image": upload("PNG"), "alt_text": "Upload Candle on a table", "position": "0"}],
    )
    assert response.status_code == 302, response.content[:2000]
    stored = ProductImage.objects.get(product=candle)
    assert stored.alt_text == "Upload Candle on a table"
    assert stored.image.name.startswith("products/") and stored.image.name.endswith(".jpg")
    assert (tmp_path / stored.image.name).read_bytes()[:2] == b"\xff\xd8"


def test_admin_upload_of_a_phone_photo_stores_it_upright_without_gps(
    client, company, make_product, settings, tmp_path
):
    from django.contrib.auth import get_user_model

    from tests.imagefiles import assert_no_metadata, jpeg_with_gps_and_orientation

    settings.MEDIA_ROOT = tmp_path
    candle = make_product("Phone Candle", image=False)
    staff = get_user_model().objects.create_superuser("gpsstaff", "g@example.com", "pw-gps-123")
    client.force_login(staff)
    phone = SimpleUploadedFile("phone.jpg", jpeg_with_gps_and_orientation(6))
    response = product_admin_change(
        client, candle, [{"image": phone, "alt_text": "Phone Candle", "position": "0"}]
    )
    assert response.status_code == 302
    stored = (tmp_path / ProductImage.objects.get(product=candle).image.name).read_bytes()
    assert_no_metadata(stored)
    assert Image.open(io.BytesIO(stored)).size == (20, 40)
