"""The guard every back-office view goes through: `backoffice_view` lets only the retailer
signed in on this session through (idle timeout included) and sets `request.retailer`.

A decorator of the retailers app, imported by every back-office view (the sub-apps' too),
so no view module imports another app's views."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import Retailer
from .selectors import retailer_for_user

SESSION_RETAILER = "backoffice_retailer_id"
SESSION_SEEN = "backoffice_seen_at"
# The last-seen time is written at most once a minute: every page view writing the
# session row cost a query per request; the idle timeout (BACKOFFICE_IDLE_SECONDS,
# minutes) is kept to within this.
SEEN_PRECISION_SECONDS = 60
SIGNIN_URL = "retailers:backoffice-signin"  # a URL name: redirect() and reverse() take it
DASHBOARD_URL = "retailers:backoffice-dashboard"


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def backoffice_retailer(request: HttpRequest) -> Retailer | None:
    """The retailer signed in to the back office on this session, or None (signs out stale ones)."""
    user = request.user
    if not user.is_authenticated or SESSION_RETAILER not in request.session:
        return None
    retailer = retailer_for_user(user)
    now = int(time.time())
    seen = request.session.get(SESSION_SEEN, 0)
    if (
        retailer is None
        or retailer.pk != request.session.get(SESSION_RETAILER)
        or not retailer.is_active
        or now - seen > settings.BACKOFFICE_IDLE_SECONDS
    ):
        expired = retailer is not None and now - seen > settings.BACKOFFICE_IDLE_SECONDS
        logout(request)
        if expired:
            messages.info(request, "You were signed out after a period of inactivity.")
        return None
    if now - seen >= SEEN_PRECISION_SECONDS:
        request.session[SESSION_SEEN] = now
    return retailer


def backoffice_view(view: Callable) -> Callable:
    """Only for a signed-in retailer; sets request.retailer; responses are never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        retailer = backoffice_retailer(request)
        if retailer is None:
            return redirect(f"{reverse(SIGNIN_URL)}?next={quote(request.get_full_path())}")
        request.retailer = retailer
        return no_store(view(request, *args, **kwargs))

    return wrapper
