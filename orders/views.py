"""Storefront checkout pages and the gateway webhook (company host)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from retailers.earnings.selectors import protecting_retailer_for_user
from retailers.models import Retailer
from storefront.finder import Found, retailer_active_by_number, retailer_find
from storefront.scenes.selectors import scene_for_cart
from storefront.scenes.services import checkout_data_for_scene
from storefront.selectors import SEARCH_MAX_LENGTH, search_text_clean

from .cart_source import (
    cart_attribution,
    cart_clear,
    cart_destination,
    cart_destination_set,
    cart_discount_code,
    cart_items,
    cart_pending_order_id,
    cart_pending_order_set,
)
from .forms import CheckoutForm
from .gateways import GatewayError, MalformedEventError, SignatureError
from .models import Order
from .selectors import (
    checkout_quote,
    order_for_checkout_session,
    order_last_for_customer,
    shipping_methods_active,
)
from .services import CheckoutError, checkout_begin, order_payment_sync
from .services.holds import stock_holds_release_due
from .tax.engines import Destination
from .webhooks import webhook_receive

logger = logging.getLogger(__name__)


HELPER_OPTIONS_MAX = 10


@dataclass
class HelperChoice:
    """Company site: "who helped you?" at checkout (the retailer finder, inline).

    `options` are finder results (`storefront.finder.Found`); `chosen` is the Retailer ID
    ticked ("" = no one: the company keeps the sale); `protected` is the shopper's own
    retailer (customer protection), preselected.
    """

    options: list = field(default_factory=list)
    chosen: str = ""
    search: str = ""
    searched: bool = False
    found_count: int = 0
    protected: Retailer | None = None
    error: str = ""

    @property
    def protection_decides(self) -> bool:
        """Under "first retailer keeps the customer" the protected retailer is credited
        whoever is named: the shopper is told so."""
        return self.protected is not None and (
            settings.CUSTOMER_PROTECTION_POLICY == "first_retailer"
        )

    @property
    def retailer(self) -> Retailer | None:
        return next(
            (f.retailer for f in self.options if f.retailer.retailer_number == self.chosen), None
        )


def _helper_choice(request: HttpRequest) -> HelperChoice | None:
    """None on a storefront (the storefront is credited); the choice on the company site."""
    if not request.tenant.is_company:
        return None
    protected = protecting_retailer_for_user(user=request.user)
    choice = HelperChoice(protected=protected)
    if protected is not None:
        choice.options.append(Found(protected))
        choice.chosen = protected.retailer_number
    if request.method != "POST":
        return choice
    choice.chosen = str(request.POST.get("helper", ""))[:20].strip()
    choice.search = search_text_clean(request.POST.get("helper_search"))[:SEARCH_MAX_LENGTH]
    if choice.chosen and choice.retailer is None:
        named = retailer_active_by_number(choice.chosen)
        if named is None:
            choice.error = "That retailer cannot be credited any more. Choose another, or no one."
            choice.chosen = ""
        else:
            choice.options.append(Found(named))
    if choice.search:
        choice.searched = True
        known = {f.retailer.pk for f in choice.options}
        result = retailer_find(text=choice.search).found
        choice.found_count = len(result)
        new = [f for f in result if f.retailer.pk not in known]
        choice.options.extend(new[:HELPER_OPTIONS_MAX])
        if not choice.chosen and len(result) == 1:
            choice.chosen = result[0].retailer.retailer_number
        elif not choice.chosen and request.POST.get("action") not in ("update", "find"):
            choice.error = (
                "Choose the retailer who helped you from the list, or No one "
                "(or clear the search box)."
            )
    return choice


def _checkout_initial(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {"billing_same_as_shipping": True}
    initial = {"email": user.email, "full_name": user.get_full_name()}
    last = order_last_for_customer(user=user)
    if last is not None:
        initial.update(
            {
                name: getattr(last, name)
                for name in CheckoutForm.base_fields
                if hasattr(last, name) and name != "shipping_method"
            }
        )
        initial["email"] = user.email or last.email
    initial.setdefault("billing_same_as_shipping", True)
    return initial


def _destination_of(form: CheckoutForm) -> Destination | None:
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    state = data.get("ship_state")
    if state and "ship_state" not in form.errors:
        return Destination(state=state, postal_code=data.get("ship_postal_code") or "")
    return None


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """GET: the order summary and the details form. POST: place it, go to the payment page.

    POST with `action=update` only recomputes the totals for the address and shipping
    method typed (exact tax before the payment page); any other POST places the order.
    """
    stock_holds_release_due()
    items = cart_items(request)
    methods = shipping_methods_active()
    code = cart_discount_code(request)
    error = ""
    status = 200
    destination = cart_destination(request)
    scene = scene_for_cart(retailer=request.tenant, attribution=cart_attribution(request))
    helper = _helper_choice(request)
    if request.method == "POST":
        data = checkout_data_for_scene(request.POST, scene=scene)
        form = CheckoutForm(data, shipping_methods=methods)
        valid = form.is_valid()
        destination = _destination_of(form) or destination
        method_code = form.cleaned_data.get("shipping_method", "") if valid else ""
        placing = request.POST.get("action") not in ("update", "find")
        if valid and placing and helper is not None and helper.error:
            status = 400
        elif valid and placing:
            try:
                order, url = checkout_begin(
                    items=items,
                    retailer=request.tenant,
                    customer=form.customer_details(),
                    user=request.user,
                    shipping_method_code=method_code,
                    discount_code=code,
                    previous_order_id=cart_pending_order_id(request),
                    attribution=cart_attribution(request),
                    show_first_name_to_host=request.POST.get("show_first_name_to_host") == "on",
                    helped_by=helper.retailer if helper is not None else None,
                )
            except CheckoutError as exc:
                error = exc.message
                status = 503 if exc.code == CheckoutError.Code.GATEWAY else 409
            else:
                cart_pending_order_set(request, order.pk)
                return HttpResponseRedirect(url, status=303)
        elif not valid:
            status = 400
        if destination is not None:
            cart_destination_set(request, destination)
        method_code = request.POST.get("shipping_method", "")[:30]
    else:
        initial = _checkout_initial(request)
        if destination is not None:
            initial.setdefault("ship_state", destination.state)
            initial.setdefault("ship_postal_code", destination.postal_code)
        elif initial.get("ship_state"):
            # A signed-in shopper's last address: estimate the tax for it already.
            destination = Destination(
                state=initial["ship_state"], postal_code=initial.get("ship_postal_code", "")
            )
        form = CheckoutForm(initial=initial, shipping_methods=methods)
        method_code = form.initial.get("shipping_method", "")
    email = form.data.get("email", "") if form.is_bound else ""
    quote = checkout_quote(
        items=items,
        shipping_method_code=method_code if isinstance(method_code, str) else "",
        discount_code=code,
        email=email if isinstance(email, str) else "",
        destination=destination,
    )
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "totals": quote.totals,
            "discount_error": quote.discount_error,
            "shipping_methods": methods,
            "error": error,
            "scene": scene,
            "ship_to_host": bool(scene and scene.delivery == "host"),
            "helper": helper,
        },
        status=status,
    )


def checkout_success(request: HttpRequest) -> HttpResponse:
    """The gateway sends the shopper here; works before or after the webhook."""
    order = order_for_checkout_session(
        retailer=request.tenant, session_id=request.GET.get("session_id", "")[:255]
    )
    if order is None:
        raise Http404("No such order.")
    try:
        order = order_payment_sync(order=order)
    except GatewayError:
        logger.warning("success page: gateway unavailable for order %s", order.pk)
    if order.status != Order.Status.PENDING_PAYMENT and order.status != Order.Status.CANCELED:
        cart_clear(request)
    return render(request, "orders/checkout_success.html", {"order": order})


def checkout_canceled(request: HttpRequest, number: str) -> HttpResponse:
    if not Order.objects.filter(retailer=request.tenant, number=number).exists():
        raise Http404("No such order.")
    return render(request, "orders/checkout_canceled.html", {"number": number})


@csrf_exempt
@require_POST
def gateway_webhook(request: HttpRequest) -> HttpResponse:
    """POST /webhooks/stripe/ (company host): signed events from Stripe or the offline gateway."""
    try:
        outcome = webhook_receive(payload=request.body, headers=request.headers)
    except SignatureError:
        return JsonResponse({"error": "invalid signature"}, status=400)
    except MalformedEventError:
        return JsonResponse({"error": "malformed event"}, status=400)
    except GatewayError:
        # The gateway could not be re-read: answer 503 so the event is delivered again.
        return JsonResponse({"error": "gateway unavailable"}, status=503)
    return JsonResponse({"status": outcome})
