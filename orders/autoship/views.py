"""Autoship pages: the customer's own (storefront account) and the retailer's back office.

Views parse, call one service or selector, and respond; another customer's autoship
is a 404. Every change is a POST (a link in an email only opens the page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from retailers.decorators import backoffice_view
from shopsocial.urls_util import storefront_reverse

from ..gateways import GatewayError
from . import services
from .forms import AutoshipLineForm, AutoshipScheduleForm
from .models import Autoship
from .selectors import (
    autoship_get_for_customer,
    autoship_list_for_customer,
    autoship_volume_for_retailer,
    autoships_for_retailer,
)


def _own(request: HttpRequest, autoship_id: int) -> Autoship:
    autoship = autoship_get_for_customer(user=request.user, autoship_id=autoship_id)
    if autoship is None:
        raise Http404("No such autoship.")
    return autoship


@require_safe
@login_required
def autoship_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "autoship/account_list.html",
        {"autoships": autoship_list_for_customer(user=request.user)},
    )


def _detail(request: HttpRequest, autoship: Autoship, *, form=None, status: int = 200):
    form = form or AutoshipScheduleForm(
        initial={"next_date": autoship.next_date, "interval_weeks": autoship.interval_weeks}
    )
    context = {
        "autoship": autoship,
        "form": form,
        "lines": autoship.lines.select_related("variant__product"),
        "runs": autoship.runs.select_related("order")[:10],
        "today": timezone.localdate(),
    }
    return render(request, "autoship/account_detail.html", context, status=status)


@require_safe
@login_required
def autoship_detail(request: HttpRequest, autoship_id: int) -> HttpResponse:
    return _detail(request, _own(request, autoship_id))


def _done(request: HttpRequest, autoship: Autoship, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("orders:autoship-detail", autoship.pk)


@require_POST
@login_required
def autoship_action(request: HttpRequest, autoship_id: int, action: str) -> HttpResponse:
    """POST skip | schedule | line | pause | resume | cancel."""
    autoship = _own(request, autoship_id)
    today = timezone.localdate()
    try:
        if action == "skip":
            autoship = services.autoship_skip_next(autoship=autoship, today=today)
            return _done(
                request, autoship, f"Skipped. Next delivery: {autoship.next_date:%b %-d, %Y}."
            )
        if action == "schedule":
            form = AutoshipScheduleForm(request.POST)
            if not form.is_valid():
                return _detail(request, autoship, form=form, status=400)
            autoship = services.autoship_reschedule(
                autoship=autoship,
                next_date=form.cleaned_data["next_date"],
                interval_weeks=form.cleaned_data["interval_weeks"],
                today=today,
            )
            return _done(request, autoship, "Your schedule was changed.")
        if action == "line":
            form = AutoshipLineForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Enter a quantity from 0 to 99.")
                return redirect("orders:autoship-detail", autoship.pk)
            autoship = services.autoship_line_quantity_set(
                autoship=autoship,
                line_id=form.cleaned_data["line_id"],
                quantity=form.cleaned_data["quantity"],
            )
            return _done(request, autoship, "Your items were changed.")
        if action == "pause":
            return _done(request, services.autoship_pause(autoship=autoship), "Paused.")
        if action == "resume":
            autoship = services.autoship_resume(autoship=autoship, today=today)
            return _done(
                request, autoship, f"Resumed. Next delivery: {autoship.next_date:%b %-d, %Y}."
            )
        if action == "cancel":
            services.autoship_cancel(autoship=autoship)
            return _done(request, autoship, "Canceled. Nothing more will be sent or charged.")
    except services.AutoshipError as exc:
        messages.error(request, str(exc))
        return redirect("orders:autoship-detail", autoship.pk)
    raise Http404("No such action.")


@require_POST
@login_required
def autoship_card(request: HttpRequest, autoship_id: int) -> HttpResponse:
    """Send the customer to the gateway's hosted page to save a new card."""
    autoship = _own(request, autoship_id)
    slug = request.tenant.slug
    try:
        url = services.autoship_card_update_start(
            autoship=autoship,
            success_url=storefront_reverse(slug, "orders:autoship-card-done", autoship.pk)
            + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=storefront_reverse(slug, "orders:autoship-detail", autoship.pk),
        )
    except services.AutoshipError as exc:
        messages.error(request, str(exc))
        return redirect("orders:autoship-detail", autoship.pk)
    except GatewayError:
        messages.error(request, "The payment page is unavailable right now; please try again.")
        return redirect("orders:autoship-detail", autoship.pk)
    return HttpResponseRedirect(url, status=303)


@require_safe
@login_required
def autoship_card_done(request: HttpRequest, autoship_id: int) -> HttpResponse:
    autoship = _own(request, autoship_id)
    try:
        services.autoship_card_update_finish(
            autoship=autoship, session_id=request.GET.get("session_id", "")[:255]
        )
    except (services.AutoshipError, GatewayError):
        messages.error(request, "The new card was not saved. Nothing changed.")
    else:
        messages.success(request, "Your new card will be used for the next delivery.")
    return redirect("orders:autoship-detail", autoship.pk)


@backoffice_view
def backoffice_autoships(request: HttpRequest) -> HttpResponse:
    retailer = request.retailer
    return render(
        request,
        "autoship/backoffice_list.html",
        {
            "autoships": autoships_for_retailer(retailer=retailer),
            "volume": autoship_volume_for_retailer(retailer=retailer),
        },
    )
