"""Scene and share-link lookups are throttled per client address (issue 30 item 11).

Codes are short; a client walking `/s/<code>/` or `/l/<code>/` to find live parties is
stopped after SCENE_LOOKUP_RATE lookups (django-ratelimit syntax, default 60 a minute)
with a plain 429 page that is never cached. Pages served from the edge cache never
reach the app and do not count; every unknown code does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

RETRY_AFTER_SECONDS = 60


def _rate(_group: str, _request: HttpRequest) -> str:
    return settings.SCENE_LOOKUP_RATE


def scene_lookup_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_ratelimited(
            request, group="scenes:lookup", key="ip", rate=_rate, method=ALL, increment=True
        ):
            response = HttpResponse(
                render_to_string(
                    "scenes/too_many_lookups.html", {"rate": settings.SCENE_LOOKUP_RATE}
                ),
                status=429,
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            add_never_cache_headers(response)
            return response
        return view(request, *args, **kwargs)

    return wrapped
