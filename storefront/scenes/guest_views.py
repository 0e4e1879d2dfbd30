"""Party guest pages: RSVP and "don't contact me" on the storefront (no account), adding
guests from the back office. A GET never changes anything (mail scanners follow links);
the one-click opt-out POST (RFC 8058) carries its proof in the URL, so it is CSRF-exempt.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from retailers.decorators import backoffice_view
from storefront.forms import first_error

from . import selectors
from .forms import HostHalfPriceForm, SceneGuestForm, SceneGuestOrderForm
from .guest_orders import (
    host_half_price_allowance,
    host_half_price_order_create,
    scene_guest_order_create,
)
from .guest_services import (
    guest_from_token,
    scene_guest_add,
    scene_guest_opt_out,
    scene_guest_rsvp,
)
from .models import SceneGuest
from .services import SceneError


def _guest(request: HttpRequest, code: str, token: str) -> SceneGuest:
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    guest = guest_from_token(scene=scene, token=token) if scene is not None else None
    if guest is None:
        raise Http404("No such invitation.")
    return guest


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_rsvp(request: HttpRequest, code: str, token: str) -> HttpResponse:
    guest = _guest(request, code, token)
    error = ""
    if request.method == "POST":
        try:
            guest = scene_guest_rsvp(guest=guest, answer=str(request.POST.get("answer", "")))
        except SceneError as exc:
            error = str(exc)
    return render(
        request,
        "scenes/rsvp.html",
        {
            "guest": guest,
            "scene": guest.scene,
            "error": error,
            "answered": request.method == "POST" and not error,
        },
        status=400 if error else 200,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_opt_out(request: HttpRequest, code: str, token: str) -> HttpResponse:
    guest = _guest(request, code, token)
    done = False
    if request.method == "POST":
        scene_guest_opt_out(guest=guest)
        done = True
    return render(request, "scenes/no_parties.html", {"scene": guest.scene, "done": done})


@backoffice_view
@require_POST
def scene_guest_add_view(request: HttpRequest, scene_id: int) -> HttpResponse:
    scene = selectors.scene_get_for_retailer(retailer=request.retailer, scene_id=scene_id)
    _guest_add_from_post(request, scene=scene, added_by=SceneGuest.AddedBy.RETAILER)
    return redirect("retailers:backoffice-scene", scene_id=scene.pk)


def _guest_add_from_post(request: HttpRequest, *, scene, added_by: str) -> None:
    """Add the posted guest to the scene; the outcome is told in a message."""
    form = SceneGuestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the guest's name and a valid email address.")
        return
    try:
        guest = scene_guest_add(
            scene=scene,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            added_by=added_by,
        )
    except SceneError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{guest.first_name} was added and invited.")


@backoffice_view
@require_POST
def scene_guest_order_view(request: HttpRequest, scene_id: int) -> HttpResponse:
    """The retailer enters a guest's order; the guest is emailed the payment link."""
    scene = selectors.scene_get_for_retailer(retailer=request.retailer, scene_id=scene_id)
    form = SceneGuestOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the guest's order: " + first_error(form))
        return redirect("retailers:backoffice-scene", scene_id=scene.pk)
    try:
        order, _url = scene_guest_order_create(
            scene=scene,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            items=form.items(),
            ship_to_host=form.cleaned_data["ship_to"] == "host",
            address=form.address(),
        )
    except SceneError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Order {order.number} (${order.total}) entered; the guest was emailed the payment link.",
        )
    return redirect("retailers:backoffice-scene", scene_id=scene.pk)


@require_POST
def host_guest_add(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The host adds a guest through their signed host page (no account)."""
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    if scene is None or not selectors.scene_from_host_token(scene=scene, token=token):
        raise Http404("No such host page")
    _guest_add_from_post(request, scene=scene, added_by=SceneGuest.AddedBy.HOST)
    return redirect(f"/s/{scene.code}/host/{token}/#guest-list")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def host_half_price(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The host (signed host page only) picks their half-price items and pays for them."""
    scene = selectors.scene_get_for_storefront(retailer=request.tenant, code=code)
    if scene is None or not selectors.scene_from_host_token(scene=scene, token=token):
        raise Http404("No such host page")
    allowance = host_half_price_allowance(scene=scene)
    form = HostHalfPriceForm(request.POST or None, rows=allowance)
    error = ""
    if request.method == "POST" and allowance and form.is_valid():
        try:
            _order, url = host_half_price_order_create(
                scene=scene, items=form.items(), address=form.address()
            )
        except SceneError as exc:
            error = str(exc)
        else:
            return HttpResponseRedirect(url, status=303)
    context = {
        "scene": scene,
        "allowance": allowance,
        "form": form,
        "error": error,
        "host_path": f"/s/{scene.code}/host/{token}/",
    }
    status = 400 if error or (request.method == "POST" and form.errors) else 200
    response = render(request, "scenes/half_price.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response
