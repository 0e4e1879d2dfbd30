"""Back-office "My team": every read goes through the team selectors with request.retailer."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from retailers.decorators import backoffice_view
from shopsocial import invalidation
from storefront.cart import Cart, CartError

from . import selectors, services

# The rendered team section (templates/team/_section.html), by retailer, the member's and
# the plan's tokens, the day, the page and the generation shown.
TEAM_SECTION = "team-section"


def _int_param(request: HttpRequest, name: str, *, default: int | None, top: int) -> int | None:
    raw = request.GET.get(name, "")
    if not raw.isdigit():
        return default
    return min(max(int(raw), 1), top)


# The first pages of each view the page links to are kept (everyone, generations 1-5);
# a page or generation beyond these renders every time: the cache holds what retailers
# read, not every number one can type into the address.
CACHED_PAGES = 20
CACHED_LEVELS = 5


@backoffice_view
def team_view(request: HttpRequest) -> HttpResponse:
    page = _int_param(request, "page", default=1, top=100_000)
    level = _int_param(request, "level", default=None, top=100)
    retailer = request.retailer
    today = timezone.localdate()
    key = None
    section = None
    if page <= CACHED_PAGES and (level or 0) <= CACHED_LEVELS:
        mine, plan = invalidation.tokens(
            [invalidation.team_member_key(retailer.pk), invalidation.TEAM_ALL],
            timeout=invalidation.FRAGMENT_SECONDS,
            request=request,
        )
        key = invalidation.fragment_key(
            TEAM_SECTION, retailer.pk, mine, plan, today.isoformat(), page, level or 0
        )
        section = caches[invalidation.CACHE_ALIAS].get(key)
    if section is None:
        member = services.team_member_ensure(retailer=retailer)
        overview = selectors.team_overview_for_retailer(
            retailer=retailer, member=member, page=page, level=level, today=today
        )
        section = render_to_string(
            "team/_section.html", {"team": overview, "levels": range(1, CACHED_LEVELS + 1)}
        )
        if key is not None:
            caches[invalidation.CACHE_ALIAS].set(key, section, invalidation.FRAGMENT_SECONDS)
    return render(request, "team/my_team.html", {"team_section": mark_safe(section)})  # noqa: S308


@require_POST
def starter_kit_checkout_view(request: HttpRequest, token: str) -> HttpResponse:
    """Registration's last step: the starter kit in the company site's cart, then checkout
    (the gateway's hosted page). Only with the welcome link of a new retailer."""
    from retailers.views.registration import WELCOME_MAX_AGE, WELCOME_SALT

    try:
        signing.loads(token, salt=WELCOME_SALT, max_age=WELCOME_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("This link has expired.") from exc
    kit = selectors.starter_kit_variant()
    if kit is None:
        messages.error(request, "The starter kit is not on sale right now: please call us.")
        return redirect("retailers:registration-welcome", token)
    cart = Cart(request)
    if cart.quantity_of(kit.pk) == 0:
        try:
            cart.add(kit, 1)
        except CartError as error:
            messages.error(request, str(error))
            return redirect("retailers:registration-welcome", token)
    return redirect("orders:checkout")
