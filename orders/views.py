"""Storefront checkout pages and the gateway webhook (company host)."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .cart_source import cart_clear, cart_items
from .forms import CheckoutForm
from .gateways import GatewayError, MalformedEventError, SignatureError
from .models import Order
from .selectors import (
    checkout_summary,
    order_for_checkout_session,
    order_last_for_customer,
)
from .services import CheckoutError, checkout_begin, order_payment_sync
from .webhooks import webhook_receive

logger = logging.getLogger(__name__)


def _storefront_only(request: HttpRequest) -> None:
    if request.tenant.is_company:
        raise Http404("Checkout happens on a retailer's storefront.")


def _checkout_initial(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {"billing_same_as_shipping": True}
    initial = {"email": user.email, "full_name": user.get_full_name()}
    last = order_last_for_customer(user=user)
    if last is not None:
        initial.update(
            {name: getattr(last, name) for name in CheckoutForm.base_fields if hasattr(last, name)}
        )
        initial["email"] = user.email or last.email
    initial.setdefault("billing_same_as_shipping", True)
    return initial


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """GET: the order summary and the details form. POST: place it, go to the payment page."""
    _storefront_only(request)
    items = cart_items(request)
    summary = checkout_summary(items=items)
    error = ""
    status = 200
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            try:
                _order, url = checkout_begin(
                    items=items,
                    retailer=request.tenant,
                    customer=form.customer_details(),
                    user=request.user,
                )
            except CheckoutError as exc:
                error = exc.message
                status = 503 if exc.code == CheckoutError.Code.GATEWAY else 409
            else:
                return HttpResponseRedirect(url, status=303)
        else:
            status = 400
    else:
        form = CheckoutForm(initial=_checkout_initial(request))
    return render(
        request,
        "orders/checkout.html",
        {"form": form, "summary": summary, "error": error},
        status=status,
    )


def checkout_success(request: HttpRequest) -> HttpResponse:
    """The gateway sends the shopper here; works before or after the webhook."""
    _storefront_only(request)
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
    _storefront_only(request)
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
