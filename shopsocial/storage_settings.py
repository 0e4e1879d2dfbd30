"""STORAGES for S3-compatible object storage, built from plain values (no side effects).

Used by the settings when MEDIA_S3_BUCKET is set, and by the tests that run the S3 path
against a real S3-compatible server.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class S3Media:
    storages: dict[str, dict]
    media_url: str  # public base URL of the media bucket, ending in "/"
    origin: str  # scheme://host[:port] for the CSP's img-src


def s3_storages(
    *,
    bucket: str,
    private_bucket: str,
    public_url: str = "",
    endpoint_url: str = "",
    region: str = "us-east-1",
    access_key: str = "",
    secret_key: str = "",
) -> S3Media:
    """Public images in `bucket` (plain URLs, no signing); private files in `private_bucket`.

    The private bucket must be another bucket: its objects are never given a public ACL
    and never a URL of their own (downloads go through the permission-checked view).
    """
    if not private_bucket or private_bucket == bucket:
        raise ValueError("MEDIA_S3_PRIVATE_BUCKET must name a separate, private bucket.")
    if not public_url:
        public_url = (
            f"{endpoint_url.rstrip('/')}/{bucket}"
            if endpoint_url
            else f"https://{bucket}.s3.amazonaws.com"
        )
    public = urlsplit(public_url.rstrip("/"))
    connection = {
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "signature_version": "s3v4",
        "addressing_style": "path" if endpoint_url else None,
        "file_overwrite": False,  # uploads are uuid-named; never replace an object
    }
    return S3Media(
        storages={
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    **connection,
                    "bucket_name": bucket,
                    "querystring_auth": False,
                    "custom_domain": f"{public.netloc}{public.path}",
                    "url_protocol": f"{public.scheme}:",
                    "object_parameters": {"CacheControl": "public, max-age=86400"},
                },
            },
            "private": {
                "BACKEND": "shopsocial.storage.PrivateS3Storage",
                "OPTIONS": {
                    **connection,
                    "bucket_name": private_bucket,
                    "default_acl": "private",
                    "querystring_auth": True,
                    "object_parameters": {"CacheControl": "private, no-store"},
                },
            },
        },
        media_url=f"{public.scheme}://{public.netloc}{public.path}/",
        origin=f"{public.scheme}://{public.netloc}",
    )
