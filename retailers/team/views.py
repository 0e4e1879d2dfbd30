"""Back-office "My team": every read goes through the team selectors with request.retailer."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from retailers.decorators import backoffice_view
from storefront.cart import Cart, CartError

from . import selectors, services


def _int_param(request: HttpRequest, name: str, *, default: int | None, top: int) -> int | None:
    raw = request.GET.get(name, "")
    if not raw.isdigit():
        return default
    return min(max(int(raw), 1), top)


@backoffice_view
def team_view(request: HttpRequest) -> HttpResponse:
    member = services.team_member_ensure(retailer=request.retailer)
    overview = selectors.team_overview_for_retailer(
        retailer=request.retailer,
        member=member,
        page=_int_param(request, "page", default=1, top=100_000),
        level=_int_param(request, "level", default=None, top=100),
    )
    return render(request, "team/my_team.html", {"team": overview, "levels": range(1, 6)})


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
