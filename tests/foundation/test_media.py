"""Uploaded images are served with headers that stop them ever running as a page."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def stored_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = default_storage.save("products/dot.png", ContentFile(PNG))
    page = default_storage.save("products/evil.html", ContentFile(b"<script>alert(1)</script>"))
    (tmp_path.parent / "secret.png").write_bytes(PNG)
    return {"image": image, "page": page}


@pytest.mark.parametrize("host", [COMPANY_HOST, ALICE_HOST])
def test_an_uploaded_image_is_served_with_safe_headers(client, tenants, stored_files, host):
    response = client.get(f"/media/{stored_files['image']}", HTTP_HOST=host)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not response.cookies


def test_anything_but_an_image_is_not_served(client, tenants, stored_files):
    assert client.get(f"/media/{stored_files['page']}", HTTP_HOST=ALICE_HOST).status_code == 404


def test_paths_outside_the_media_folder_are_not_served(client, tenants, stored_files):
    for path in ("/media/../secret.png", "/media/%2e%2e/secret.png", "/media/products/none.png"):
        assert client.get(path, HTTP_HOST=ALICE_HOST).status_code == 404, path
