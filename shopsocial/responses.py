"""Response helpers shared by the apps."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def private_response(response: HttpResponse) -> HttpResponse:
    """Pages reached through a secret link or about one person: never cached, never
    leaked by Referer, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
