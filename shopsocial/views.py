from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.utils._os import safe_join
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and (when configured) broker reachability, for load balancers and compose."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            from shopsocial.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "error"
    else:
        checks["broker"] = "eager"
    healthy = all(v in ("ok", "eager") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


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
