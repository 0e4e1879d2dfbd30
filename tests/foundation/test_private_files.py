"""Private files are never public files.

Everything staff upload that is not a public catalog or storefront image lives in the
"private" store, outside MEDIA_ROOT and /media/, and leaves it only through the
permission-checked, logged download view.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django_tenants.utils import tenant_context

from privacy.models import BreachIncident
from shopsocial.storage import PRIVATE_FILES_URL, private_storage
from storefront.content.models import StorefrontProfile
from storefront.content.services import storefront_update
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import BreachIncidentFactory, ProductFactory
from tests.uploads import breach_incident_admin_add, image_upload, product_image_form_save

pytestmark = pytest.mark.django_db

ADDRESSES = b"email\nann.private@example.com\nbob.private@example.com\n"
# The only uploads that may be public: catalog and storefront images.
PUBLIC_FILE_FIELDS = {
    ("storefront", "ProductImage", "image"),
    ("storefront_content", "StorefrontProfile", "photo"),
}


@pytest.fixture(autouse=True)
def _roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def png():
    return image_upload("PNG", size=(20, 20), colour=(10, 120, 200))


def breach_incident_upload(admin_client) -> BreachIncident:
    upload = SimpleUploadedFile("jane-doe-customers.csv", ADDRESSES)
    response = breach_incident_admin_add(admin_client, email_list=upload)
    assert response.status_code == 302, response.content[:500]
    return BreachIncident.objects.get()


@pytest.fixture
def uploads(admin_client, alice, tmp_path) -> dict[str, str]:
    """One upload of each kind, each through the path staff or retailers use."""
    incident = breach_incident_upload(admin_client)
    product = ProductFactory(sku="CAN-1", name="Candle", slug="candle", price=Decimal("5.00"))
    image = product_image_form_save(product, png())
    actor = get_user_model().objects.get(username="admin")
    storefront_update(
        retailer=alice, actor=actor, display_name="Alice", about="", photo=png(), photo_alt="A"
    )
    with tenant_context(alice):
        photo = StorefrontProfile.objects.get().photo.name
    return {"breach_list": incident.email_list.name, "product": image.image.name, "photo": photo}


def test_a_breach_list_is_stored_privately_under_a_random_name(uploads, _roots):
    name = uploads["breach_list"]
    assert name.startswith("breach-lists/") and name.endswith(".csv")
    assert "jane" not in name  # the uploader's file name is not kept
    assert (_roots / "private" / name).read_bytes() == ADDRESSES
    assert not (_roots / "media" / name).exists()
    assert not default_storage.exists(name)
    stored_media = [p for p in (_roots / "media").rglob("*") if p.is_file()]
    assert all(p.suffix == ".jpg" or p.suffix == ".webp" for p in stored_media)


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_every_stored_private_path_is_a_404_for_anonymous_visitors(client, uploads, host):
    name = uploads["breach_list"]
    for path in (
        f"/media/{name}",
        f"/{name}",
        f"/media/../private/{name}",
        f"/media/%2e%2e/private/{name}",
        f"/private/{name}",
    ):
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 404, path
        assert b"private@example.com" not in response.content
    # The download view itself: only the admin's sign-in page, never the file.
    response = client.get(PRIVATE_FILES_URL + name, HTTP_HOST=host)
    assert response.status_code == (302 if host == COMPANY_HOST else 404)
    assert b"private@example.com" not in b"".join(getattr(response, "streaming_content", []))
    # Public images are reachable the same way, so the 404s above are real refusals.
    for public in (uploads["product"], uploads["photo"]):
        assert client.get(f"/media/{public}", HTTP_HOST=host).status_code == 200


def test_every_file_field_outside_the_public_images_uses_the_private_store():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            key = (model._meta.app_label, model.__name__, field.name)
            if key in PUBLIC_FILE_FIELDS:
                continue
            assert field.storage is private_storage, key


def test_the_admin_links_the_list_through_the_download_view(admin_client, uploads):
    incident = BreachIncident.objects.get()
    page = admin_client.get(
        f"/admin/privacy/breachincident/{incident.pk}/change/", HTTP_HOST=COMPANY_HOST
    )
    assert f'href="{PRIVATE_FILES_URL}{uploads["breach_list"]}"' in page.text
    assert f"/media/{uploads['breach_list']}" not in page.text


def staff_user(*permissions: str):
    user = get_user_model().objects.create_user("compliance", "c@example.com", "pw", is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_staff_with_the_permission_downloads_the_list_and_it_is_logged(client, uploads, caplog):
    client.force_login(staff_user("view_breachincident"))
    name = uploads["breach_list"]
    with caplog.at_level(logging.INFO, logger="shopsocial.private_files"):
        response = client.get(PRIVATE_FILES_URL + name, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ADDRESSES
    assert response["Content-Disposition"].startswith("attachment;")
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Content-Type-Options"] == "nosniff"
    [record] = [r for r in caplog.records if r.name == "shopsocial.private_files"]
    line = record.getMessage()
    assert "private file downloaded: kind=breach-lists" in line
    assert "user_id=" in line
    assert "example.com" not in line and "compliance" not in line  # no personal data


def test_staff_without_the_permission_is_refused_and_it_is_logged(client, uploads, caplog):
    client.force_login(staff_user())
    with caplog.at_level(logging.INFO, logger="shopsocial.private_files"):
        response = client.get(PRIVATE_FILES_URL + uploads["breach_list"], HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 403
    assert b"private@example.com" not in response.content
    ours = [r.getMessage() for r in caplog.records if r.name == "shopsocial.private_files"]
    assert [line.split(":")[0] for line in ours] == ["private file download refused"]


def test_a_signed_in_shopper_is_sent_to_the_admin_sign_in(client, uploads):
    shopper = get_user_model().objects.create_user("shopper@example.com", "s@example.com", "pw")
    client.force_login(shopper)
    response = client.get(PRIVATE_FILES_URL + uploads["breach_list"], HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "path",
    [
        "breach-lists/missing.csv",
        "unknown-kind/x.csv",
        "breach-lists/../../media/x.jpg",
        "breach-lists/%2e%2e/%2e%2e/etc/passwd",
        "breach-lists/a%00.csv",
        "breach-lists/" + "a" * 5000 + ".csv",
        "breach-lists/sub/dir.csv",
    ],
)
def test_unknown_kinds_missing_files_and_traversal_are_404(admin_client, uploads, path):
    response = admin_client.get(PRIVATE_FILES_URL + path, HTTP_HOST=COMPANY_HOST)
    # A NUL never reaches the view: shopsocial.middleware.RequestSanityMiddleware answers 400.
    assert response.status_code == (400 if "%00" in path else 404)


def test_lists_uploaded_before_are_moved_out_of_the_public_store(settings, _roots):
    from importlib import import_module

    move = import_module(
        "privacy.migrations.0004_breach_list_private_storage"
    ).breach_lists_move_to_private_storage
    old = default_storage.save("breach-lists/jane-doe.csv", ContentFile(ADDRESSES))
    incident = BreachIncidentFactory(
        discovered_at="2026-11-01T10:00:00Z", scope="email_list", email_list=old
    )
    move(apps, None)
    incident.refresh_from_db()
    assert incident.email_list.name.startswith("breach-lists/")
    assert "jane" not in incident.email_list.name
    assert not default_storage.exists(old)
    assert private_storage.open(incident.email_list.name).read() == ADDRESSES


def test_a_private_folder_inside_media_root_fails_the_system_check(settings, _roots):
    from shopsocial.storage import private_storage_is_not_public

    assert private_storage_is_not_public() == []
    settings.PRIVATE_MEDIA_ROOT = _roots / "media" / "private"
    assert [e.id for e in private_storage_is_not_public()] == ["shopsocial.E021"]


def test_check_deploy_warns_while_uploads_are_on_local_disk(settings):
    from shopsocial.storage import media_on_object_storage

    assert [w.id for w in media_on_object_storage()] == ["shopsocial.W022"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert media_on_object_storage() == []
