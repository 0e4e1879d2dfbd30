"""The object-storage path, against a real S3-compatible server (moto in server mode).

The server runs as its own process on a loopback port; the app talks to it over HTTP
through django-storages and boto3, exactly as it talks to MinIO or S3 in production.
Nothing in boto is patched.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from privacy.models import BreachIncident
from shopsocial.storage import PRIVATE_FILES_URL, PrivateS3Storage, private_storage
from shopsocial.storage_settings import s3_storages
from storefront.content.models import StorefrontProfile
from storefront.content.services import storefront_update
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import ProductFactory
from tests.uploads import breach_incident_admin_add, image_upload, product_image_form_save

ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "test-access-key", "test-secret-key"
ADDRESSES = b"ann.s3@example.com\nbob.s3@example.com\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("the S3-compatible test server did not start")
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


@pytest.fixture
def s3(settings, s3_endpoint):
    """Both stores on the S3 server, in fresh buckets for each test."""
    suffix = os.urandom(4).hex()
    public, private = f"media-{suffix}", f"private-{suffix}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    # As compose's minio-setup does: anyone may read images; the private bucket has no policy.
    client.put_bucket_policy(Bucket=public, Policy=json.dumps(public_read_policy(public)))
    media = s3_storages(
        bucket=public,
        private_bucket=private,
        endpoint_url=s3_endpoint,
        access_key=KEY,
        secret_key=SECRET,
    )
    settings.STORAGES = {**media.storages, "staticfiles": settings.STORAGES["staticfiles"]}
    settings.MEDIA_URL = media.media_url

    def keys(bucket: str) -> set[str]:
        listing = client.list_objects_v2(Bucket=bucket)
        return {item["Key"] for item in listing.get("Contents", [])}

    return {"client": client, "public": public, "private": private, "keys": keys}


def png():
    return image_upload("PNG", size=(50, 40), colour=(10, 120, 200))


@pytest.mark.django_db
def test_product_images_go_to_the_public_bucket_and_pages_link_the_bucket(
    s3, s3_endpoint, client, alice
):
    product = ProductFactory(
        sku="S3-1", name="Bucket Candle", slug="bucket-candle", price=Decimal("5.00"), stock=3
    )
    image = product_image_form_save(product, png())
    assert image.image.name in s3["keys"](s3["public"])
    assert s3["keys"](s3["private"]) == set()

    url = f"{s3_endpoint}/{s3['public']}/{image.image.name}"
    assert image.image.url == url  # a plain URL: no signature, no expiry
    page = client.get("/p/bucket-candle/", HTTP_HOST=ALICE_HOST)
    assert f'src="{url}"' in page.text
    with urllib.request.urlopen(url, timeout=5) as response:  # what a browser fetches
        assert response.read()[:2] == b"\xff\xd8"


@pytest.mark.django_db
def test_the_storefront_photo_goes_to_the_public_bucket(s3, alice):
    actor = get_user_model().objects.create_user("s3actor", "a@example.com", "pw")
    storefront_update(
        retailer=alice, actor=actor, display_name="Alice", about="", photo=png(), photo_alt="A"
    )
    with tenant_context(alice):
        name = StorefrontProfile.objects.get().photo.name
    assert name in s3["keys"](s3["public"])


@pytest.mark.django_db
def test_breach_lists_go_to_the_private_bucket_and_out_only_through_the_view(
    s3, s3_endpoint, admin_client, client, company
):
    upload = SimpleUploadedFile("list.csv", ADDRESSES)
    response = breach_incident_admin_add(admin_client, email_list=upload)
    assert response.status_code == 302
    name = BreachIncident.objects.get().email_list.name
    assert isinstance(private_storage._wrapped, PrivateS3Storage)
    assert s3["keys"](s3["private"]) == {name}
    assert name not in s3["keys"](s3["public"])
    assert BreachIncident.objects.get().email_list.url == PRIVATE_FILES_URL + name
    for bucket in (s3["private"], s3["public"]):  # anonymous, straight at the server
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{s3_endpoint}/{bucket}/{name}", timeout=5)
        assert refused.value.code in (403, 404)

    staff = get_user_model().objects.create_user("s3staff", "s@example.com", "pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_breachincident"))
    client.force_login(staff)
    download = client.get(PRIVATE_FILES_URL + name, HTTP_HOST=COMPANY_HOST)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ADDRESSES
    client.logout()
    assert client.get(PRIVATE_FILES_URL + name, HTTP_HOST=COMPANY_HOST).status_code == 302


def _settings_in_a_fresh_process(env: dict[str, str]) -> dict:
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'storages': s.STORAGES, 'media_url': s.MEDIA_URL, "
        "'img_src': [str(v) for v in s.SECURE_CSP['img-src']]}))"
    )
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "shopsocial.settings.production",
        "SECRET_KEY": "x",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24=",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
        # Production refuses to start without these (shopsocial/guards.py); nothing
        # here connects to them.
        "STRIPE_SECRET_KEY": "sk_test_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=base | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {"returncode": result.returncode, "stderr": result.stderr} | (
        json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {}
    )


def test_production_settings_read_the_buckets_from_the_environment():
    loaded = _settings_in_a_fresh_process(
        {
            "MEDIA_S3_BUCKET": "shop-media",
            "MEDIA_S3_PRIVATE_BUCKET": "shop-private",
            "MEDIA_S3_ENDPOINT_URL": "http://minio:9000",
            "MEDIA_S3_PUBLIC_URL": "https://media.example.com/shop-media",
            "MEDIA_S3_ACCESS_KEY_ID": "ak",
            "MEDIA_S3_SECRET_ACCESS_KEY": "sk",
        }
    )
    assert loaded["returncode"] == 0, loaded["stderr"]
    public, private = loaded["storages"]["default"], loaded["storages"]["private"]
    assert public["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == "shop-media"
    assert public["OPTIONS"]["custom_domain"] == "media.example.com/shop-media"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["BACKEND"] == "shopsocial.storage.PrivateS3Storage"
    assert private["OPTIONS"]["bucket_name"] == "shop-private"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert loaded["media_url"] == "https://media.example.com/shop-media/"
    assert loaded["img_src"] == ["'self'", "https://media.example.com"]


def test_production_refuses_a_bucket_without_a_separate_private_bucket():
    for private in ("", "shop-media"):
        loaded = _settings_in_a_fresh_process(
            {"MEDIA_S3_BUCKET": "shop-media", "MEDIA_S3_PRIVATE_BUCKET": private}
        )
        assert loaded["returncode"] != 0
        assert "MEDIA_S3_PRIVATE_BUCKET must name a separate, private bucket" in loaded["stderr"]


def test_without_a_bucket_both_stores_are_local_folders():
    loaded = _settings_in_a_fresh_process({})
    assert loaded["returncode"] == 0, loaded["stderr"]
    assert loaded["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert loaded["storages"]["private"]["BACKEND"] == "shopsocial.storage.PrivateFileSystemStorage"
    assert loaded["media_url"] == "/media/"
    assert loaded["img_src"] == ["'self'"]
