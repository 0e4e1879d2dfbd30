from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponsePermanentRedirect,
)
from django.templatetags.static import static
from django.utils._os import safe_join


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The site icon for clients that ask for /favicon.ico (pages link static/favicon.svg)."""
    return HttpResponsePermanentRedirect(static("favicon-32.png"))


MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def media(request: HttpRequest, path: str) -> FileResponse:
    """Uploaded images (already type-checked and re-encoded on upload), served with safe headers.

    Only image files under MEDIA_ROOT; anything else is a 404. The response can never be
    run as a page: nosniff, a sandboxing CSP and inline disposition.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise Http404("Not an image.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except SuspiciousFileOperation as exc:
        raise Http404("Not found.") from exc
    if not full_path.is_file():
        raise Http404("Not found.")
    response = FileResponse(full_path.open("rb"), content_type=MEDIA_TYPES[suffix])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=86400"
    return response
