"""The shopper's return page: from the order-status link or the signed-in account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from orders.accounts.selectors import order_for_status_token
from orders.models import Order
from orders.selectors import order_get_for_customer
from shopsocial.responses import private_response

from .forms import ReturnRequestForm
from .selectors import return_window_closes, return_window_open, returnable_quantities
from .services import ReturnError, return_request_create


def _return_page(request: HttpRequest, *, order: Order, actor: str, back_url: str):
    returnable = returnable_quantities(order=order)
    form = ReturnRequestForm(
        request.POST if request.method == "POST" else None, order=order, returnable=returnable
    )
    error, created, status = "", None, 200
    if not return_window_open(order=order):
        error = (
            "This order cannot be returned online: returns are accepted for shipped orders "
            "within the return window."
        )
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        if form.is_valid():
            try:
                created = return_request_create(
                    order_id=order.pk,
                    quantities=form.quantities(),
                    reasons=form.reasons(),
                    note=form.cleaned_data["note"],
                    actor=actor,
                )
            except ReturnError as exc:
                error, status = exc.message, 409
        else:
            status = 400
    context = {
        "order": order,
        "form": form,
        "error": error,
        "created": created,
        "window_closes": return_window_closes(order=order),
        "window_open": return_window_open(order=order),
        "back_url": back_url,
    }
    return private_response(render(request, "orders/returns/request.html", context, status=status))


@require_http_methods(["GET", "POST"])
def return_request_by_link(request: HttpRequest, token: str) -> HttpResponse:
    order = order_for_status_token(token=token, retailer=request.tenant)
    if order is None:
        return private_response(render(request, "orders/order_status_invalid.html", status=404))
    back = reverse("orders:order-status", args=[token])
    return _return_page(request, order=order, actor="shopper (status link)", back_url=back)


@login_required
@require_http_methods(["GET", "POST"])
def return_request_in_account(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_customer(user=request.user, number=number)
    if order is None:
        raise Http404("No such order.")
    back = reverse("orders:account-order-detail", args=[number])
    return _return_page(request, order=order, actor="shopper (account)", back_url=back)
