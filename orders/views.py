"""Storefront checkout pages and the gateway webhook (company host)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from orders.giftcards.selectors import giftcard_balances_for_order, store_credit_balance
from privacy.marketing.services import checkout_reminder_record
from retailers.earnings.selectors import protecting_retailer_for_user
from storefront.scenes.selectors import scene_for_cart
from storefront.scenes.services import checkout_data_for_scene

from .cart_source import (
    cart_attribution,
    cart_autoship,
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
from .helper_choice import HelperChoice, helper_choice_resolve
from .hooks import GiftCardRefused
from .models import Order
from .selectors import (
    checkout_quote,
    giftcard_available,
    giftcards_marked,
    order_for_checkout_session,
    order_last_for_customer,
    priced_items,
    shipping_methods_active,
)
from .services import CheckoutError, checkout_begin, order_payment_sync
from .services.holds import stock_holds_release_due
from .tax.engines import Destination
from .webhooks import webhook_receive

logger = logging.getLogger(__name__)


def _helper_choice(request: HttpRequest, *, placing: bool) -> HelperChoice | None:
    """None on a storefront (the storefront is credited); the choice on the company site."""
    if not request.tenant.is_company:
        return None
    posted = request.method == "POST"
    return helper_choice_resolve(
        # customer protection is an earnings read: the view asks, the rules take the answer
        protected=protecting_retailer_for_user(user=request.user),
        posted=posted,
        chosen=str(request.POST.get("helper", "")) if posted else "",
        search=request.POST.get("helper_search", "") if posted else "",
        placing=placing,
    )


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


GIFTCARD_TOO_MANY_TRIES = "Too many gift-card codes tried. Wait a few minutes and try again."


def _giftcard_rate(group, request) -> str:
    return settings.GIFTCARD_CODE_TRY_RATE


def _giftcard_choice(request: HttpRequest) -> tuple[str, bool, str]:
    """The gift-card code and store-credit choice posted: (code, use_credit, error).

    An unknown code is dropped (the error says so) and counts against
    GIFTCARD_CODE_TRY_RATE per client IP, so codes cannot be guessed by brute force. A
    known code is kept even when it cannot pay now: its balance may be held by this
    cart's previous attempt, which placing the order releases first; the totals and
    the placement explain what is wrong with it."""
    if request.method != "POST":
        return "", False, ""
    code = str(request.POST.get("gift_code", "")).strip()[:32]
    use_credit = request.user.is_authenticated and request.POST.get("use_store_credit") == "on"
    if not code:
        return "", use_credit, ""
    limit = {"group": "giftcard-code", "key": "ip", "rate": _giftcard_rate, "method": "POST"}
    usage = get_usage(request, increment=False, **limit)
    if usage is not None and usage["count"] >= usage["limit"]:  # that many failed already
        return "", use_credit, GIFTCARD_TOO_MANY_TRIES
    try:
        giftcard_available(code=code, retailer=request.tenant, user=None, use_store_credit=False)
    except GiftCardRefused as exc:
        if exc.unknown:
            get_usage(request, increment=True, **limit)
            return "", use_credit, exc.message
    return code, use_credit, ""


SUMMARY_FRAGMENT = "checkout-summary"


def _wants_summary_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Fragment", "") == SUMMARY_FRAGMENT


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
    attribution = cart_attribution(request)
    scene = scene_for_cart(retailer=request.tenant, attribution=attribution)
    placing = request.method == "POST" and request.POST.get("action") not in ("update", "find")
    helper = _helper_choice(request, placing=placing)
    buys_giftcards = any(i.is_giftcard for i in giftcards_marked(priced_items(items=items)))
    store_credit = store_credit_balance(user=request.user)
    giftcard_code, use_credit, giftcard_error = _giftcard_choice(request)
    if request.method == "POST":
        data = checkout_data_for_scene(request.POST, scene=scene)
        form = CheckoutForm(data, shipping_methods=methods, needs_recipient=buys_giftcards)
        valid = form.is_valid()
        destination = _destination_of(form) or destination
        method_code = form.cleaned_data.get("shipping_method", "") if valid else ""
        if valid and placing and helper is not None and helper.error:
            status = 400
        elif valid and placing and giftcard_error:
            # the shopper asked for a card that cannot pay: nothing is placed, all kept
            error = f"Gift card not applied: {giftcard_error}"
            status = 429 if giftcard_error == GIFTCARD_TOO_MANY_TRIES else 409
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
                    attribution=attribution,
                    show_first_name_to_host=request.POST.get("show_first_name_to_host") == "on",
                    helped_by=helper.retailer if helper is not None else None,
                    autoship=cart_autoship(request),
                    giftcard_code=giftcard_code,
                    use_store_credit=use_credit,
                    giftcard_recipient=form.giftcard_recipient(),
                )
            except CheckoutError as exc:
                error = exc.message
                status = 503 if exc.code == CheckoutError.Code.GATEWAY else 409
                if exc.code == CheckoutError.Code.GIFTCARD:
                    giftcard_code = ""  # the summary shows the totals without it
            else:
                cart_pending_order_set(request, order.pk)
                # Abandoned-checkout reminder (issue 28): scheduled for a signed-in, opted-in
                # shopper; a DNT/GPC signal is recorded now, so it is never sent.
                checkout_reminder_record(
                    order=order,
                    user=request.user,
                    dnt=request.tracking.dnt,
                    gpc=request.tracking.gpc,
                )
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
        form = CheckoutForm(
            initial=initial, shipping_methods=methods, needs_recipient=buys_giftcards
        )
        method_code = form.initial.get("shipping_method", "")
    email = form.data.get("email", "") if form.is_bound else ""
    quote = checkout_quote(
        items=items,
        shipping_method_code=method_code if isinstance(method_code, str) else "",
        discount_code=code,
        email=email if isinstance(email, str) else "",
        destination=destination,
        giftcard_code=giftcard_code,
        user=request.user,
        use_store_credit=use_credit,
        retailer=request.tenant,
        fresh=True,  # the amount about to be paid: not a kept cart row
    )
    context = {
        "totals": quote.totals,
        "discount_error": quote.discount_error,
        "giftcard_error": giftcard_error or quote.giftcard_error,
        "quote": quote,
    }
    if request.method == "POST" and not placing and _wants_summary_fragment(request):
        # Live totals (issue 28): checkout.js posts the form on a change and swaps in
        # the server-rendered summary; the field errors wait for the real submit.
        return render(request, "orders/partials/checkout_summary.html", context)
    return render(
        request,
        "orders/checkout.html",
        {
            **context,
            "form": form,
            "shipping_methods": methods,
            "error": error,
            "scene": scene,
            "ship_to_host": bool(scene and scene.delivery == "host"),
            "helper": helper,
            "buys_giftcards": buys_giftcards,
            "store_credit": store_credit,
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
    return render(
        request,
        "orders/checkout_success.html",
        {"order": order, "giftcards": giftcard_balances_for_order(order=order)},
    )


def checkout_canceled(request: HttpRequest, number: str) -> HttpResponse:
    """Where the gateway sends a shopper who left its page. The same answer for any
    `number` (issue 30 item 11): the page neither looks the order up nor shows it, so
    it cannot tell whether an order number exists."""
    return render(request, "orders/checkout_canceled.html", {})


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
